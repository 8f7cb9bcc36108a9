#include "kmpack/interpreter.h"

#include "kmpack/build_cache.h"
#include "kmpack/build_packages.h"
#include "kmpack/cpython_build.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/link_inputs.h"

namespace kmpack {

namespace {

// The shared standard modules of the cached build at `from` into `to`, in
// the build directory, unless `to` holds those of this very build already
// (its stamp says `key`): their artifacts are written beside them there, and
// the cache is never written after its build.
void copy_shared_modules(const fs::path &from, const fs::path &to, const std::string &key) {
    fs::path stamp = to / ".kmpack-interpreter";
    std::error_code ec;
    if (fs::exists(stamp, ec) && read_file(stamp) == key)
        return;
    fs::path staging = temporary_sibling(to);
    try {
        for (const auto &e : fs::recursive_directory_iterator(from)) {
            if (!e.is_regular_file() || e.path().extension() != ".so")
                continue;
            fs::path target = staging / relative_below(e.path(), from);
            fs::create_directories(target.parent_path());
            fs::copy_file(e.path(), target);
        }
        fs::create_directories(staging);
        write_file_atomic(staging / ".kmpack-interpreter", key);
    } catch (...) {
        fs::remove_all(staging, ec);
        throw;
    }
    fs::remove_all(to, ec);
    fs::rename(staging, to);
}

} // namespace

fs::path interpreter_dir(const fs::path &cache_dir, const std::string &key) {
    return cache_dir / "interpreters" / key;
}

Toolchain prepare_interpreter(const PythonInfo &host, std::vector<ModuleWork> &work, const ModuleOptions &options,
                              Outcomes &outcomes, Host &io) {
    Toolchain t;
    t.host = host;
    t.python = t.host;
    bool interpreter = !work.empty() && work.front().spec->build == BuildKind::CPython;
    if (interpreter) {
        ModuleWork &m = work.front();
        Toolchain own; // what the interpreter's own build is keyed on: the compiler
        own.python = t.host;
        own.identity = interpreter_toolchain(io.runner);
        outcomes.work(
            0,
            [&] {
                fs::path lib = m.dirs.lib(); // in the build directory
                m.dirs = ModuleLayout{interpreter_dir(options.cache_dir, current_key(io.runner, *m.spec, own.identity))};
                {
                    fs::create_directories(m.dirs.work.parent_path());
                    FileLock lock(m.dirs.work.string() + ".lock", "the interpreter's build", /*wait=*/true);
                    prepare_module(m, own, options, io);
                    if (!m.cached)
                        record_module(m.dirs.work, m.key, m.package_dir);
                    m.recorded = true;
                }
                CPythonLayout layout = cpython_layout(m.package_dir, m.dirs.work);
                copy_shared_modules(layout.lib_dir, lib, m.key);
                m.lib_dir = lib;
                t.python = query_python(io.runner, layout.python.string());
                if (t.python.version != host.version) // built before for another --python
                    throw Error(cpython_version_mismatch(*m.spec, t.python.version, host));
            },
            /*fatal=*/true);
        outcomes.end_build(0, !m.cached);
        t.built = true;
        t.interpreter_dir = m.dirs.work;
    }
    t.identity = toolchain_identity(io.runner, t.python, interpreter ? work.front().key : "");
    t.search_dirs = compiler_search_dirs(io.runner, t.python.cc.at(0));
    io.status.note("python: " + t.python.executable + " " + t.python.version + " (" + t.python.libpl.string() + ")",
                   true);
    return t;
}

} // namespace kmpack
