// `kmpack build`: modules.txt -> sources -> captured package builds -> per-.so
// plans and artifacts -> renamed archives -> (optionally) the python.km link.
#pragma once

#include "kmpack/link_python.h"
#include "kmpack/manifest.h"

#include <filesystem>
#include <ostream>
#include <string>

namespace kmpack {

namespace fs = std::filesystem;

struct BuildOptions {
    fs::path manifest = "modules.txt";
    fs::path build_dir = "kmpack-build";
    std::string python = "python3";
    unsigned jobs = 1;
    bool link = true;
    LinkOptions link_options;
    fs::path capture_tool; // empty: kmpack-capture beside the running kmpack
};

// One produced .so, as recorded in <build-dir>/kmpack-build.json.
struct BuiltSharedObject {
    std::string path; // package-relative
    std::string id;
    size_t exports = 0;
    size_t renamed = 0;
};

struct BuiltModule {
    std::string name;
    std::vector<BuiltSharedObject> shared_objects;
};

struct BuildResult {
    std::vector<BuiltModule> modules;
    LinkResult link; // empty when not linked
};

BuildResult run_build(const BuildOptions &options, std::ostream &progress);

// The kmpack-capture executable installed beside the running program.
fs::path default_capture_tool();

} // namespace kmpack
