#include "kmpack/interpreter.h"

#include "kmpack/build_cache.h"
#include "kmpack/build_packages.h"
#include "kmpack/cpython_build.h"
#include "kmpack/digest.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/link_inputs.h"
#include "kmpack/module_cache.h"

namespace kmpack {

namespace {

// True when `lib`, in the build directory, holds the shared standard
// modules of the interpreter build `key` already (its stamp says so).
bool shared_modules_current(const fs::path &lib, const std::string &key) {
    fs::path stamp = lib / ".kmpack-interpreter";
    std::error_code ec;
    return fs::exists(stamp, ec) && read_file(stamp) == key;
}

// What the interpreter's manifest does not vouch for: the record, written
// after it, and the manifest itself.
std::vector<std::string> outside_manifest(const ModuleLayout &dirs) {
    return {relative_below(dirs.record(), dirs.work), kCacheManifestName,
            relative_below(dirs.work / ".kmpack.lock", dirs.work)};
}

// The interpreter built in `dirs.work` is as its manifest says, or it is
// removed (a warning) and built again. Run under the interpreter's lock.
void check_interpreter_entry(const ModuleLayout &dirs, const std::string &key, Status &status) {
    std::string bad = damaged_interpreter(dirs, key);
    if (bad.empty())
        return;
    std::error_code ec;
    status.always("python: warning: the interpreter built in " + dirs.work.string() + " is damaged (" + bad +
                  "); building it again");
    fs::remove(dirs.record(), ec); // first: a kmpack killed now builds it again too
    fs::remove_all(dirs.work, ec);
}

// The interpreter's build itself, for the key of its shared modules in the
// module cache: its manifest (every file's MD5), or an earlier kmpack's record.
std::string built_identity(const ModuleLayout &dirs) {
    std::error_code ec;
    fs::path manifest = dirs.work / kCacheManifestName;
    return md5_file(fs::exists(manifest, ec) ? manifest : dirs.record());
}

// The shared standard modules of the cached build at `from` into `to`, in
// the build directory: their artifacts are written beside them there, and
// the cache is never written after its build.
void copy_shared_modules(const fs::path &from, const fs::path &to, const std::string &key) {
    std::error_code ec;
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

std::string damaged_interpreter(const ModuleLayout &dirs, const std::string &key) {
    std::error_code ec;
    fs::path manifest = dirs.work / kCacheManifestName;
    if (!fs::exists(dirs.record(), ec) || !fs::exists(manifest, ec))
        return "";
    try {
        return tree_mismatch(dirs.work, read_cache_manifest(manifest), key);
    } catch (const Error &e) {
        return e.what();
    }
}

void write_interpreter_manifest(const ModuleLayout &dirs, const std::string &key) {
    write_cache_manifest(dirs.work / kCacheManifestName,
                         describe_tree(dirs.work, key, TreeSelection{outside_manifest(dirs), {}, {}}));
}

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
                std::string key = current_key(io.runner, *m.spec, own.identity);
                m.dirs = ModuleLayout{interpreter_dir(options.cache_dir, key)};
                bool current = shared_modules_current(lib, key);
                {
                    fs::create_directories(m.dirs.work.parent_path());
                    FileLock lock(m.dirs.work.string() + ".lock", "the interpreter's build", /*wait=*/true);
                    // Checked whole once per build directory: when its copy is made.
                    if (!current)
                        check_interpreter_entry(m.dirs, key, io.status);
                    prepare_module(m, own, options, io);
                    if (!m.cached) {
                        write_interpreter_manifest(m.dirs, m.key);
                        record_module(m.dirs.work, m.key, m.package_dir);
                    }
                    m.recorded = true;
                }
                CPythonLayout layout = cpython_layout(m.package_dir, m.dirs.work);
                m.cache_key = interpreter_modules_key(m.key + "\n" + built_identity(m.dirs));
                m.cache_tree = lib;
                if (!m.cached || !shared_modules_current(lib, m.key)) {
                    if (options.module_cache && options.module_cache->fetch(m.spec->name, m.cache_key, lib) &&
                        shared_modules_current(lib, m.key))
                        m.fetched = true;
                    else
                        copy_shared_modules(layout.lib_dir, lib, m.key);
                }
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
