// From the captured compiler calls of a package build to the exact inputs of
// every shared object it linked.
#pragma once

#include "kmpack/capture.h"
#include "kmpack/process.h"

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

struct ArchiveInput {
    fs::path path;                   // absolute
    bool whole = false;              // inside --whole-archive
    std::vector<std::string> members; // members the linker pulled (from its map), in map order
};

struct LinkInputs {
    fs::path output;                     // the .so, absolute
    fs::path cwd;
    std::vector<std::string> argv;       // response files expanded
    std::vector<fs::path> objects;       // relocatable objects, absolute, in link order
    std::vector<ArchiveInput> archives;  // archives that belong to the package
    std::vector<std::string> system_libs;    // -l names found outside the package (or not found)
    std::vector<fs::path> system_archives;   // explicit .a paths outside the package
    std::vector<fs::path> shared_inputs;     // .so files linked against, absolute
    std::vector<fs::path> lib_dirs;          // -L, absolute, in order
    std::vector<fs::path> search_dirs;       // the compiler's own library directories, searched after lib_dirs
    std::vector<std::string> linker_options; // -Wl,... and other options passed to the link
    fs::path map;                        // the linker map the wrapper asked for
    std::vector<fs::path> response_files;    // the @files its command line read, absolute
    bool cxx = false;                    // linked by a C++ driver or with -lstdc++
};

// Expands @file arguments (recursively, as gcc does), resolving them against
// `cwd`; the files read are added to `read`, and what they hold is read
// through `moved` (a build directory that moved since). Errors name the
// response file.
std::vector<std::string> expand_response_files(const std::vector<std::string> &argv, const fs::path &cwd,
                                               std::vector<fs::path> *read = nullptr,
                                               const DirectoryMove *moved = nullptr);

// Parses one shared-object link. Files below `package_root` are the
// package's own; everything else is a system input. `search_dirs` are the
// compiler's default library directories, searched after -L.
LinkInputs parse_link(const CaptureRecord &record, const fs::path &package_root,
                      const std::vector<fs::path> &search_dirs);

// The archive members a GNU ld map file says were pulled in:
// archive (absolute, resolved against `cwd`, read through `moved`) ->
// members in order.
std::map<fs::path, std::vector<std::string>> read_link_map(const fs::path &map, const fs::path &cwd,
                                                           const DirectoryMove *moved = nullptr);

// Every successful shared-object link of a build, the last link of each
// output winning, in output order.
std::vector<LinkInputs> reconstruct_links(const std::vector<CaptureRecord> &records,
                                          const fs::path &package_root,
                                          const std::vector<fs::path> &search_dirs);

// Every file that reading `link` again (parse_link) and renaming its .so
// read: its output, objects, archives (a thin archive's members too), .so
// inputs, linker map and response files; whether they still exist is the
// caller's to check.
std::vector<fs::path> link_files(const LinkInputs &link);

// The compiler's default library search directories (`gcc -print-search-dirs`).
std::vector<fs::path> compiler_search_dirs(CommandRunner &runner, const std::string &compiler);

} // namespace kmpack
