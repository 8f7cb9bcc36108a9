#include "kmpack/build_record.h"

#include "kmpack/build_cache.h"
#include "kmpack/digest.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"

namespace kmpack {

ModuleRecord module_record(const ModuleWork &m, std::vector<SoRecord> shared_objects, const fs::path &build_dir) {
    ModuleRecord r;
    r.name = m.spec->name;
    r.source = m.spec->source;
    r.key = m.key;
    r.lib_dir = relative_below(m.lib_dir, build_dir);
    r.log = in_build(m.dirs.log(), build_dir).string(); // a built interpreter's is in the cache
    r.notes = m.notes;
    r.shared_objects = std::move(shared_objects);
    return r;
}

BuildRecord load_build_record(const BuildLayout &layout) {
    std::error_code ec;
    if (!fs::exists(layout.record(), ec))
        throw Error(layout.record().string() +
                    ": no build here; run 'kmpack build modules.txt' first, or give the build directory with -B");
    return load_record<BuildRecord>(layout.record());
}

std::string link_key(const std::string &build_record_text, const LinkOptions &o, const fs::path &out_dir) {
    nlohmann::json j = {{"build", md5_hex(build_record_text)},
                        {"cc", o.cc},
                        {"args", o.link_args},
                        {"ld", {o.linker.name, o.linker.flag}},
                        {"only", o.only_modules},
                        {"out", out_dir.string()},
                        {"tree", o.cpython_tree.string()},
                        {"main_table", o.main_table},
                        {"mode", std::string(link_mode_name(o.mode))},
                        {"stdlib_extras", o.stdlib_extras},
                        {"debug", o.debug},
                        {"onefile", o.onefile},
                        {"libc", std::string(libc_exports_name(o.libc))},
                        {"kmpack", kmpack_identity()}};
    return md5_hex(j.dump());
}

bool link_current(const BuildLayout &layout, const fs::path &out_dir, const std::string &key) {
    std::error_code ec;
    return fs::exists(out_dir / "python.km", ec) && fs::exists(layout.link_key(), ec) &&
           read_file(layout.link_key()) == key;
}

} // namespace kmpack
