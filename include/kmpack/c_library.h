// C and C++ libraries built from source by a modules.txt line (build=cmake,
// autotools or meson, or detected): static archives only, position-
// independent, installed into <work>/prefix. Every later line's build sees
// the prefixes of the library lines before it (PKG_CONFIG_PATH, CPPFLAGS,
// LDFLAGS, CMAKE_PREFIX_PATH, *-config scripts on PATH), and python.km's
// link searches them before the system's. Nothing of a prefix goes into
// dist/: its archives are linked into python.km, once, like a system
// library's.
#pragma once

#include "kmpack/manifest.h"
#include "kmpack/process.h"

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// True for the build kinds of a C library line.
bool is_library_build(BuildKind kind);

// "cmake", "autotools", "meson": the build= value of a library kind.
std::string library_build_name(BuildKind kind);

// The file that starts a library kind's build: "CMakeLists.txt",
// "configure", "meson.build".
std::string library_build_file(BuildKind kind);

// What the source directory `dir` is, by the files it holds: Auto (a Python
// package) when it has setup.py or pyproject.toml, whatever else it holds;
// else the C build system whose file it has, looked for in the order
// configure (Autotools), CMakeLists.txt (CMake), meson.build (Meson); Auto
// when it has none of them either.
BuildKind detect_library_build(const fs::path &dir);

// Where a library line installs: <work>/prefix.
fs::path library_prefix(const fs::path &work);

// The commands that build the library in `source_dir` and install it into
// library_prefix(work), static-only and position-independent, each with its
// phase name: configure, build, install. `cc`/`cxx` are the compilers (the
// interpreter's), run through `capture`; `env` is what every build kmpack
// runs gets (build_environment()) with the earlier libraries'
// (library_environment()). Output appended to `log`.
std::vector<std::pair<std::string, Command>>
library_build_commands(const ModuleSpec &spec, BuildKind kind, const fs::path &source_dir, const fs::path &work,
                       const fs::path &capture, const std::vector<std::string> &cc,
                       const std::vector<std::string> &cxx, std::map<std::string, std::string> env, unsigned jobs,
                       const fs::path &log);

// `env` (a build's environment, which the line's env= settings are part
// of) with the library prefixes `prefixes` (in line order) put before the
// system's: PKG_CONFIG_PATH, CMAKE_PREFIX_PATH and PATH (their bin/, for
// *-config scripts) lead with them; CPPFLAGS gets -I<prefix>/include and
// LDFLAGS -L<prefix>/lib, after the value the line or kmpack's own
// environment gave. Unchanged when `prefixes` is empty.
void add_library_environment(std::map<std::string, std::string> &env, const std::vector<fs::path> &prefixes);

// The pkg-config directories of `prefixes`: <prefix>/lib/pkgconfig and
// <prefix>/share/pkgconfig, each prefix in order.
std::vector<fs::path> library_pkg_config_dirs(const std::vector<fs::path> &prefixes);

// The static archives an installed library prefix holds (<prefix>/lib/*.a
// and lib64/*.a, sorted). Error naming the line, the prefix and the way out
// when there is none. Shared libraries a build installed although told not
// to are removed, so that later lines link the archives; each is named in
// `removed`.
std::vector<fs::path> finish_installed_library(const ModuleSpec &spec, BuildKind kind, const fs::path &prefix,
                                               std::vector<std::string> &removed);

// A library line after a package line that needs it: the package's
// `so_path` links `libs` (-l names); `later` are the library lines after the
// package's, each with its prefix. The error naming both lines and saying
// to move the library line up when a later prefix installs one of `libs`
// (lib<name>.a in <prefix>/lib); "" when none does.
std::string library_order_error(const ModuleSpec &package, const std::string &so_path,
                                const std::vector<std::string> &libs,
                                const std::vector<std::pair<const ModuleSpec *, fs::path>> &later);

} // namespace kmpack
