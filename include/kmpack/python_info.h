// What kmpack needs to know about the interpreter it builds for, all from
// that one interpreter's sysconfig.
#pragma once

#include "kmpack/process.h"

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kmpack {

struct PythonInfo {
    std::string executable;            // as given (--python)
    std::string version;               // "3.11"
    std::string full_version;          // sys.version, for cache keys and messages
    std::string ext_suffix;            // ".cpython-311-x86_64-linux-gnu.so"
    std::filesystem::path libpl;       // holds libpython3.X.a and python.o
    std::string library;               // "libpython3.11.a"
    std::vector<std::string> cc, cxx;  // compiler commands, split
    std::vector<std::string> ldshared, ldcxxshared;
    std::vector<std::string> link_libs; // LIBS, SYSLIBS and MODLIBS, split, in order
    std::filesystem::path prefix;      // sys.prefix
    std::filesystem::path stdlib;      // the standard library directory
    std::filesystem::path include;     // Python.h's directory
    std::vector<std::string> site_packages; // site.getsitepackages(): where its build tools are
    std::vector<std::string> shared_stdlib; // its standard modules that are shared libraries (lib-dynload)
};

// The oldest Python kmpack builds for: python.km finds its library through
// python.km._pth, which CPython reads on Linux from 3.11 on.
inline constexpr std::pair<int, int> kMinimumPython{3, 11};

// "3.10" -> {3, 10}; nothing for what is not "<major>.<minor>".
std::optional<std::pair<int, int>> version_numbers(const std::string &version);

// Runs `python` once and reads its sysconfig. Error, naming --python, when
// it is not there, does not run, or is older than kMinimumPython (Python 2
// included).
PythonInfo query_python(CommandRunner &runner, const std::string &python);

} // namespace kmpack
