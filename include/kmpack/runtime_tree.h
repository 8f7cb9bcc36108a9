// python.km's run-time tree in the output directory: lib/ with every
// linked module's Python files (a placeholder and a .km.id file at each
// .so's place), the finder and sitecustomize, their byte-code, and
// python.km._pth, all of it relative to the output directory.
#pragma once

#include "kmpack/host.h"
#include "kmpack/link_plan.h"

#include <filesystem>
#include <functional>
#include <map>
#include <string>

namespace kmpack {

namespace fs = std::filesystem;

// Copies the Python files of `modules` (their lib_dir, relative to
// `build_dir`; not the build's __pycache__ nor kmpack's artifacts) into a
// staging directory beside `lib`, with a placeholder for each .so in `ids`
// (package path -> id; other .so files are left out), then calls `finish`
// on it; only then does it replace `lib`, so a failure leaves the previous
// tree as it was.
void lay_out(const fs::path &build_dir, const std::vector<ModuleRecord> &modules,
             const std::map<std::string, std::string> &ids, const fs::path &lib,
             const std::function<void(const fs::path &staging)> &finish);

// The whole tree for `plan` in `out_dir`, the standard library in
// lib/<stdlib_dir_name()> (see stdlib_tree.h); python.km._pth names both
// relative to itself. The byte-compiler's messages go to `log`.
void write_runtime_tree(const LinkPlan &plan, const LinkOptions &options, const fs::path &build_dir,
                        const fs::path &out_dir, const fs::path &log, Host &host);

// --onefile: the same tree, staged beside `executable` and appended to it
// as a zip archive (bytecode.h, append_archive), the code objects naming
// their files <name>/lib/...; the staging directory is removed.
void append_runtime_archive(const LinkPlan &plan, const LinkOptions &options, const fs::path &build_dir,
                            const fs::path &executable, const std::string &name, const fs::path &log, Host &host);

// The standard library's directory below lib/: "python3.11" for "3.11", as
// CPython's own prefix layout has it.
std::string stdlib_dir_name(const std::string &version);

} // namespace kmpack
