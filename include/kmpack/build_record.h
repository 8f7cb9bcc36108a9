// Stage 6 of `kmpack build`: the build directory's kmpack-build.json (what
// `kmpack link` and `kmpack list` read), and whether python.km must be
// linked again: the link key, over that record and the link options.
#pragma once

#include "kmpack/conventions.h"
#include "kmpack/link_plan.h"
#include "kmpack/module_work.h"
#include "kmpack/records.h"

#include <filesystem>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// The build directory's kmpack-build.json, for `kmpack link` and `kmpack
// list`; Error when there is none, saying how to make one.
BuildRecord load_build_record(const BuildLayout &layout);

// The record of module `m`, whose .so files are `shared_objects`; paths
// relative to `build_dir`.
ModuleRecord module_record(const ModuleWork &m, std::vector<SoRecord> shared_objects, const fs::path &build_dir);

// What the last link was made from: the text of the build record and the
// link options (the mode too: switching --mode relinks) and where it went.
std::string link_key(const std::string &build_record_text, const LinkOptions &options, const fs::path &out_dir);

// python.km in `out_dir` was linked with `key`.
bool link_current(const BuildLayout &layout, const fs::path &out_dir, const std::string &key);

} // namespace kmpack
