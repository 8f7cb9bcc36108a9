// What decides whether a module must be built again: a key over its source
// content, its settings, the interpreter and the compiler, never timestamps.
#pragma once

#include "kmpack/manifest.h"
#include "kmpack/process.h"
#include "kmpack/python_info.h"
#include "kmpack/records.h"
#include "kmpack/rust_build.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

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
// A package that may be a Rust build (a local source with a Cargo.toml, or
// a source not yet fetched) is keyed on its Rust toolchain too:
// rust_identity() over `crate_registry`.
std::string current_key(CommandRunner &runner, const ModuleSpec &spec, const std::string &toolchain,
                        const fs::path &crate_registry = kDebianCrateRegistry);

// This kmpack: its version and the MD5 of its own executable, so that a
// rebuilt kmpack does not trust what an older one made.
const std::string &kmpack_identity();

// The key of a module build: its settings, source identity, toolchain and
// kmpack's version; `rust` (rust_identity()) when it is not empty.
std::string module_key(const ModuleSpec &module, const std::string &source, const std::string &toolchain,
                       const std::string &rust = "");

// `key` with the keys of the library lines a module is built against
// (library_keys, in line order): a changed library builds every later line
// again. `key` itself when there are none.
std::string chained_key(const std::string &key, const std::vector<std::string> &library_keys);

// What an interpreter build is made from, which changes only when the
// interpreter would: bumped when the build's commands change.
inline constexpr int kInterpreterRecipe = 2;

// The key of an interpreter build: its source's content (not where it is),
// ref, subdir, env= and configure= settings, the compiler, and
// kInterpreterRecipe; not the module's name nor kmpack's own identity, so
// one built interpreter in the per-user cache serves every build directory,
// project and kmpack version.
std::string interpreter_key(const ModuleSpec &module, const std::string &source, const std::string &compiler);

// The record of the last successful build in `work`, if it is there and readable.
std::optional<ModuleBuildRecord> recorded_build(const fs::path &work);

// The first file `record` vouches for (below `work`) that is not as the
// build left it, and how: "WORK/capture.jsonl: damaged since kmpack wrote
// it (0 bytes, 3084 when written)"; "" when every one is, or the record is
// an earlier kmpack's, with nothing to check against.
std::string damaged_build_file(const fs::path &work, const ModuleBuildRecord &record);

// The files of a finished build in `work` that later runs read again: its
// capture log and its linker maps, relative to `work`, each with its
// fingerprint.
std::map<std::string, Fingerprint> build_files(const fs::path &work);

// Records a successful build (atomically; its presence says the build is
// complete), with build_files().
void record_module(const fs::path &work, const std::string &key, const fs::path &package_dir);

// Where the module built in `work` was when it was built (the build
// directory may have moved since); nothing when it has no readable record
// or the record does not say.
std::optional<fs::path> recorded_work(const fs::path &work);

} // namespace kmpack
