// Stage 1 of `kmpack build`: the interpreter every package is built with and
// python.km is linked from. It is --python's, or, with an interpreter line
// (build=cpython, --cpython), one kmpack builds from CPython source first;
// --python then only lends its build tools.
#pragma once

#include "kmpack/host.h"
#include "kmpack/launcher.h"
#include "kmpack/module_cache.h"
#include "kmpack/module_work.h"
#include "kmpack/outcomes.h"
#include "kmpack/python_info.h"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

struct Toolchain {
    PythonInfo host;   // --python
    PythonInfo python; // the interpreter python.km is linked from: host's, or the one built
    bool built = false; // python was built from source, as the build's first module
    fs::path interpreter_dir; // built: where (its work directory)
    std::string identity; // toolchain_identity(): part of every package's key
    std::vector<fs::path> search_dirs; // the C compiler's library directories
    // The build tools of --python serve a built interpreter of the same version
    // (it has pip and setuptools only); null when python is host.
    const PythonInfo *tools() const { return built ? &host : nullptr; }
};

struct ModuleOptions {
    fs::path capture_tool; // kmpack-capture
    Launcher launcher;     // --launcher: in front of every compile, part of no key
    unsigned jobs = 1;
    bool force_all = false;
    std::set<std::string> force; // module names
    fs::path cache_dir;          // the per-user cache: built interpreters live there
    ModuleCache *module_cache = nullptr; // <cache_dir>/modules; null: --no-module-cache
    bool forced(const std::string &name) const { return force_all || force.count(name) > 0; }
};

// Writes the manifest (module_cache.h) of the interpreter just built in
// `dirs.work` with `key`: every file but its record, written after it.
void write_interpreter_manifest(const ModuleLayout &dirs, const std::string &key);

// Why the interpreter built in `dirs.work` is not as its manifest says
// ("FILE: missing", ...); "" when it is, or when it has no record (not
// built) or no manifest (an earlier kmpack's, trusted as it is).
std::string damaged_interpreter(const ModuleLayout &dirs, const std::string &key);

// Where an interpreter with key `key` is built: <cache>/interpreters/<key>.
fs::path interpreter_dir(const fs::path &cache_dir, const std::string &key);

// With an interpreter line, prepares work[0] in the cache (builds it, under
// a lock other kmpacks wait for, unless the cached build is current), copies
// its shared standard modules into work[0]'s lib directory in the build
// directory (their artifacts are written there) and queries what it
// installed. `host` is --python. Its failure ends the build, even with
// --keep-going.
Toolchain prepare_interpreter(const PythonInfo &host, std::vector<ModuleWork> &work, const ModuleOptions &options,
                              Outcomes &outcomes, Host &io);

} // namespace kmpack
