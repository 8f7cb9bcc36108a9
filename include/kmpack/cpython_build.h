// The interpreter from CPython source: ./configure --disable-shared, make and
// make install, with every compile and link going through the capture
// wrapper. Its shared standard modules are then post-processed exactly like a
// package's extension modules, and the third-party modules are built with
// the installed interpreter, against its headers.
#pragma once

#include "kmpack/launcher.h"
#include "kmpack/manifest.h"
#include "kmpack/python_info.h"
#include "kmpack/process.h"
#include "kmpack/status.h"

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// The compilers CPython is built with; configure records them in sysconfig,
// so the packages built later use them too.
inline constexpr const char *kCPythonCC = "gcc";
inline constexpr const char *kCPythonCXX = "g++";

// Where a CPython build put what kmpack needs.
struct CPythonLayout {
    fs::path prefix;  // the installation: <work>/install
    fs::path python;  // <prefix>/bin/python3
    fs::path lib_dir; // the shared standard modules: <source>/build/lib.<platform>-<version> (pybuilddir.txt)
};

// The layout of the CPython built from `source_dir` into `work`. Error when
// the build is not there (pybuilddir.txt or the interpreter missing).
CPythonLayout cpython_layout(const fs::path &source_dir, const fs::path &work);

// The commands that build and install CPython in `source_dir` with prefix
// <work>/install: configure (with `spec.configure` appended), make -j`jobs`
// and make install. `capture` wraps the C and C++ compilers; `env` is the
// capture and reproducibility environment every package build gets.
std::vector<std::pair<std::string, Command>> cpython_build_commands(const ModuleSpec &spec, const fs::path &source_dir,
                                                                    const fs::path &work, const fs::path &capture,
                                                                    const std::map<std::string, std::string> &env,
                                                                    unsigned jobs, const fs::path &log);

// Builds CPython (the commands above, each a progress phase), then gives
// its installed libpython a neutral prefix (libpython_prefix.h); Error with
// the log's tail when a step fails. `env` carries `launcher` to the capture
// wrapper (build_environment()); the neutral compile runs through it too.
CPythonLayout build_cpython(const ModuleSpec &spec, const fs::path &source_dir, const fs::path &work,
                            const fs::path &capture, const Launcher &launcher,
                            const std::map<std::string, std::string> &env, unsigned jobs, const fs::path &log,
                            CommandRunner &runner, Status &status);

// The "major.minor" version of the CPython source at `source_dir`, from its
// Include/patchlevel.h. Error when there is none (not a CPython source).
std::string cpython_source_version(const fs::path &source_dir);

// Error, before anything is built, when the CPython source at `source_dir`
// is another minor version than `host` (--python): python.km would be the
// one, the package builds would use the other's tools and headers.
void check_cpython_version(const ModuleSpec &spec, const fs::path &source_dir, const PythonInfo &host);

// The message of that error; `source_version` as cpython_source_version().
std::string cpython_version_mismatch(const ModuleSpec &spec, const std::string &source_version,
                                     const PythonInfo &host);

// The static libpythons a CPython installation at `prefix` has
// (lib/python3.X/config-*/libpython3.X.a).
std::vector<fs::path> installed_libpythons(const fs::path &prefix);

// The shared standard modules kmpack leaves out, as skip globs, each with why.
const std::vector<std::pair<std::string, std::string>> &cpython_default_skips();

} // namespace kmpack
