// `kmpack list`: the modules and .so files of a build directory, and whether
// each module is up to date with its modules.txt line and source.
#pragma once

#include "kmpack/conventions.h"
#include "kmpack/process.h"

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace kmpack {

struct SharedObjectStatus {
    std::string path; // package-relative
    std::string id;
    bool artifacts = false; // all of .km.json/.symmap/.symbols.c/.lib.a and the .km.stamp present
    std::string damaged;    // the first of them not as kmpack wrote it, and how; "" when none
};

struct ModuleStatus {
    std::string name;
    ListState state = ListState::NotBuilt;
    std::vector<SharedObjectStatus> shared_objects;
    std::string damaged; // a file its recorded build left that is not as it was, and how; "" when none
};

// The state of every module of the build in `build_dir` (whose
// kmpack-build.json names its modules.txt and interpreter), with the keys
// the next build would compute (build_cache.h). A module whose recorded
// build or artifacts are damaged (not as kmpack wrote them) is changed: the
// next build makes them again.
std::vector<ModuleStatus> build_status(CommandRunner &runner, const std::filesystem::path &build_dir);

// Writes `status` as text, or as JSON.
void print_status(const std::vector<ModuleStatus> &status, bool json, std::ostream &out);

} // namespace kmpack
