#include "kmpack/build_cache.h"

#include "kmpack/conventions.h"
#include "kmpack/cpython_build.h"
#include "kmpack/digest.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/process.h"
#include "kmpack/records.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

namespace kmpack {

std::string tree_digest(const fs::path &dir) {
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
        std::string name = it->path().filename().string();
        if (name == ".git" || name == "__pycache__") {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_symlink() || it->is_regular_file())
            files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    std::string all;
    for (const auto &f : files) {
        struct stat st {};
        ::lstat(f.c_str(), &st);
        std::string rel = relative_below(f, dir);
        std::string content = S_ISLNK(st.st_mode) ? "link:" + fs::read_symlink(f).string() : md5_file(f);
        all += rel + '\0' + std::to_string(st.st_mode & 0777) + '\0' + content + '\n';
    }
    return md5_hex(all);
}

namespace {

bool is_commit_id(const std::string &ref) {
    return ref.size() == 40 && std::all_of(ref.begin(), ref.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

} // namespace

std::string source_identity(CommandRunner &runner, const ModuleSpec &module) {
    switch (module.kind) {
    case SourceKind::Directory:
        return "dir:" + tree_digest(module.local_path);
    case SourceKind::Archive:
        return "archive:" + md5_file(module.local_path);
    case SourceKind::Wheel:
        return "wheel:" + md5_file(module.local_path);
    case SourceKind::Git:
        break;
    }
    if (is_commit_id(module.ref))
        return "git:" + module.ref;
    Command c;
    c.argv = {"git", "ls-remote", "--", module.source, module.ref.empty() ? "HEAD" : module.ref};
    c.env["GIT_TERMINAL_PROMPT"] = "0";
    std::string out;
    try {
        out = read_output(runner, c);
    } catch (const Error &e) {
        throw Error(module.origin + ": cannot reach git source '" + module.source + "': " + e.what());
    }
    // A tag has a peeled line "sha\trefs/tags/x^{}" naming the commit; prefer it.
    std::string first, peeled;
    for (std::string_view line : split_lines(out)) {
        if (line.size() < 41)
            continue;
        if (first.empty())
            first = std::string(line.substr(0, 40));
        if (line.ends_with("^{}"))
            peeled = std::string(line.substr(0, 40));
    }
    if (first.empty())
        throw Error(module.origin + ": git ref '" + (module.ref.empty() ? "HEAD" : module.ref) +
                    "' does not exist in '" + module.source + "'");
    return "git:" + (peeled.empty() ? first : peeled);
}

std::string compiler_identity(CommandRunner &runner, const std::string &cc) {
    Command c;
    c.argv = {cc, "--version"};
    try {
        return read_output(runner, c);
    } catch (const Error &) {
        return "(unknown)";
    }
}

std::string interpreter_toolchain(CommandRunner &runner) { return compiler_identity(runner, kCPythonCC); }

std::string toolchain_identity(CommandRunner &runner, const PythonInfo &python, const std::string &interpreter_key) {
    nlohmann::json j = {{"python", python.executable}, {"version", python.full_version},
                        {"libpl", python.libpl.string()}, {"cc", python.cc},
                        {"cxx", python.cxx}, {"ldshared", python.ldshared},
                        {"compiler", compiler_identity(runner, python.cc.at(0))}};
    if (!interpreter_key.empty())
        j["interpreter"] = interpreter_key;
    return md5_hex(j.dump());
}

const std::string &kmpack_identity() {
    static const std::string identity = [] {
        std::error_code ec;
        fs::path self = fs::read_symlink("/proc/self/exe", ec);
        return std::string(KMPACK_VERSION) + "+" + (ec ? std::string("unknown") : md5_file(self));
    }();
    return identity;
}

std::string module_key(const ModuleSpec &m, const std::string &source, const std::string &toolchain,
                       const std::string &rust) {
    // A local source counts by its content (`source`), not by how the line
    // wrote its path: relative or absolute, or the project moved, is the same
    // build. A git source counts by its URL too.
    std::string where = m.kind == SourceKind::Git ? m.source : "";
    nlohmann::json j = {{"name", m.name},     {"source", where},      {"ref", m.ref},
                        {"subdir", m.subdir}, {"skip", m.skip},       {"env", m.env},
                        {"build", static_cast<int>(m.build)},         {"configure", m.configure},
                        {"identity", source},
                        {"toolchain", toolchain},                      {"kmpack", kmpack_identity()}};
    if (!rust.empty())
        j["rust"] = md5_hex(rust);
    return md5_hex(j.dump());
}

std::string chained_key(const std::string &key, const std::vector<std::string> &library_keys) {
    if (library_keys.empty())
        return key;
    return md5_hex(nlohmann::json{{"key", key}, {"libraries", library_keys}}.dump());
}

std::string interpreter_key(const ModuleSpec &m, const std::string &source, const std::string &compiler) {
    nlohmann::json j = {{"identity", source}, {"ref", m.ref},         {"subdir", m.subdir},
                        {"env", m.env},       {"configure", m.configure}, {"compiler", compiler},
                        {"recipe", kInterpreterRecipe}};
    return md5_hex(j.dump());
}

std::string current_key(CommandRunner &runner, const ModuleSpec &spec, const std::string &toolchain,
                        const fs::path &crate_registry) {
    if (spec.build == BuildKind::CPython)
        return interpreter_key(spec, source_identity(runner, spec), toolchain);
    // An archive or git source is not fetched yet: it may hold a Cargo.toml.
    bool may_be_rust = spec.kind == SourceKind::Directory ? uses_cargo(spec.local_path / spec.subdir)
                                                          : spec.kind != SourceKind::Wheel;
    std::string rust = may_be_rust ? rust_identity(runner, spec.env, crate_registry) : "";
    return module_key(spec, source_identity(runner, spec), toolchain, rust);
}

std::optional<ModuleBuildRecord> recorded_build(const fs::path &work) {
    fs::path file = ModuleLayout{work}.record();
    std::error_code ec;
    if (!fs::exists(file, ec))
        return std::nullopt;
    try {
        return load_record<ModuleBuildRecord>(file);
    } catch (const Error &) {
        return std::nullopt; // unreadable: build again
    }
}

std::string damaged_build_file(const fs::path &work, const ModuleBuildRecord &record) {
    for (const auto &[rel, recorded] : record.files)
        if (std::string why = fingerprint_mismatch(work / rel, recorded); !why.empty())
            return (work / rel).string() + ": " + why;
    return "";
}

std::optional<fs::path> recorded_work(const fs::path &work) {
    auto record = recorded_build(work);
    if (!record || record->work.empty())
        return std::nullopt;
    return fs::path(record->work);
}

std::map<std::string, Fingerprint> build_files(const fs::path &work) {
    ModuleLayout layout{work};
    std::map<std::string, Fingerprint> files;
    std::error_code ec;
    if (fs::is_regular_file(layout.capture_log(), ec))
        files[relative_below(layout.capture_log(), work)] = fingerprint(layout.capture_log());
    for (fs::directory_iterator it(layout.maps(), ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file())
            files[relative_below(it->path(), work)] = fingerprint(it->path());
    return files;
}

void record_module(const fs::path &work, const std::string &key, const fs::path &package_dir) {
    write_record(ModuleLayout{work}.record(),
                 ModuleBuildRecord{key, relative_below(package_dir, work), build_files(work),
                                   fs::absolute(work).string()});
}

} // namespace kmpack
