#include "kmpack/system_libs.h"
#include "kmpack/elf_symbols.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace kmpack;

namespace {

std::string check_error(SystemLibraries &system, const std::vector<fs::path> &search, uint16_t machine = 0) {
    try {
        check_static_libraries(system, search, machine);
    } catch (const Error &e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("system_libs: -L directories of extra link arguments") {
    CHECK(link_arg_dirs({"-L/a", "-L", "/b", "-Wl,-L/c", "-Wl,-L,/d", "-Wl,--gc-sections,-L/e", "-lfoo", "-static"}) ==
          std::vector<fs::path>{"/a", "/b", "/c", "/d", "/e"});
    CHECK(link_arg_dirs({"-L"}).empty()); // nothing after it
    CHECK(link_arg_dirs({}).empty());
}

TEST_CASE("system_libs: who needs a library, through the chain that added it") {
    SystemLibraries s;
    s.libs = {"lapack", "gfortran", "quadmath"};
    s.needed_by["lapack"] = {"pkg/a.so", "pkg/b.so"};
    s.chain["gfortran"] = {"lapack (liblapack.so.3 NEEDED libgfortran.so.5)"};
    s.chain["quadmath"] = {"gfortran (libgfortran.so.5 NEEDED libquadmath.so.0)"};
    CHECK(describe_need(s, "lapack") == "pkg/a.so, pkg/b.so");
    CHECK(describe_need(s, "quadmath") ==
          "gfortran (libgfortran.so.5 NEEDED libquadmath.so.0), for lapack (liblapack.so.3 NEEDED libgfortran.so.5), "
          "for pkg/a.so, pkg/b.so");
    // A cycle ends.
    s.chain["x"] = {"y (why)"};
    s.chain["y"] = {"x (why)"};
    CHECK(describe_need(s, "x") == "y (why), for x (why)");
}

TEST_CASE("system_libs: every missing archive in one error; one only DT_NEEDED named is left out") {
    test::TempDir dir;
    test::compile_c(dir.path(), "a.c", "int kma(void) { return 1; }\n", {"-c", "-fPIC"}, "a.o");
    test::run({"ar", "rcs", "libkmhave.a", "a.o"}, dir.path());
    SystemLibraries s;
    s.libs = {"kmhave", "kmnone", "kmguess", "kmalso", "stdc++"};
    s.needed_by["kmhave"] = {"pkg/m.so"};
    s.needed_by["kmnone"] = {"pkg/m.so"};
    s.chain["kmguess"] = {"kmhave (libkmhave.so NEEDED libkmguess.so.1)"};
    s.chain["kmalso"] = {"kmhave (pkg-config --static)"};
    s.needed_only = {"kmguess"};
    std::string e = check_error(s, {dir.path()});
    CHECK(e.rfind("2 of the libraries python.km links have no static archive for python.km", 0) == 0);
    CHECK(e.find("\n  -lkmnone: no libkmnone.a, needed by pkg/m.so\n") != std::string::npos);
    CHECK(e.find("\n  -lkmalso: no libkmalso.a, needed by kmhave (pkg-config --static), for pkg/m.so\n") !=
          std::string::npos);
    CHECK(e.find("kmguess") == std::string::npos);
    CHECK(e.find("searched:\n    " + dir.path().string()) != std::string::npos);

    // Without those two, the guess is dropped with a note, and the C++ runtime stays.
    s.libs = {"kmhave", "kmguess", "stdc++"};
    auto notes = check_static_libraries(s, {dir.path()});
    CHECK(s.libs == std::vector<std::string>{"kmhave", "stdc++"});
    CHECK(s.dropped == std::vector<std::string>{"kmguess"});
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].rfind("-lkmguess: no libkmguess.a, needed by kmhave (libkmhave.so NEEDED libkmguess.so.1), for "
                         "pkg/m.so; left out of the link",
                         0) == 0);
}

TEST_CASE("system_libs: an archive for another machine is as good as none") {
    test::TempDir dir;
    test::compile_c(dir.path(), "a.c", "int kmarm(void) { return 1; }\n", {"-c", "-fPIC"}, "a.o");
    // The object says it is AArch64 (e_machine 183).
    std::string bytes = read_file(dir / "a.o");
    bytes[18] = static_cast<char>(183);
    bytes[19] = 0;
    write_file_atomic(dir / "a.o", bytes);
    test::run({"ar", "rcs", "libkmarm.a", "a.o"}, dir.path());
    CHECK(archive_machine(dir / "libkmarm.a") == 183);
    CHECK(archive_machine(dir / "a.o") == 0); // not an archive
    SystemLibraries s;
    s.libs = {"kmarm"};
    s.needed_by["kmarm"] = {"pkg/m.so"};
    std::string e = check_error(s, {dir.path()}, 62 /* x86-64 */);
    CHECK(e.find("\n  -lkmarm: " + (dir / "libkmarm.a").string() +
                 " is for AArch64, python.km for x86-64; needed by pkg/m.so\n") != std::string::npos);
    CHECK(check_error(s, {dir.path()}, 183).empty());
    CHECK(check_error(s, {dir.path()}).empty()); // not checked
}
