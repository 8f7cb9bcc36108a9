// The system libraries of python.km's link: where static archives are
// searched, the companions a static archive needs that it does not name
// (pkg-config --static), the check that each has a static archive, and the
// file names dlopen() may give the ones linked in.
#pragma once

#include "kmpack/link_plan.h"
#include "kmpack/process.h"

#include <filesystem>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// The directories a static link searches for `-l` archives: `extra` first,
// then the compiler's own.
std::vector<fs::path> library_search_path(CommandRunner &runner, const std::vector<std::string> &cc,
                                          const std::vector<fs::path> &extra);

// `lib<name>.a` (or the exact file for "-l:file") on `dirs`; empty if none.
fs::path find_static_library(const std::string &name, const std::vector<fs::path> &dirs);

// Adds, after the libraries `system` has, the ones their static archives
// need (static_companions), each once.
void add_static_companions(SystemLibraries &system, CommandRunner &runner);

// Error naming the library, the .so files that need it and the directories
// searched, for the first -l library with no static archive on `search`
// (the C++ runtime is the compiler's own and not checked).
void check_static_libraries(const SystemLibraries &system, const std::vector<fs::path> &search);

// The file names dlopen() may give the system libraries linked into
// python.km: glibc's sonames (all of it is in libc.a), and each -l
// library's libNAME.so and its soname, where the shared library on `search`
// tells it.
std::vector<std::string> linked_library_names(const SystemLibraries &system, const std::vector<fs::path> &search);

// True for the C++ runtime's -l names, which the link adds once, at the end.
inline bool is_cxx_runtime(const std::string &lib) { return lib == "stdc++" || lib == "c++"; }

} // namespace kmpack
