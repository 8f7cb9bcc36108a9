#include "kmpack/cpython_build.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/manifest.h"
#include "test_util.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace kmpack;

namespace {

bool has(const std::vector<std::string> &argv, const std::string &arg) {
    return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

} // namespace

TEST_CASE("cpython_build: configure, make and make install, the compilers wrapped for make only") {
    ModuleSpec spec;
    spec.name = "python";
    spec.build = BuildKind::CPython;
    spec.configure = {"--with-lto"};
    auto steps = cpython_build_commands(spec, "/w/src/Python-3.11.2", "/w", "/bin/kmpack-capture",
                                        {{"SOURCE_DATE_EPOCH", "1"}}, 3, "/w/build.log");
    REQUIRE(steps.size() == 3);
    CHECK(steps[0].first == "configure");
    const auto &configure = steps[0].second.argv;
    CHECK(configure[0] == "./configure");
    CHECK(has(configure, "--disable-shared"));
    CHECK(has(configure, "--prefix=/w/install"));
    CHECK(has(configure, "CC=gcc")); // what sysconfig records for later package builds
    CHECK(configure.back() == "--with-lto");
    CHECK(steps[0].second.cwd == "/w/src/Python-3.11.2");
    CHECK(steps[0].second.env.at("SOURCE_DATE_EPOCH") == "1");
    CHECK(steps[1].second.argv == std::vector<std::string>{"make", "-j3", "CC=/bin/kmpack-capture gcc",
                                                           "CXX=/bin/kmpack-capture g++"});
    CHECK(steps[2].second.argv[1] == "install");
    CHECK(has(steps[2].second.argv, "CC=/bin/kmpack-capture gcc"));
}

TEST_CASE("cpython_build: the layout of a build, and what a missing piece says") {
    test::TempDir dir;
    fs::path src = dir / "src";
    fs::create_directories(src);
    CHECK_THROWS_WITH(cpython_layout(src, dir.path()), Catch::Contains("pybuilddir.txt: missing"));
    write_file_atomic(src / "pybuilddir.txt", "../escape\n");
    CHECK_THROWS_WITH(cpython_layout(src, dir.path()), Catch::Contains("unexpected content '../escape'"));
    write_file_atomic(src / "pybuilddir.txt", "build/lib.linux-x86_64-3.11\n");
    CHECK_THROWS_WITH(cpython_layout(src, dir.path()), Catch::Contains("install/bin/python3: missing"));
    write_file_atomic(dir / "install/bin/python3", "");
    auto layout = cpython_layout(src, dir.path());
    CHECK(layout.lib_dir == src / "build/lib.linux-x86_64-3.11");
    CHECK(layout.python == dir / "install/bin/python3");
    CHECK(layout.prefix == dir / "install");
}

TEST_CASE("cpython_build: the modules left out by default each say why") {
    for (const auto &[glob, why] : cpython_default_skips()) {
        CHECK(glob.ends_with(".*"));
        CHECK(why.size() > 20);
    }
    bool nis = false;
    for (const auto &[glob, why] : cpython_default_skips())
        nis = nis || glob_match(glob, "nis.cpython-311-x86_64-linux-gnu.so");
    CHECK(nis);
}

TEST_CASE("cpython_build: the source's version from Include/patchlevel.h") {
    test::TempDir dir;
    CHECK_THROWS_WITH(cpython_source_version(dir.path()),
                      Catch::Contains("Include/patchlevel.h: missing;") && Catch::Contains("is not a CPython source"));
    write_file_atomic(dir / "Include/patchlevel.h", "#define PY_MAJOR_VERSION_X 9\n#define PY_MAJOR_VERSION 3\n"
                                                    "#define PY_MINOR_VERSION        13\n");
    CHECK(cpython_source_version(dir.path()) == "3.13");
    write_file_atomic(dir / "Include/patchlevel.h", "#define PY_MAJOR_VERSION 3\n");
    CHECK_THROWS_WITH(cpython_source_version(dir.path()), Catch::Contains("no PY_MINOR_VERSION"));
}
