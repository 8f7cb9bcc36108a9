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

std::vector<MissingCrate> missing_crates(std::string_view log) {
    // cargo, offline against a directory source, for a crate it has not
    // and for a version of one it has not:
    //   error: no matching package named `foo` found
    //   error: failed to select a version for the requirement `foo = "^9"`
    //   candidate versions found which didn't match: 0.17.3
    std::vector<MissingCrate> crates;
    auto line_at = [&](size_t at) {
        size_t end = log.find('\n', at);
        return log.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    };
    const std::string_view none = "no matching package named `", version = "failed to select a version for the requirement `";
    for (size_t at = log.find_first_of("nf"); at != std::string_view::npos; at = log.find_first_of("nf", at + 1)) {
        bool is_none = log.substr(at).starts_with(none), is_version = log.substr(at).starts_with(version);
        if (!is_none && !is_version)
            continue;
        size_t start = at + (is_none ? none : version).size();
        size_t end = start;
        while (end < log.size() && (word_char(log[end]) || log[end] == '-'))
            ++end;
        MissingCrate crate{std::string(log.substr(start, end - start)), "", ""};
        if (is_version) {
            std::string_view rest = line_at(end);
            size_t open = rest.find('"'), close = rest.rfind('"');
            if (open != std::string_view::npos && close > open)
                crate.wanted = rest.substr(open + 1, close - open - 1);
            size_t next = log.find('\n', end);
            const std::string_view candidates = "candidate versions found which didn't match: ";
            if (next != std::string_view::npos && log.substr(next + 1).starts_with(candidates))
                crate.found = line_at(next + 1 + candidates.size());
        }
        bool seen = std::any_of(crates.begin(), crates.end(), [&](const MissingCrate &c) { return c.name == crate.name; });
        if (!crate.name.empty() && !seen)
            crates.push_back(std::move(crate));
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
        std::string package = crate_package(crate.name);
        if (!named.insert(package).second)
            continue;
        if (crate.wanted.empty())
            out += "  the build needs the crate " + crate.name + ", which cargo did not find offline; Debian's " +
                   package + " provides it, if Debian packages it: apt-get install " + package + "\n";
        else
            out += "  the build needs the crate " + crate.name + " " + crate.wanted +
                   ", a version cargo did not find offline (it has " + (crate.found.empty() ? "others" : crate.found) +
                   ", from Debian's " + package + "): the package asks for another version than Debian ships\n";
    }
    return out;
}

} // namespace kmpack
