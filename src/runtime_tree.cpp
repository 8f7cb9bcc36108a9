#include "kmpack/runtime_tree.h"

#include "kmpack/bytecode.h"
#include "kmpack/conventions.h"
#include "kmpack/emit_finder.h"
#include "kmpack/fs.h"
#include "kmpack/stdlib_tree.h"

namespace kmpack {

namespace {

// One module's files below `root` into `staging`.
void copy_module(const fs::path &root, const std::map<std::string, std::string> &ids, const fs::path &staging) {
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
        const auto &entry = *it;
        if (entry.is_directory() && entry.path().filename() == "__pycache__") {
            it.disable_recursion_pending(); // the build's own byte-code: compiled afresh
            continue;
        }
        std::string name = entry.path().filename().string();
        if (!entry.is_regular_file() || is_artifact_name(name))
            continue;
        std::string rel = relative_below(entry.path(), root);
        fs::path target = staging / rel;
        fs::create_directories(target.parent_path());
        if (!name.ends_with(".so")) {
            fs::copy_file(entry.path(), target, fs::copy_options::overwrite_existing);
            continue;
        }
        auto id = ids.find(rel);
        if (id == ids.end())
            continue; // skipped, or not linked: it could not load anyway
        write_file_atomic(target, "kmpack placeholder: this extension module is linked into python.km as " +
                                      id->second + "\n");
        write_file_atomic(placeholder_id_path(target), id->second + "\n");
    }
}

} // namespace

void lay_out(const fs::path &build_dir, const std::vector<ModuleRecord> &modules,
             const std::map<std::string, std::string> &ids, const fs::path &lib,
             const std::function<void(const fs::path &staging)> &finish) {
    fs::path staging = temporary_sibling(lib);
    std::error_code ec;
    try {
        fs::create_directories(staging);
        for (const auto &m : modules)
            copy_module(build_dir / m.lib_dir, ids, staging);
        finish(staging);
    } catch (...) {
        fs::remove_all(staging, ec);
        throw;
    }
    fs::remove_all(lib, ec);
    fs::rename(staging, lib);
}

namespace {

// What lib/ holds besides the packages: the standard library, made
// relocatable, the finder and sitecustomize.
void add_interpreter_files(const LinkPlan &plan, const LinkOptions &options, const fs::path &lib, const fs::path &log,
                           Host &host) {
    std::string stdlib = stdlib_dir_name(plan.python.version);
    size_t files = copy_stdlib(plan.python.stdlib, lib / stdlib, options.stdlib_extras);
    relocate_sysconfigdata(host.runner, plan.python.executable, lib / stdlib, plan.build_paths, log);
    host.status.note("python.km: the standard library, " + std::to_string(files) + " files, in lib/" + stdlib +
                         (options.stdlib_extras ? " (with its tests, IDLE and tkinter)" : ""),
                     true);
    write_file_atomic(lib / "_kmpack_finder.py", emit_finder_py(plan.finder_modules, options.mode));
    write_file_atomic(lib / "sitecustomize.py", emit_sitecustomize_py());
}

void report(const BytecodeResult &bytecode, Host &host) {
    for (const auto &f : bytecode.failed)
        host.status.note("python.km: lib/" + f.file + " does not compile (" + f.reason +
                         "); left as source, its import fails as it would anywhere");
    host.status.note("python.km: " + std::to_string(bytecode.compiled) + " .py files byte-compiled", true);
}

} // namespace

void write_runtime_tree(const LinkPlan &plan, const LinkOptions &options, const fs::path &build_dir,
                        const fs::path &out_dir, const fs::path &log, Host &host) {
    host.status.phase("python.km", "lay out");
    lay_out(build_dir, plan.modules, plan.ids, out_dir / "lib", [&](const fs::path &lib) {
        add_interpreter_files(plan, options, lib, log, host);
        host.status.phase("python.km", "byte-compile");
        report(compile_bytecode(host.runner, plan.python.executable, lib, log), host);
    });
    // Relative to the ._pth's directory, which is also python.km's prefix.
    write_file_atomic(out_dir / "python.km._pth", "lib\nlib/" + stdlib_dir_name(plan.python.version) + "\nimport site\n");
}

void append_runtime_archive(const LinkPlan &plan, const LinkOptions &options, const fs::path &build_dir,
                            const fs::path &executable, const std::string &name, const fs::path &log, Host &host) {
    host.status.phase("python.km", "archive");
    fs::path staging = temporary_sibling(executable.parent_path() / "lib");
    std::error_code ec;
    try {
        fs::create_directories(staging);
        for (const auto &m : plan.modules)
            copy_module(build_dir / m.lib_dir, plan.ids, staging);
        add_interpreter_files(plan, options, staging, log, host);
        report(append_archive(host.runner, plan.python.executable, staging, executable, name, log), host);
    } catch (...) {
        fs::remove_all(staging, ec);
        throw;
    }
    fs::remove_all(staging, ec);
}

std::string stdlib_dir_name(const std::string &version) { return "python" + version; }

} // namespace kmpack
