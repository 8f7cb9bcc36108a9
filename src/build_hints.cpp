#include "kmpack/build_hints.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace kmpack {

const std::vector<BuildHint> &build_hints() {
    // `says` is what Python or the compiler prints, cut where the wording
    // stops depending on the version: "No module named 'X'" (an import in
    // setup.py, or a submodule of it) and "X.h: No such file" (gcc's fatal
    // error for a missing header).
    static const std::vector<BuildHint> table = {
        {"No module named 'mypyc'", "mypyc", "python3-mypy"},
        {"No module named 'mypy'", "mypy", "python3-mypy"},
        {"No module named 'mypy_extensions'", "mypy_extensions", "python3-mypy-extensions"},
        {"No module named 'pybind11'", "pybind11", "python3-pybind11"},
        {"pybind11/pybind11.h: No such file", "pybind11's headers", "pybind11-dev"},
        {"No module named 'Cython'", "Cython", "cython3"},
        {"No module named 'setuptools'", "setuptools", "python3-setuptools"},
        {"No module named 'mesonpy'", "meson-python", "python3-mesonpy"},
        {"No module named 'setuptools_rust'", "setuptools-rust", "python3-setuptools-rust"},
        // setuptools-rust's words when $CARGO (or cargo on PATH) is not there.
        {"Unable to execute 'cargo'", "cargo", "cargo"},
        // $FC is kmpack's capture wrapper around gfortran, which says this
        // when it is not installed; gcc, given Fortran, cannot find its f951.
        {"gfortran: command not found on PATH", "gfortran", "gfortran"},
        {"cannot execute 'f951'", "a Fortran compiler", "gfortran"},
        // The system libraries of the examples' patterns: a header the
        // compiler cannot find, or a library the package's link cannot.
        {"ft2build.h: No such file", "FreeType's headers", "libfreetype-dev"},
        {"png.h: No such file", "libpng's headers", "libpng-dev"},
        {"jpeglib.h: No such file", "libjpeg's headers", "libjpeg-dev"},
        {"zlib.h: No such file", "zlib's headers", "zlib1g-dev"},
        {"cannot find -llapack", "reference LAPACK", "liblapack-dev"},
        {"cannot find -lblas", "reference BLAS", "libblas-dev"},
        {"cannot find -lgfortran", "gfortran's runtime", "gfortran"},
    };
    return table;
}

namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// `says` in `log` as words: "png.h" is not in "libpng.h", nor "-llapack"
// in "-llapacke".
bool says(std::string_view log, std::string_view what) {
    for (size_t at = log.find(what); at != std::string_view::npos; at = log.find(what, at + 1)) {
        bool starts = at == 0 || !word_char(what.front()) || !word_char(log[at - 1]);
        size_t end = at + what.size();
        bool ends = end == log.size() || !word_char(what.back()) || !word_char(log[end]);
        if (starts && ends)
            return true;
    }
    return false;
}

} // namespace

std::vector<std::string> missing_crates(std::string_view log) {
    // cargo, offline against a directory source, for a crate it has not
    // and for a version of one it has not:
    //   error: no matching package named `foo` found
    //   error: failed to select a version for the requirement `foo = "^9"`
    std::vector<std::string> crates;
    for (std::string_view lead : {"no matching package named `", "failed to select a version for the requirement `"}) {
        for (size_t at = log.find(lead); at != std::string_view::npos; at = log.find(lead, at + 1)) {
            size_t start = at + lead.size();
            size_t end = start;
            while (end < log.size() && (word_char(log[end]) || log[end] == '-'))
                ++end;
            std::string name(log.substr(start, end - start));
            if (!name.empty() && std::find(crates.begin(), crates.end(), name) == crates.end())
                crates.push_back(name);
        }
    }
    return crates;
}

std::string crate_package(const std::string &crate) {
    std::string package = "librust-";
    for (char c : crate)
        package += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return package + "-dev";
}

std::string missing_package_hint(std::string_view log) {
    std::string out;
    std::set<std::string> named;
    for (const BuildHint &h : build_hints())
        if (says(log, h.says) && named.insert(std::string(h.package)).second)
            out += "  the build needs " + std::string(h.missing) + ", from Debian's " + std::string(h.package) +
                   ": apt-get install " + std::string(h.package) + "\n";
    for (const auto &crate : missing_crates(log)) {
        std::string package = crate_package(crate);
        if (named.insert(package).second)
            out += "  the build needs the crate " + crate + ", which cargo did not find offline; Debian's " +
                   package + " provides it, if Debian has it (in the version the package asks for): apt-get install " +
                   package + "\n";
    }
    return out;
}

} // namespace kmpack
