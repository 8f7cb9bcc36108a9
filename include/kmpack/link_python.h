// Linking python.km: the interpreter's python.o and libpython, the payload
// runtime, every .so's registration object and renamed archive (and in
// built-in mode the table of built-in modules), and the system libraries
// they need; then laying out the run-time tree beside it.
#pragma once

#include "kmpack/link_mode.h"
#include "kmpack/linker.h"
#include "kmpack/progress.h"
#include "kmpack/python_info.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

struct LinkOptions {
    std::vector<std::string> cc = {"gcc", "-static"}; // the compiler driver that links
    std::vector<std::string> link_args;               // extra, e.g. -Wl,--gc-sections
    LinkerChoice linker = {"default", "", "the compiler's own"}; // see choose_linker()
    std::vector<std::string> only_modules;            // empty: all
    fs::path output_dir;                              // empty: <build-dir>/dist
    fs::path cpython_tree; // a CPython build tree: its libpython3.X.a and Programs/python.o
                           // replace the interpreter's LIBPL ones
    unsigned jobs = 1;
    bool main_table = true; // link twice so dlopen(NULL)/RTLD_DEFAULT see every symbol
    LinkMode mode = LinkMode::Registry; // how python.km imports the extension modules
};

struct LinkResult {
    fs::path python_km;
    fs::path link_line_file;
    std::vector<std::string> link_line;
};

// Links from the build manifest in `build_dir`.
LinkResult link_python(const fs::path &build_dir, const LinkOptions &options, Progress &progress);

// The directories a static link searches for `-l` archives: `extra` first,
// then the compiler's own.
std::vector<fs::path> library_search_path(const std::vector<std::string> &cc, const std::vector<fs::path> &extra);

// `lib<name>.a` (or the exact file for "-l:file") on `dirs`; empty if none.
fs::path find_static_library(const std::string &name, const std::vector<fs::path> &dirs);

} // namespace kmpack
