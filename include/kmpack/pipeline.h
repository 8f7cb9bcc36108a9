// `kmpack build`: modules.txt -> sources -> captured package builds -> per-.so
// plans and artifacts -> renamed archives -> (optionally) the python.km link.
// Work whose inputs did not change is not done again.
#pragma once

#include "kmpack/link_python.h"
#include "kmpack/manifest.h"
#include "kmpack/progress.h"

#include <filesystem>
#include <set>
#include <string>

namespace kmpack {

namespace fs = std::filesystem;

struct BuildOptions {
    fs::path manifest = "modules.txt";
    fs::path build_dir = "kmpack-build";
    std::string python = "python3";     // with an interpreter to build: lends its build tools
    std::string cpython;                // --cpython: a CPython source to build the interpreter from
    unsigned jobs = 1;
    bool link = true;
    LinkOptions link_options;
    fs::path capture_tool;              // empty: kmpack-capture beside the running kmpack
    bool force_all = false;             // --force
    std::set<std::string> force;        // --force=a,b
    bool keep_going = false;            // --keep-going
};

struct BuiltSharedObject {
    std::string path; // package-relative
    std::string id;
    size_t exports = 0;
    size_t renamed = 0;
};

struct BuiltModule {
    std::string name;
    std::string status; // "built", "up to date" or "failed"
    std::string error;  // when failed
    fs::path log;
    double seconds = 0;
    std::vector<BuiltSharedObject> shared_objects;
};

struct BuildResult {
    std::vector<BuiltModule> modules;
    size_t packages_built = 0;   // package builds run (fetch + setup.py/pip)
    size_t objects_renamed = 0;  // .so files analysed, renamed and archived
    bool linked = false;         // python.km linked by this run
    LinkResult link;
    bool ok() const;
};

// Runs the build. Errors stop it (an Error), unless keep_going: then every
// module that can be built is, failures are in the result, and nothing is linked.
BuildResult run_build(const BuildOptions &options, Progress &progress);

// The kmpack-capture executable installed beside the running program.
fs::path default_capture_tool();

} // namespace kmpack
