// Byte-code for python.km's run-time tree. python.km runs isolated (its
// ._pth), and CPython then never writes __pycache__: without .pyc files every
// start would compile every .py of the packages (and kmpack's finder) again.
// kmpack compiles them once, when it links, with the interpreter python.km is
// linked from, into hash-checked .pyc files (PEP 552): no source time stamp
// inside, so the tree is byte-for-byte reproducible, and a .py edited
// afterwards is still noticed and compiled from its source.
#pragma once

#include "kmpack/process.h"

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace kmpack {

struct BytecodeFailure {
    std::string file;   // relative to the directory
    std::string reason; // the compiler's message, e.g. "SyntaxError: invalid syntax (x.py, line 3)"
};

struct BytecodeResult {
    size_t compiled = 0;
    std::vector<BytecodeFailure> failed; // left as source: importing them fails as it would anyway
};

// Compiles every .py below `dir` (sorted; `__pycache__` directories are not
// entered) into its `__pycache__`, running `python` (isolated, no site);
// the compiler's own messages are appended to `log`. A file that does not
// compile is reported, not fatal: packages ship files that never import
// (templates, Python 2 leftovers). Error when the interpreter cannot run.
BytecodeResult compile_bytecode(CommandRunner &runner, const std::filesystem::path &python, const std::filesystem::path &dir,
                                const std::filesystem::path &log);

// --onefile: appends `dir` to `executable` as a zip archive whose members
// are lib/<path below dir>, each .py with an unchecked-hash .pyc beside it
// (what zipimport reads), the code objects naming their file
// <name>/lib/<path>. Reproducible: members sorted, one time stamp and mode.
// Files that do not compile are reported as by compile_bytecode.
BytecodeResult append_archive(CommandRunner &runner, const std::filesystem::path &python, const std::filesystem::path &dir,
                              const std::filesystem::path &executable, const std::string &name,
                              const std::filesystem::path &log);

} // namespace kmpack
