// The command lines of python.km's link, from a LinkPlan: the compile of
// each generated C file and the link itself. Pure: tested by comparing argv.
// Paths below the build directory are written relative to it (the commands
// run there), so the lines do not depend on where the build is.
#pragma once

#include "kmpack/link_plan.h"

#include <filesystem>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;


// Compiling `source` into `object`. A runtime source (`runtime`: the payload
// and the tables that include km_dl.h) is C11 with GNU extensions and finds
// its headers in payload/; `includes` are searched first. It runs through
// the launcher, if any (options.launcher).
std::vector<std::string> compile_command(const LinkOptions &options, const fs::path &build_dir,
                                         const fs::path &source, const fs::path &object, bool runtime = true,
                                         const std::vector<fs::path> &includes = {});

// The link of python.km into `output`: `main_object`, the compiled
// `objects`, a -Wl,--undefined= for each symbol plan.undefined names (weak
// references bound, weak_refs.h), every .so's renamed archive whole,
// libpython, then the system
// libraries in a group (they may need each other in any order), the
// interpreter's own libraries, the C++ runtime and libm. `export_dynamic`:
// the link whose symbols the main table is read from (not the shipped one).
std::vector<std::string> link_command(const LinkPlan &plan, const LinkOptions &options, const fs::path &build_dir,
                                      const fs::path &output, const fs::path &main_object,
                                      const std::vector<fs::path> &objects, bool export_dynamic = false);

} // namespace kmpack
