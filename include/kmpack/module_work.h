// One module of a build as its stages hand it on: its modules.txt line, its
// work directory, and what preparing it found out.
#pragma once

#include "kmpack/c_library.h"
#include "kmpack/conventions.h"
#include "kmpack/manifest.h"

#include <filesystem>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

struct ModuleWork {
    const ModuleSpec *spec = nullptr;
    ModuleLayout dirs;   // <build-dir>/modules/<name>
    fs::path package_dir; // where its setup.py / pyproject.toml (or configure) is
    fs::path lib_dir;     // the installed package: dirs.lib(), or an interpreter's build/lib.*
    std::string key;      // module_key() of this build
    bool cached = false;  // its recorded build had this key: nothing was built
    bool fetched = false; // cached because it was fetched from the module cache now
    std::string cache_key; // its entry in the module cache: key, or for an interpreter interpreter_modules_key()
    fs::path cache_tree;   // what that entry holds: the work directory, or an interpreter's lib_dir
    bool recorded = false; // its build record is written already (an interpreter, in the cache)
    bool damaged = false;  // built again because a file its last build left was not as recorded
    std::vector<std::string> notes; // from discovery: .so files left out, and why
    bool pure = false;    // from discovery: the build made no .so at all (a pure-Python package)
    // The library lines (build=cmake, autotools, meson) before this one, in
    // order: its build sees their prefixes, and its key includes their keys.
    std::vector<const ModuleWork *> libraries;
    bool library() const { return is_library_build(spec->build); }
};

} // namespace kmpack
