// Stage 7 of `kmpack build`, and `kmpack link`: python.km from the build
// record. The plan (link_plan.h) says what goes in; this compiles the
// payload runtime and the registration code with the linking compiler,
// links (twice with the main table: the first link's symbols become the
// table dlopen(NULL) answers from), and lays out the run-time tree
// (runtime_tree.h) beside it.
#pragma once

#include "kmpack/host.h"
#include "kmpack/link_plan.h"

#include <filesystem>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

struct LinkResult {
    fs::path python_km;
    fs::path link_line_file;
    std::vector<std::string> link_line;
};

// Links from the build record in `build_dir`.
LinkResult link_python(const fs::path &build_dir, const LinkOptions &options, Host &host);

} // namespace kmpack
