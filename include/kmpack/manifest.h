// modules.txt: the list of packages to build into python.km.
//
//   # name     source                          settings
//   kmhello    examples/kmhello
//   psutil     https://host/psutil.git         ref=release-5.9.8
//   falcon     vendor/falcon-3.1.3.tar.gz      subdir=falcon-3.1.3 skip=falcon/cyutil/*
//   mypkg      ../mypkg                        env=CFLAGS=-O1 build=pip
//   python     Python-3.11.2.tar.xz            build=cpython configure="--with-lto"
//   kmcodec-c  examples/kmcodec-c              build=cmake
//
// One module a line: a name, a source and optional key=value settings,
// separated by blanks. A token may be double-quoted: "a b", where a
// backslash escapes a quote or a backslash. '#' starts a comment at the
// start of a token. Relative local sources are resolved against the
// directory holding the file.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kmpack {

enum class SourceKind { Directory, Archive, Git, Wheel };
// CPython: the line is the interpreter itself (a CPython source), built
// first; every other module is built against it. At most one per file.
// CMake, Autotools, Meson: a C or C++ library (c_library.h), built before
// the lines after it, which are built against it.
enum class BuildKind { Auto, SetupPy, Pip, CPython, CMake, Autotools, Meson };

struct ModuleSpec {
    std::string name;
    std::string source;               // as written
    SourceKind kind = SourceKind::Directory;
    std::filesystem::path local_path; // absolute, for Directory, Archive and Wheel
    std::string ref;                  // git ref (branch, tag or commit)
    std::string subdir;               // where setup.py / pyproject.toml is, in the source
    std::vector<std::string> skip;    // globs over package-relative .so paths
    std::map<std::string, std::string> env; // extra environment for the build
    BuildKind build = BuildKind::Auto;
    std::vector<std::string> configure; // extra configure (cmake, meson setup) arguments: build=cpython or a library
    bool detected = false;            // build= was auto, the library kind read from the source directory
    std::string origin;               // "modules.txt:7", for messages
    bool added = false;               // not a modules.txt line: add_cpython()'s
};

struct Manifest {
    std::filesystem::path file;
    std::vector<ModuleSpec> modules; // the interpreter (build=cpython), if any, first
    bool has_interpreter() const { return !modules.empty() && modules.front().build == BuildKind::CPython; }
};

// Parses `text` read from `file`. Relative sources are resolved against
// `base_dir`. Every problem is reported, each as "file:line: message", in one
// Error; nothing is returned for an invalid file. `check_paths` also verifies
// that local sources exist, and gives a directory source with build=auto
// and no setup.py or pyproject.toml the C library build its files say
// (detect_library_build()).
Manifest parse_manifest(std::string_view text, const std::string &file,
                        const std::filesystem::path &base_dir, bool check_paths = true);

// Adds the interpreter line `--cpython SOURCE` stands for: a module named
// "python" built with build=cpython, first. A relative SOURCE is resolved
// against `base_dir`. Error when it does not exist, when `manifest` has an
// interpreter line already, or a module named "python". `origin` names it
// in messages.
void add_cpython(Manifest &manifest, const std::string &source, const std::filesystem::path &base_dir,
                 const std::string &origin = "--cpython");

// Reads and parses a modules.txt.
Manifest load_manifest(const std::filesystem::path &file);

// The settings a line may carry, for --help and suggestions.
const std::vector<std::string> &manifest_settings();

// A shell-style glob match ('*', '?', '[...]'); '*' also matches '/'.
bool glob_match(std::string_view pattern, std::string_view text);

} // namespace kmpack
