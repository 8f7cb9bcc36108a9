// The whole pipeline on small packages written by the tests themselves.
#include "kmpack/error.h"
#include "kmpack/pipeline.h"
#include "test_util.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace kmpack;
namespace fs = std::filesystem;

namespace {

BuildOptions options_for(const test::TempDir &dir) {
    BuildOptions o;
    o.manifest = dir / "modules.txt";
    o.build_dir = dir / "kb";
    o.python = KMPACK_TEST_PYTHON;
    o.jobs = 2;
    o.capture_tool = KMPACK_CAPTURE_TOOL;
    return o;
}

std::string build_error(const BuildOptions &o) {
    std::ostringstream out;
    try {
        run_build(o, out);
    } catch (const Error &e) {
        return e.what();
    }
    return "(no error)";
}

// A one-module package: setup.py building pkg/_m from m.c, with `extra` in Extension(...).
void write_package(const fs::path &dir, const std::string &c_source, const std::string &extra = "") {
    write_file_atomic(dir / "setup.py", "from setuptools import setup, Extension\n"
                                        "setup(name='pkg', version='1.0', packages=['pkg'],\n"
                                        "      ext_modules=[Extension('pkg._m', ['m.c']" + extra + ")])\n");
    write_file_atomic(dir / "pkg/__init__.py", "");
    write_file_atomic(dir / "m.c", c_source);
}

const char *kModule = "#include <Python.h>\n"
                      "static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, \"_m\", 0, -1, 0};\n"
                      "PyMODINIT_FUNC PyInit__m(void) { return PyModule_Create(&def); }\n";

} // namespace

TEST_CASE("pipeline: a pip build gives the same artifacts as setup.py") {
    test::TempDir dir;
    write_package(dir / "pkg", kModule);
    write_file_atomic(dir / "modules.txt", "pkg pkg build=pip\n");
    BuildOptions o = options_for(dir);
    o.link = false;
    std::ostringstream out;
    BuildResult r = run_build(o, out);
    REQUIRE(r.modules.size() == 1);
    REQUIRE(r.modules[0].shared_objects.size() == 1);
    const auto &so = r.modules[0].shared_objects[0];
    CHECK(so.path == "pkg/_m.cpython-311-x86_64-linux-gnu.so");
    CHECK(so.exports == 1);
    CHECK(out.str().find("pkg: build (pip wheel)") != std::string::npos);
    auto build = nlohmann::json::parse(read_file(dir / "kb/kmpack-build.json"));
    std::string stem = build["modules"][0]["shared_objects"][0]["artifacts"];
    for (const char *what : {".json", ".symmap", ".symbols.c", ".lib.a"})
        CHECK(fs::exists(dir / "kb" / (stem + what)));
    CHECK(read_file(dir / "kb" / (stem + ".symmap")).rfind("PyInit__m PyInit__m_", 0) == 0);
}

TEST_CASE("pipeline: an invalid modules.txt builds nothing") {
    test::TempDir dir;
    write_package(dir / "pkg", kModule);
    write_file_atomic(dir / "modules.txt", "pkg pkg\nother pkg subdri=x\n");
    BuildOptions o = options_for(dir);
    CHECK(build_error(o) == (dir / "modules.txt").string() +
                                ":2: unknown setting 'subdri' (did you mean 'subdir'?)");
    CHECK_FALSE(fs::exists(dir / "kb"));
}

TEST_CASE("pipeline: a failing package build names the module, the status and the log") {
    test::TempDir dir;
    write_package(dir / "pkg", "#error this package does not compile\n");
    write_file_atomic(dir / "modules.txt", "pkg pkg\n");
    std::string e = build_error(options_for(dir));
    CHECK(e.rfind("pkg: the package's build failed (exit status 1)", 0) == 0);
    CHECK(e.find("this package does not compile") != std::string::npos); // the log's tail
    CHECK(e.find("full log: " + (dir / "kb/modules/pkg/build.log").string()) != std::string::npos);
}

TEST_CASE("pipeline: a package with no extension module is an error") {
    test::TempDir dir;
    write_file_atomic(dir / "pure/setup.py", "from setuptools import setup\nsetup(name='pure', py_modules=['p'])\n");
    write_file_atomic(dir / "pure/p.py", "");
    write_file_atomic(dir / "modules.txt", "pure pure\n");
    std::string e = build_error(options_for(dir));
    CHECK(e.find(":1: the build of 'pure' linked no extension module (.so)") != std::string::npos);
}

TEST_CASE("pipeline: a system library with no static archive stops the link with a clear message") {
    test::TempDir dir;
    // libkmonlyshared exists only as a .so, outside the package.
    test::compile_c(dir.path(), "only.c", "int only_shared(void) { return 1; }\n", {"-shared", "-fPIC"},
                    "libkmonlyshared.so");
    write_package(dir / "pkg",
                  std::string(kModule) + "extern int only_shared(void);\nint use(void) { return only_shared(); }\n",
                  ", libraries=['kmonlyshared'], library_dirs=['" + dir.path().string() + "']");
    write_file_atomic(dir / "modules.txt", "pkg pkg\n");
    std::string e = build_error(options_for(dir));
    CHECK(e.rfind("-lkmonlyshared: no static library libkmonlyshared.a for pkg/_m.cpython-311-x86_64-linux-gnu.so", 0) ==
          0);
    CHECK(e.find("Searched:\n    " + dir.path().string()) != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "kb/dist/python.km"));
}

TEST_CASE("pipeline: a build directory inside a directory source is refused before anything runs") {
    test::TempDir dir;
    write_package(dir / "pkg", kModule);
    write_file_atomic(dir / "modules.txt", "pkg pkg\n");
    BuildOptions o = options_for(dir);
    o.build_dir = dir / "pkg/kb";
    CHECK(build_error(o) == (dir / "modules.txt").string() + ":1: the build directory " + (dir / "pkg/kb").string() +
                                " is inside the source of 'pkg', which is copied into it; choose another with -B");
    CHECK_FALSE(fs::exists(dir / "pkg/kb"));
}
