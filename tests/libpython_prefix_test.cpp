#include "kmpack/libpython_prefix.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "fake_runner.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace kmpack;

TEST_CASE("libpython_prefix: python.km's libpython gets a neutral prefix, the captured compile otherwise unchanged") {
    std::vector<CaptureRecord> records = {
        {"/w/src", {"gcc", "-c", "x.c", "-o", "Modules/other.o"}, {}, 0},
        {"/w/src",
         {"gcc", "-c", "-DPYTHONPATH=\"\"", "-DPREFIX=\"/w/install\"", "-DEXEC_PREFIX=\"/w/install\"",
          "-DVERSION=\"3.11\"", "-o", "Modules/getpath.o", "./Modules/getpath.c"},
         {},
         0}};
    auto c = neutral_getpath_compile(records, "/w/src/Modules/.kmpack-neutral/getpath.o");
    REQUIRE(c);
    CHECK(c->cwd == "/w/src");
    CHECK(c->argv == std::vector<std::string>{"gcc", "-c", "-DPYTHONPATH=\"\"", "-DPREFIX=\"/usr/local\"",
                                              "-DEXEC_PREFIX=\"/usr/local\"", "-DVERSION=\"3.11\"", "-o",
                                              "/w/src/Modules/.kmpack-neutral/getpath.o", "./Modules/getpath.c"});
    CHECK(!neutral_getpath_compile({records[0]}, "/x/getpath.o"));
}

TEST_CASE("libpython_prefix: an archive member is replaced in place, the others kept in order") {
    test::TempDir dir;
    write_file_atomic(dir / "a.c", "int a(void) { return 1; }\n");
    write_file_atomic(dir / "getpath.c", "const char *prefix(void) { return \"/old/prefix\"; }\n");
    test::run({"gcc", "-c", "a.c", "getpath.c"}, dir.path());
    test::run({"ar", "rcs", "lib.a", "a.o", "getpath.o"}, dir.path());
    write_file_atomic(dir / "getpath.c", "const char *prefix(void) { return \"/usr/local\"; }\n");
    fs::create_directories(dir / "new");
    test::run({"gcc", "-c", "getpath.c", "-o", "new/getpath.o"}, dir.path());
    replace_archive_member(dir / "lib.a", dir / "new" / "getpath.o");
    CHECK(test::run({"ar", "t", "lib.a"}, dir.path()) == "a.o\ngetpath.o\n");
    std::string text = read_file(dir / "lib.a");
    CHECK(text.find("/old/prefix") == std::string::npos);
    CHECK(text.find("/usr/local") != std::string::npos);
    CHECK(test::run({"nm", "lib.a"}, dir.path()).find("T prefix") != std::string::npos);
    CHECK_THROWS_WITH(replace_archive_member(dir / "lib.a", dir / "a.c"), Catch::Contains("has no member a.c"));
}

TEST_CASE("libpython_prefix: the neutral compile runs through the launcher, as the interpreter's compiles did") {
    test::TempDir dir;
    fs::path src = dir / "src", lib = dir / "libpython3.11.a";
    fs::create_directories(src / "Modules");
    write_file_atomic(src / "Modules/getpath.c", "const char *prefix(void) { return PREFIX; }\n");
    test::run({"gcc", "-DPREFIX=\"/w/install\"", "-c", "Modules/getpath.c", "-o", "Modules/getpath.o"}, src);
    test::run({"ar", "rcs", lib.string(), "Modules/getpath.o"}, src);
    CaptureRecord compile{
        src, {"gcc", "-DPREFIX=\"/w/install\"", "-c", "Modules/getpath.c", "-o", "Modules/getpath.o"}, {}, 0};
    append_capture_record(dir / "capture.jsonl", compile);

    test::FakeRunner runner;
    std::vector<std::string> launcher = {"/usr/bin/ccache", "-v"};
    runner.on(launcher, {"", {}, [](const Command &c) {
                             // What the launcher would do: run the compiler it was given.
                             std::vector<std::string> compiler(c.argv.begin() + 2, c.argv.end());
                             test::run(compiler, c.cwd);
                         }});
    neutralize_libpython_prefix(dir / "capture.jsonl", src, lib, launcher, runner, dir / "log");
    auto ran = runner.commands();
    REQUIRE(ran.size() == 1);
    CHECK(ran[0].argv == std::vector<std::string>{"/usr/bin/ccache", "-v", "gcc", "-DPREFIX=\"/usr/local\"", "-c",
                                                  "Modules/getpath.c", "-o",
                                                  (src / "Modules/.kmpack-neutral/getpath.o").string()});
    CHECK(read_file(lib).find("/usr/local") != std::string::npos);
    CHECK(read_file(lib).find("/w/install") == std::string::npos);

    runner.on(launcher, {"distcc: cannot connect\n", {1, 0}, nullptr});
    CHECK_THROWS_WITH(neutralize_libpython_prefix(dir / "capture.jsonl", src, lib, launcher, runner, dir / "log"),
                      Catch::StartsWith("compiling getpath.c with a neutral prefix through the launcher "
                                        "/usr/bin/ccache -v failed (exit status 1)"));
}
