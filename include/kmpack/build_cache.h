// What decides whether a module must be built again: a key over its source
// content, its settings, the interpreter and the compiler, never timestamps.
#pragma once

#include "kmpack/manifest.h"
#include "kmpack/process.h"
#include "kmpack/python_info.h"

#include <filesystem>
#include <optional>
#include <string>

namespace kmpack {

namespace fs = std::filesystem;

// MD5 over a directory tree: every file's relative path, mode and content,
// in sorted order (.git and __pycache__ left out). Symbolic links count by
// their target text.
std::string tree_digest(const fs::path &dir);

// What the source of `module` is now: the tree or archive digest, or for git
// the commit `ref` resolves to (`git ls-remote`, no clone).
std::string source_identity(CommandRunner &runner, const ModuleSpec &module);

// The toolchain's identity: the interpreter (version, LIBPL, compilers) and
// the C compiler's own `--version`; with an interpreter kmpack built, also
// that build's key, so a rebuilt interpreter rebuilds every package.
std::string toolchain_identity(CommandRunner &runner, const PythonInfo &python,
                               const std::string &interpreter_key = "");

// The `--version` of the C compiler `cc`.
std::string compiler_identity(CommandRunner &runner, const std::string &cc);

// What an interpreter build (build=cpython) is keyed on besides its source:
// the compiler it is built with (kCPythonCC).
std::string interpreter_toolchain(CommandRunner &runner);

// The key module `spec` would be built with now: over its source as it is
// and `toolchain` (interpreter_toolchain() for the interpreter line,
// toolchain_identity() for a package): module_key(), or for the interpreter
// interpreter_key(). What `kmpack list` compares too.
std::string current_key(CommandRunner &runner, const ModuleSpec &spec, const std::string &toolchain);

// This kmpack: its version and the MD5 of its own executable, so that a
// rebuilt kmpack does not trust what an older one made.
const std::string &kmpack_identity();

// The key of a module build: its settings, source identity, toolchain and
// kmpack's version.
std::string module_key(const ModuleSpec &module, const std::string &source, const std::string &toolchain);

// What an interpreter build is made from, which changes only when the
// interpreter would: bumped when the build's commands change.
inline constexpr int kInterpreterRecipe = 2;

// The key of an interpreter build: its source's content (not where it is),
// ref, subdir, env= and configure= settings, the compiler, and
// kInterpreterRecipe; not the module's name nor kmpack's own identity, so
// one built interpreter in the per-user cache serves every build directory,
// project and kmpack version.
std::string interpreter_key(const ModuleSpec &module, const std::string &source, const std::string &compiler);

// The key recorded by the last successful build in `work`, if any.
std::optional<std::string> recorded_key(const fs::path &work);

// Records a successful build (atomically; its presence says the build is complete).
void record_module(const fs::path &work, const std::string &key, const fs::path &package_dir);

// The package directory a recorded build used.
fs::path recorded_package_dir(const fs::path &work);

// Where the module built in `work` was when it was built (the build
// directory may have moved since); nothing when it has no readable record.
std::optional<fs::path> recorded_work(const fs::path &work);

} // namespace kmpack
