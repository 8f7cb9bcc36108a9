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

// The -L directories of extra link arguments (--link-arg): "-L DIR",
// "-LDIR", "-Wl,-L,DIR" and "-Wl,-LDIR".
std::vector<fs::path> link_arg_dirs(const std::vector<std::string> &args);

// Adds to `system` everything its libraries need in turn (close_libraries:
// pkg-config --static and the shared libraries' DT_NEEDED), each with the
// chain that asked for it in `system.chain`, and puts them in link order.
// A library some library needs makes `system.cxx` true when it is the C++
// runtime.
void close_system_libraries(SystemLibraries &system, CommandRunner &runner, const std::vector<fs::path> &search);

// Who needs `lib`: the .so files that link it, or the chain from one of
// them ("liblapack.so.3 NEEDED libgfortran.so.5, for kmlapack/_solve.so").
std::string describe_need(const SystemLibraries &system, const std::string &lib);

// Every -l library with no static archive on `search` (the C++ runtime is
// the compiler's own and not checked): one Error that lists them all, each
// with who needs it and the directories searched. A library only a shared
// library's DT_NEEDED asked for may be one it names without using: it is
// dropped from the link instead, and returned, each with its chain, as a
// line to show.
// `machine` (an e_machine, 0: not checked) is python.km's: an archive of
// members for another is as good as none, and said so.
std::vector<std::string> check_static_libraries(SystemLibraries &system, const std::vector<fs::path> &search,
                                                uint16_t machine = 0);

// The file names dlopen() may give the system libraries linked into
// python.km: glibc's sonames (all of it is in libc.a), and each -l
// library's libNAME.so and its soname, where the shared library on `search`
// tells it.
std::vector<std::string> linked_library_names(const SystemLibraries &system, const std::vector<fs::path> &search);

// True for the C++ runtime's -l names, which the link adds once, at the end.
inline bool is_cxx_runtime(const std::string &lib) { return lib == "stdc++" || lib == "c++"; }

} // namespace kmpack
