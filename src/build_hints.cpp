#include "kmpack/build_hints.h"

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
    };
    return table;
}

std::string missing_package_hint(std::string_view log) {
    std::string out;
    std::set<std::string_view> named;
    for (const BuildHint &h : build_hints())
        if (log.find(h.says) != std::string_view::npos && named.insert(h.package).second)
            out += "  the build needs " + std::string(h.missing) + ", from Debian's " + std::string(h.package) +
                   ": apt-get install " + std::string(h.package) + "\n";
    return out;
}

} // namespace kmpack
