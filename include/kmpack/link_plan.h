// What goes into python.km, decided from the build record alone: the
// modules and .so files linked, each .so's id, the modules the finder maps,
// in built-in mode the inittab, the interpreter's main object and libpython,
// and the system libraries. Pure: no command runs and no file is written.
#pragma once

#include "kmpack/emit_c.h"
#include "kmpack/launcher.h"
#include "kmpack/libc_exports.h"
#include "kmpack/link_mode.h"
#include "kmpack/linker.h"
#include "kmpack/records.h"

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

struct LinkOptions {
    std::vector<std::string> cc = {"gcc", "-static"}; // the compiler driver that links
    std::vector<std::string> link_args;               // extra, e.g. -Wl,--gc-sections
    Launcher launcher; // in front of the compiles of generated C, never the link; not in the link key
    LinkerChoice linker = {"default", "", "the compiler's own"}; // see choose_linker()
    std::vector<std::string> only_modules;            // empty: all
    fs::path output_dir;                              // empty: <build-dir>/dist
    fs::path cpython_tree; // a CPython build tree: its libpython3.X.a and Programs/python.o
                           // replace the interpreter's LIBPL ones
    unsigned jobs = 1;
    bool main_table = true; // link twice so dlopen(NULL)/RTLD_DEFAULT see every symbol
    LinkMode mode = LinkMode::Registry; // how python.km imports the extension modules
    bool stdlib_extras = false; // ship the standard library's tests, IDLE, tkinter, ... too
    bool debug = false;   // keep the debug information in python.km (else: <output>/.debug/python.km.debug)
    bool onefile = false; // the run-time tree appended to python.km as a zip archive, no lib/ or ._pth
    LibcExports libc = LibcExports::All; // --libc: every function of libc.so.6/libm.so.6 in the main table, or the used ones
};

// The system libraries the linked .so files need, as their links named them.
struct SystemLibraries {
    std::vector<fs::path> lib_dirs;  // the library lines' <prefix>/lib, then -L outside the packages, each once, in order
    std::vector<fs::path> pkg_config_dirs; // the library lines' pkg-config directories, searched before pkg-config's own
    std::vector<std::string> libs;   // -l names, each once, in first-use order (stdc++/c++ included)
    std::map<std::string, std::vector<std::string>> needed_by; // -l name -> .so paths, for messages
    // Libraries added because others need them (close_system_libraries):
    // -l name -> "lapack (liblapack.so.3 NEEDED libgfortran.so.5)", one per library needing it.
    std::map<std::string, std::vector<std::string>> chain;
    std::vector<std::string> needed_only; // of those, the ones only a DT_NEEDED entry asked for
    std::vector<std::string> dropped;     // of those, the ones with no static archive, left out (check_static_libraries)
    std::vector<fs::path> archives;  // explicit .a paths outside the packages, each once
    bool cxx = false;                // some .so is C++: -lstdc++ at the end
};

struct LinkPlan {
    PythonInfo python;
    std::vector<ModuleRecord> modules;              // the modules linked (--modules), in build order
    std::vector<SoRecord> sos;                      // their .so files, in order
    std::map<std::string, std::string> ids;         // package-relative path -> library id
    std::map<std::string, std::string> finder_modules; // module name -> package-relative path
    std::vector<InittabEntry> inittab;              // built-in mode only
    fs::path main_object;                           // python.o (when missing, link_python generates a main)
    fs::path libpython;
    SystemLibraries system;
    std::vector<std::string> undefined; // -Wl,--undefined= each: weak references a library defines (weak_refs.h)
    std::vector<fs::path> build_paths; // the interpreter's prefix, a built one's work directory: kept out of dist/
};

// Reads an ArtifactRecord (link_python: load_record of the .km.json); built-in
// mode needs each .so's exports to find its renamed PyInit.
using ArtifactLoader = std::function<ArtifactRecord(const SoRecord &)>;

// The plan for `options` from `record`; `build_dir` is absolute. Error for
// a --modules name the record lacks, and in built-in mode for two .so files
// that are the same module.
LinkPlan plan_link(const BuildRecord &record, const fs::path &build_dir, const LinkOptions &options,
                   const ArtifactLoader &load_artifact);

// The renamed init function of the module `name` that `artifact` describes
// (its export PyInit_<last component of name>), or "" when it has none: a
// plain C library of the package, or a module whose init function CPython
// would look up as PyInitU_ (a non-ASCII name), which imports through the
// registry only.
std::string renamed_init(const ArtifactRecord &artifact, const std::string &name);

// The system libraries of `sos`, each once.
SystemLibraries collect_system_libraries(const std::vector<SoRecord> &sos);

} // namespace kmpack
