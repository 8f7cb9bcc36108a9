// The standard library in python.km's run-time tree: the interpreter's
// Python files, copied into lib/python3.X of the output directory, where
// python.km's prefix (the directory of its ._pth) puts sys.path, sysconfig
// and site. Left out: what only the build machine uses (lib-dynload, whose
// modules are linked in, config-3.X-*, site-packages) and, unless asked
// for, what an application never imports (the test suites, IDLE, tkinter,
// turtledemo, ensurepip).
#pragma once

#include "kmpack/process.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

enum class StdlibPart {
    Shipped, // always copied
    Extra,   // copied only with --stdlib-extras
    Never,   // never copied
};

// Which part the entry at `rel` (relative to the standard library
// directory, '/'-separated) belongs to; `dir` says it is a directory.
StdlibPart stdlib_part(std::string_view rel, bool dir);

// Copies the standard library at `stdlib` into `target` (created), without
// __pycache__ directories; the extras too when `extras`. Symbolic links are
// copied as the files they name. Returns the number of files copied.
size_t copy_stdlib(const fs::path &stdlib, const fs::path &target, bool extras);

// Rewrites each _sysconfigdata_*.py in `dir` (a copied standard library)
// so that every path in its string values that is one of `build_paths` or
// below one (the interpreter's prefix, a built interpreter's work
// directory) is computed from python.km's own sys.prefix instead: sysconfig
// then answers for wherever the output directory is, as it does for an
// interpreter installed there, and nothing of the build machine is left.
// Runs `python`, the interpreter that wrote them; its messages go to `log`.
// Nothing to do when `build_paths` is empty.
void relocate_sysconfigdata(CommandRunner &runner, const fs::path &python, const fs::path &dir,
                            const std::vector<fs::path> &build_paths, const fs::path &log);

} // namespace kmpack
