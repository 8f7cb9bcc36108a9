// What a static archive leaves unsaid: a shared library records the
// libraries it needs (DT_NEEDED), its static archive does not, so a static
// link of `-llapack` also needs `-lgfortran`, and that `-lquadmath`.
// pkg-config --static knows most of these, the shared libraries the rest.
#pragma once

#include "kmpack/process.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// One library that a static link of another needs, and how kmpack knows.
struct LibraryNeed {
    std::string lib; // -l name: "gfortran", "stdc++"
    std::string why; // "pkg-config --static", "liblapack.so.3 NEEDED libgfortran.so.5"
};

// The -l name a shared library's soname stands for ("libgfortran.so.5" ->
// "gfortran"), or "" for the ones a static link of a C program has anyway:
// glibc's (libc, libm, libpthread, ld.so, ...) and libgcc_s, whose static
// equivalent (libgcc_eh.a) the compiler driver adds itself.
std::string library_of_soname(const std::string &soname);

// True for the libraries every static link of a C program has anyway, by
// -l name: glibc's ("c", "m", "pthread", "dl", ...) and libgcc's.
bool is_implicit_library(const std::string &name);

// The libraries the shared library lib<name>.so (the first on `search`)
// names in DT_NEEDED, as -l names, the implicit ones aside. No command runs.
std::vector<LibraryNeed> shared_library_needs(const std::string &name, const std::vector<fs::path> &search);

// The libraries a static link of `-l<name>` needs next, each once: the
// pkg-config module `name` or `lib<name>`'s `--static --libs-only-l`, then
// the DT_NEEDED entries of lib<name>.so, the first one on `search`. Empty
// for an `-l:file` name and for a library neither knows.
std::vector<LibraryNeed> static_needs(CommandRunner &runner, const std::string &name,
                                      const std::vector<fs::path> &search);

// The environment pkg-config runs with: PKG_CONFIG_PATH led by `dirs` (the
// library lines' pkg-config directories), then the inherited one; empty
// when `dirs` is.
std::map<std::string, std::string> pkg_config_environment(const std::vector<fs::path> &dirs);

struct LibraryClosure {
    // `libs` and everything they need in turn, each once, every library
    // before the ones it needs (GNU ld's single pass, and mold and lld, link
    // it so); libraries that need each other in a cycle keep their first
    // order, and the link's group resolves them.
    std::vector<std::string> libs;
    // For each library added: the chain that asked for it, one entry per
    // library that needs it ("lapack (liblapack.so.3 NEEDED libgfortran.so.5)").
    std::map<std::string, std::vector<std::string>> why;
    // The libraries added only because a shared library's DT_NEEDED names
    // them: a shared library may name some it does not use.
    std::vector<std::string> needed_only;
};

// The closure of `libs` under static_needs. The C++ runtime ("stdc++")
// is in it when some library needs it. pkg-config searches
// `pkg_config_dirs` first.
LibraryClosure close_libraries(CommandRunner &runner, const std::vector<std::string> &libs,
                               const std::vector<fs::path> &search,
                               const std::vector<fs::path> &pkg_config_dirs = {});

} // namespace kmpack
