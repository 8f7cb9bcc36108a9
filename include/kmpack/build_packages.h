// Stage 2 of `kmpack build`: each module's source fetched into its work
// directory and its own build (setup.py, pip, meson-python through pip, or
// CPython's configure and make) run under the capture wrapper, unless its
// recorded key says the last build is current.
#pragma once

#include "kmpack/host.h"
#include "kmpack/interpreter.h"
#include "kmpack/launcher.h"
#include "kmpack/module_work.h"
#include "kmpack/outcomes.h"
#include "kmpack/process.h"

#include <map>
#include <string>

namespace kmpack {

// What every build kmpack runs gets: the module's env= settings, the
// capture log, map directory and launcher (kCaptureLauncherEnv, "" for
// none), and what keeps its objects reproducible (SOURCE_DATE_EPOCH;
// -ffile-prefix-map for the work directory in CFLAGS/CXXFLAGS, after any
// inherited flags).
std::map<std::string, std::string> build_environment(const ModuleWork &m, const Launcher &launcher);

// The build kind a module gets: its build= setting, else setup.py when the
// package has one, else pip.
BuildKind package_build_kind(const ModuleWork &m);

// The command that runs the package's own build (kind SetupPy or Pip) in
// m.package_dir: CC, CXX, LDSHARED and LDCXXSHARED wrapped by `capture`,
// which runs the compiles through `launcher`, built into m.dirs.lib()
// (setup.py) or a wheel in m.dirs.wheel() (pip; meson-python told to keep
// its build directory). `tools`, when given, lends its site-packages as
// PYTHONPATH.
Command package_build_command(const ModuleWork &m, BuildKind kind, const PythonInfo &py, const PythonInfo *tools,
                              const fs::path &capture, const Launcher &launcher);

// Fetches and builds module `m` unless its recorded key (m.key, set here)
// says it is current; then m.cached is set and nothing runs.
void prepare_module(ModuleWork &m, const Toolchain &toolchain, const ModuleOptions &options, Host &host);

// prepare_module for work[first..], `options.jobs` at a time, each guarded by `outcomes`.
void build_packages(std::vector<ModuleWork> &work, size_t first, const Toolchain &toolchain,
                    const ModuleOptions &options, Outcomes &outcomes, Host &host);

} // namespace kmpack
