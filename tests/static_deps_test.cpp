#include "kmpack/static_deps.h"
#include "kmpack/fs.h"
#include "test_util.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace kmpack;

namespace {

size_t position(const std::vector<std::string> &v, const std::string &x) {
    return static_cast<size_t>(std::find(v.begin(), v.end(), x) - v.begin());
}

bool has(const std::vector<std::string> &v, const std::string &x) { return position(v, x) < v.size(); }

bool has_need(const std::vector<LibraryNeed> &v, const std::string &lib) {
    return std::any_of(v.begin(), v.end(), [&](const LibraryNeed &n) { return n.lib == lib; });
}

const std::vector<fs::path> kDebianDirs = {"/usr/lib/x86_64-linux-gnu", "/usr/lib/gcc/x86_64-linux-gnu/12"};

} // namespace

TEST_CASE("static_deps: a soname stands for its -l name, glibc's and libgcc_s for none") {
    CHECK(library_of_soname("libgfortran.so.5") == "gfortran");
    CHECK(library_of_soname("libstdc++.so.6") == "stdc++");
    CHECK(library_of_soname("libpng16.so.16") == "png16");
    CHECK(library_of_soname("libfoo.so") == "foo");
    for (const char *implicit : {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "libgcc_s.so.1",
                                 "ld-linux-x86-64.so.2", "libmvec.so.1"})
        CHECK(library_of_soname(implicit).empty());
    CHECK(library_of_soname("notalib").empty());
}

TEST_CASE("static_deps: pkg-config --static names what a static archive needs") {
    // Debian's libreadline.a needs libtinfo.a.
    auto readline = static_needs(test::system_runner(), "readline", {});
    CHECK(has_need(readline, "tinfo"));
    CHECK_FALSE(has_need(readline, "readline"));
    // Found as lib<name> too: "ssl" is pkg-config's libssl.
    CHECK(has_need(static_needs(test::system_runner(), "ssl", {}), "crypto"));
    CHECK(static_needs(test::system_runner(), "kmpack-no-such-library", kDebianDirs).empty());
    CHECK(static_needs(test::system_runner(), ":libfoo.a", kDebianDirs).empty());
    CHECK(static_needs(test::system_runner(), "--version", kDebianDirs).empty());
}

TEST_CASE("static_deps: a shared library's DT_NEEDED names what pkg-config does not") {
    // lapack.pc names blas only; liblapack.so.3 needs libgfortran.so.5 too.
    auto lapack = static_needs(test::system_runner(), "lapack", kDebianDirs);
    REQUIRE(has_need(lapack, "gfortran"));
    for (const auto &n : lapack)
        if (n.lib == "gfortran")
            CHECK(n.why == "liblapack.so.3 NEEDED libgfortran.so.5");
    CHECK_FALSE(has_need(lapack, "c"));
    CHECK_FALSE(has_need(lapack, "gcc_s"));
}

TEST_CASE("static_deps: the closure of reference LAPACK, each library before what it needs") {
    auto c = close_libraries(test::system_runner(), {"lapack"}, kDebianDirs);
    // liblapack -> libblas, libgfortran -> libquadmath (libgfortran.so.5 NEEDED libquadmath.so.0).
    for (const char *lib : {"lapack", "blas", "gfortran", "quadmath"})
        REQUIRE(has(c.libs, lib));
    CHECK(position(c.libs, "lapack") < position(c.libs, "blas"));
    CHECK(position(c.libs, "lapack") < position(c.libs, "gfortran"));
    CHECK(position(c.libs, "gfortran") < position(c.libs, "quadmath"));
    CHECK(std::count(c.libs.begin(), c.libs.end(), "lapack") == 1);
    REQUIRE(c.why.count("quadmath"));
    CHECK(c.why.at("quadmath").front().starts_with("gfortran (libgfortran.so.5 NEEDED libquadmath.so.0"));
    CHECK_FALSE(c.why.count("lapack")); // asked for, not added
    // blas comes from pkg-config (and DT_NEEDED); quadmath only from DT_NEEDED.
    CHECK(has(c.needed_only, "quadmath"));
    CHECK_FALSE(has(c.needed_only, "blas"));
}

TEST_CASE("static_deps: the C++ runtime a C library needs is in its closure") {
    // libxml2 -> libicuuc (pkg-config) -> libicudata and libstdc++ (DT_NEEDED).
    auto c = close_libraries(test::system_runner(), {"xml2"}, kDebianDirs);
    CHECK(has(c.libs, "icuuc"));
    CHECK(has(c.libs, "icudata"));
    CHECK(has(c.libs, "stdc++"));
    CHECK(position(c.libs, "xml2") < position(c.libs, "icuuc"));
    CHECK(position(c.libs, "icuuc") < position(c.libs, "icudata"));
}

TEST_CASE("static_deps: libraries of the test's own, linked against each other") {
    test::TempDir dir;
    // libkmc.so.1 <- libkmb.so <- libkma.so: each names the next by its soname
    // (--no-as-needed: the -l comes before the source, where --as-needed,
    // which Debian's gcc passes, would drop it).
    test::compile_c(dir.path(), "c.c", "int kmc(void) { return 3; }\n", {"-shared", "-fPIC", "-Wl,-soname,libkmc.so.1"},
                    "libkmc.so");
    test::compile_c(dir.path(), "b.c", "int kmc(void);\nint kmb(void) { return kmc(); }\n",
                    {"-shared", "-fPIC", "-Wl,--no-as-needed", "-L" + dir.path().string(), "-lkmc"}, "libkmb.so");
    test::compile_c(dir.path(), "a.c", "int kmb(void);\nint kma(void) { return kmb(); }\n",
                    {"-shared", "-fPIC", "-Wl,--no-as-needed", "-L" + dir.path().string(), "-lkmb"}, "libkma.so");
    // Given in the "wrong" order: kmb first, and kma (which needs it) after.
    auto c = close_libraries(test::system_runner(), {"kmb", "kma"}, {dir.path()});
    CHECK(c.libs == std::vector<std::string>{"kma", "kmb", "kmc"});
    REQUIRE(c.why.count("kmc"));
    CHECK(c.why.at("kmc") == std::vector<std::string>{"kmb (libkmb.so NEEDED libkmc.so.1)"});
    CHECK(c.needed_only == std::vector<std::string>{"kmc"});
    // Unrelated libraries keep their order.
    CHECK(close_libraries(test::system_runner(), {"kmc", "kmpack-none"}, {dir.path()}).libs ==
          std::vector<std::string>{"kmc", "kmpack-none"});
    CHECK(close_libraries(test::system_runner(), {}, {dir.path()}).libs.empty());
}

TEST_CASE("static_deps: a library line's pkg-config directory is searched first") {
    // A library built from source into a prefix: its .pc names what its
    // archive needs (Libs.private), which only that directory tells.
    test::TempDir dir;
    fs::create_directories(dir / "prefix/lib/pkgconfig");
    write_file_atomic(dir / "prefix/lib/pkgconfig/kmfromsource.pc",
                      "prefix=" + (dir / "prefix").string() +
                          "\nlibdir=${prefix}/lib\nName: kmfromsource\nDescription: t\nVersion: 1\n"
                          "Libs: -L${libdir} -lkmfromsource\nLibs.private: -lkmneeded\n");
    auto without = close_libraries(test::system_runner(), {"kmfromsource"}, {});
    CHECK(without.libs == std::vector<std::string>{"kmfromsource"});
    auto with = close_libraries(test::system_runner(), {"kmfromsource"}, {}, {dir / "prefix/lib/pkgconfig"});
    CHECK(with.libs == std::vector<std::string>{"kmfromsource", "kmneeded"});
    CHECK(with.why.at("kmneeded") == std::vector<std::string>{"kmfromsource (pkg-config --static)"});
    CHECK(pkg_config_environment({}).empty());
    CHECK(pkg_config_environment({"/a", "/b"}).at("PKG_CONFIG_PATH").starts_with("/a:/b"));
}
