// The hints a failed build's log gives: the Debian package of what it misses.
#include "kmpack/build_hints.h"

#include <catch2/catch.hpp>

using namespace kmpack;

TEST_CASE("build_hints: mypyc missing from setup.py's imports names python3-mypy") {
    std::string log = "Traceback (most recent call last):\n"
                      "  File \"/w/src/setup.py\", line 7, in <module>\n"
                      "    from mypyc.build import mypycify\n"
                      "ModuleNotFoundError: No module named 'mypyc'\n";
    CHECK(missing_package_hint(log) ==
          "  the build needs mypyc, from Debian's python3-mypy: apt-get install python3-mypy\n");
}

TEST_CASE("build_hints: pybind11's module and its headers are two Debian packages") {
    CHECK(missing_package_hint("ModuleNotFoundError: No module named 'pybind11'\n") ==
          "  the build needs pybind11, from Debian's python3-pybind11: apt-get install python3-pybind11\n");
    std::string gcc = "src/core.cpp:4:10: fatal error: pybind11/pybind11.h: No such file or directory\n"
                      "    4 | #include <pybind11/pybind11.h>\n"
                      "compilation terminated.\n"
                      "error: command '/k/kmpack-capture' failed with exit code 1\n";
    CHECK(missing_package_hint(gcc) ==
          "  the build needs pybind11's headers, from Debian's pybind11-dev: apt-get install pybind11-dev\n");
}

TEST_CASE("build_hints: a module whose name starts like another's is not taken for it") {
    CHECK(missing_package_hint("ModuleNotFoundError: No module named 'mypy_extensions'\n") ==
          "  the build needs mypy_extensions, from Debian's python3-mypy-extensions: "
          "apt-get install python3-mypy-extensions\n");
    CHECK(missing_package_hint("ModuleNotFoundError: No module named 'mypyc_tools'\n").empty());
    CHECK(missing_package_hint("ModuleNotFoundError: No module named 'pybind11_stubgen'\n").empty());
}

TEST_CASE("build_hints: each package named once, in the table's order; none for other failures") {
    std::string log = "No module named 'mypy'\nNo module named 'mypyc'\nNo module named 'mypyc'\n";
    CHECK(missing_package_hint(log) ==
          "  the build needs mypyc, from Debian's python3-mypy: apt-get install python3-mypy\n");
    CHECK(missing_package_hint("error: no compiler\n").empty());
    CHECK(missing_package_hint("").empty());
}

TEST_CASE("build_hints: every row of the table names what is missing and a package") {
    for (const BuildHint &h : build_hints()) {
        CHECK_FALSE(h.says.empty());
        CHECK_FALSE(h.missing.empty());
        CHECK_FALSE(h.package.empty());
        // Each row's own text gives its own hint.
        CHECK(missing_package_hint(h.says).find("apt-get install " + std::string(h.package) + "\n") !=
              std::string::npos);
    }
}

TEST_CASE("build_hints: a Fortran build without gfortran names it") {
    CHECK(missing_package_hint("kmpack-capture: gfortran: command not found on PATH\nerror: command failed\n") ==
          "  the build needs gfortran, from Debian's gfortran: apt-get install gfortran\n");
    CHECK(missing_package_hint("gcc: fatal error: cannot execute 'f951': execvp: No such file or directory\n") ==
          "  the build needs a Fortran compiler, from Debian's gfortran: apt-get install gfortran\n");
}

TEST_CASE("build_hints: a missing system library's header or archive names its -dev package") {
    CHECK(missing_package_hint("x.c:3:10: fatal error: ft2build.h: No such file or directory\n") ==
          "  the build needs FreeType's headers, from Debian's libfreetype-dev: apt-get install libfreetype-dev\n");
    // Several missing at once: each named.
    std::string both = missing_package_hint("/usr/bin/ld: cannot find -llapack: No such file or directory\n"
                                            "/usr/bin/ld: cannot find -lblas: No such file or directory\n");
    CHECK(both.find("apt-get install liblapack-dev\n") != std::string::npos);
    CHECK(both.find("apt-get install libblas-dev\n") != std::string::npos);
    // Another library's header is not taken for png.h.
    CHECK(missing_package_hint("fatal error: libpng.h: No such file or directory\n").find("libpng-dev") ==
          std::string::npos);
    CHECK(missing_package_hint("cannot find -llapacke: No such file\n").empty());
}

TEST_CASE("build_hints: a crate cargo did not find offline names its librust package") {
    std::string none = "error: no matching package named `no_such_crate` found\n"
                       "location searched: registry `crates-io`\n"
                       "required by package `x v0.1.0 (/w/src)`\n";
    auto crates = missing_crates(none);
    REQUIRE(crates.size() == 1);
    CHECK(crates[0].name == "no_such_crate");
    CHECK(crates[0].wanted.empty());
    CHECK(missing_package_hint(none) ==
          "  the build needs the crate no_such_crate, which cargo did not find offline; Debian's "
          "librust-no-such-crate-dev provides it, if Debian packages it: apt-get install librust-no-such-crate-dev\n");
    std::string version = "error: failed to select a version for the requirement `pyo3 = \"^0.20\"`\n"
                          "candidate versions found which didn't match: 0.17.3\n"
                          "location searched: directory source `/usr/share/cargo/registry` (which is replacing "
                          "registry `crates-io`)\n";
    CHECK(missing_package_hint(version) ==
          "  the build needs the crate pyo3 ^0.20, a version cargo did not find offline (it has 0.17.3, from "
          "Debian's librust-pyo3-dev): the package asks for another version than Debian ships\n");
    CHECK(crate_package("Pyo3_FFI") == "librust-pyo3-ffi-dev");
    CHECK(missing_package_hint("error: Unable to execute 'cargo' - this package requires Rust to be installed\n") ==
          "  the build needs cargo, from Debian's cargo: apt-get install cargo\n");
}
