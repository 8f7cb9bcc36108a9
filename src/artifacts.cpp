#include "kmpack/artifacts.h"

#include "kmpack/conventions.h"
#include "kmpack/digest.h"
#include "kmpack/emit_c.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"

namespace kmpack {

ArtifactRecord artifact_record(const SoPlan &plan) {
    ArtifactRecord r;
    r.kmpack_version = KMPACK_VERSION;
    r.so_name = plan.file_name;
    r.path = plan.rel_path;
    r.md5 = plan.md5;
    r.digest = plan.digest;
    r.id = plan.id;
    for (const auto &in : plan.inputs)
        r.objects.push_back({in.display, in.symbols.defined.size(), md5_hex(in.bytes)});
    r.archives = plan.archives;
    r.libs = plan.system_libs;
    r.linker_options = plan.linker_options;
    for (const auto &a : plan.system_archives)
        r.system_archives.push_back(a.string());
    for (const auto &d : plan.lib_dirs)
        r.lib_dirs.push_back(d.string());
    r.cxx = plan.cxx;
    for (const auto &e : plan.exports)
        r.exports.push_back({e.name, e.target, to_string(e.kind), to_string(e.binding), e.size, e.origin});
    r.skipped_exports = plan.skipped_exports;
    r.overrides = plan.overrides;
    r.renamed_globals = plan.symmap.size();
    r.needed = plan.needed;
    r.imports = plan.imports;
    for (const auto &[from, to] : plan.section_renames)
        r.sections[from] = to;
    return r;
}

std::string symmap_text(const SoPlan &plan) {
    std::string out;
    for (const auto &[old_name, new_name] : plan.symmap)
        out += old_name + " " + new_name + "\n";
    return out;
}

ArtifactRecord write_artifacts(const SoPlan &plan) {
    write_file_atomic(artifact_path(plan.so_path, Artifact::Symmap), symmap_text(plan));
    write_file_atomic(artifact_path(plan.so_path, Artifact::SymbolsC), emit_symbols_c(plan));
    ArtifactRecord record = artifact_record(plan);
    write_file_atomic(artifact_path(plan.so_path, Artifact::Record), artifact_text(record));
    return record;
}

void write_stamp(const fs::path &so, const std::string &module) {
    StampRecord stamp{module, {}};
    for (Artifact a : kStamped) {
        fs::path file = artifact_path(so, a);
        stamp.files[file.filename().string()] = fingerprint(file);
    }
    write_file_atomic(artifact_path(so, Artifact::Stamp), json_text(nlohmann::json(stamp)));
}

std::optional<StampRecord> read_stamp(const fs::path &stem) {
    fs::path file = artifact_at(stem, Artifact::Stamp);
    std::error_code ec;
    if (!fs::exists(file, ec))
        return std::nullopt;
    try {
        return load_record<StampRecord>(file);
    } catch (const Error &) {
        return std::nullopt;
    }
}

std::string damaged_artifact(const fs::path &stem, const StampRecord &stamp) {
    for (Artifact a : kStamped) {
        fs::path file = artifact_at(stem, a);
        auto recorded = stamp.files.find(file.filename().string());
        if (recorded == stamp.files.end())
            return file.string() + ": not listed in its " + artifact_at(stem, Artifact::Stamp).filename().string();
        if (std::string why = fingerprint_mismatch(file, recorded->second); !why.empty())
            return file.string() + ": " + why;
    }
    return "";
}

} // namespace kmpack
