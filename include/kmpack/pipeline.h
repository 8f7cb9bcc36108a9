// `kmpack build`: modules.txt to python.km, as a short sequence of stages,
// each in a file of its own:
//   1. prepare the interpreter          interpreter.cpp
//   2. fetch and build the packages     build_packages.cpp
//   3. discover the .so files           discover.cpp
//   4. assign ids                        assign_ids.cpp
//   5. post-process each .so            postprocess.cpp
//   6. write the build record           build_record.cpp
//   7. link python.km if it is stale    link_python.cpp
// Work whose inputs did not change is not done again.
#pragma once

#include "kmpack/error.h"
#include "kmpack/host.h"
#include "kmpack/launcher.h"
#include "kmpack/link_python.h"
#include "kmpack/outcomes.h"

#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

struct BuildOptions {
    fs::path manifest = "modules.txt";
    fs::path build_dir = "kmpack-build";
    std::string python = "python3"; // with an interpreter to build: lends its build tools
    std::string cpython;            // --cpython: a CPython source to build the interpreter from
    bool system_stdlib = false;     // --stdlib=system: no interpreter from source unless modules.txt has one
    fs::path cache_dir;             // --cache-dir; empty: default_cache_dir()
    bool module_cache = true;       // modules fetched from and stored in <cache_dir>/modules (--no-module-cache)
    fs::path etc_apt = "/etc/apt";  // whose deb entries the CPython source is fetched with
    unsigned jobs = 1;
    bool link = true;
    LinkOptions link_options;
    fs::path capture_tool;       // empty: kmpack-capture beside the running kmpack
    Launcher launcher;           // --launcher: every compile's, the link's too (replaces link_options.launcher)
    bool force_all = false;      // --force
    std::set<std::string> force; // --force=a,b
    bool keep_going = false;     // --keep-going
};

struct BuildResult {
    std::vector<ModuleOutcome> modules;
    size_t packages_built = 0;  // package builds run (fetch + setup.py/pip)
    size_t fetched = 0;         // modules fetched from the module cache instead
    size_t objects_renamed = 0; // .so files analysed, renamed and archived
    size_t damaged = 0;         // files found not as kmpack wrote them, and made again
    bool linked = false;        // python.km linked by this run
    std::vector<std::string> missing_stdlib; // --stdlib=system: standard modules python.km lacks
    LinkResult link;
    bool ok() const;
};

// A link that failed after every module was built: its Error, with what
// the build did until then (whose summary is still worth showing).
class LinkFailed : public Error {
public:
    LinkFailed(const std::string &message, BuildResult done) : Error(message), result(std::move(done)) {}
    BuildResult result;
};

// Runs the build. Errors stop it (an Error; LinkFailed when only the link
// failed), unless keep_going: then every module that can be built is,
// failures are in the result, and nothing is linked.
BuildResult run_build(const BuildOptions &options, Host &host);

// The kmpack-capture executable installed beside the running program.
fs::path default_capture_tool();

} // namespace kmpack
