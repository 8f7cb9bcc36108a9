// What a failed build's log says is missing, and the Debian package that
// provides it: a table of phrases a build prints (a Python module not found,
// a header not found) and what to install. Read by the error of a package
// build that failed (src/build_packages.cpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kmpack {

struct BuildHint {
    std::string_view says;    // text the build log holds, as the tool prints it
    std::string_view missing; // what is missing, in the user's words
    std::string_view package; // the Debian package that provides it
};

// The table, in the order its hints are given.
const std::vector<BuildHint> &build_hints();

// A crate cargo says it could not find (offline, in a directory source):
// none of that name, or none in the version the package asks for.
struct MissingCrate {
    std::string name;
    std::string wanted; // the requirement ("^0.20"), when a version was missing
    std::string found;  // the versions cargo had instead ("0.17.3")
};

// The crates of `log`, in the order it names them, each once.
std::vector<MissingCrate> missing_crates(std::string_view log);

// The Debian package of a crate: "pyo3_ffi" -> "librust-pyo3-ffi-dev".
std::string crate_package(const std::string &crate);

// One line per hint whose text occurs in `log`, then per crate cargo could
// not find (each package once), for the error of the build that printed it:
// "  the build needs mypyc, from Debian's python3-mypy: apt-get install python3-mypy\n".
// Empty when none does.
std::string missing_package_hint(std::string_view log);

} // namespace kmpack
