#include "kmpack/capture.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/launcher.h"
#include "test_util.h"

#include <catch2/catch.hpp>
#include <thread>

using namespace kmpack;
namespace fs = std::filesystem;

TEST_CASE("capture: records round-trip through the log") {
    test::TempDir dir;
    CaptureRecord r;
    r.cwd = "/work/pkg";
    r.argv = {"gcc", "-shared", "a b.o", "-o", "x.so", "caf\xc3\xa9"};
    r.map = "/tmp/m.map";
    r.exit_code = 3;
    append_capture_record(dir / "log.jsonl", r);
    auto records = read_capture_log(dir / "log.jsonl");
    REQUIRE(records.size() == 1);
    CHECK(records[0].cwd == r.cwd);
    CHECK(records[0].argv == r.argv);
    CHECK(records[0].map == r.map);
    CHECK(records[0].exit_code == 3);
}

TEST_CASE("capture: many writers never split a line") {
    test::TempDir dir;
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                CaptureRecord r;
                r.cwd = "/w";
                r.argv = {"cc", std::string(5000, static_cast<char>('a' + t)), std::to_string(i)};
                append_capture_record(dir / "log.jsonl", r);
            }
        });
    for (auto &t : threads)
        t.join();
    auto records = read_capture_log(dir / "log.jsonl");
    CHECK(records.size() == 400);
}

TEST_CASE("capture: a corrupt log names the line") {
    test::TempDir dir;
    write_file_atomic(dir / "log.jsonl", "{\"cwd\":\"/a\",\"argv\":[\"cc\"]}\nnot json\n");
    try {
        read_capture_log(dir / "log.jsonl");
        FAIL("no error");
    } catch (const Error &e) {
        CHECK(std::string(e.what()).find((dir / "log.jsonl").string() + ":2: not a capture record") == 0);
    }
}

TEST_CASE("capture: is_shared_link") {
    CHECK(is_shared_link({"gcc", "-shared", "a.o", "-o", "a.so"}));
    CHECK_FALSE(is_shared_link({"gcc", "-c", "a.c", "-shared"}));
    CHECK_FALSE(is_shared_link({"gcc", "a.o", "-o", "a"}));
}

TEST_CASE("capture: the wrapper runs the real tool, keeps its exit code and logs cwd and argv") {
    test::TempDir dir;
    write_file_atomic(dir / "x.c", "int f(void) { return 1; }\n");
    Command c;
    c.argv = {KMPACK_CAPTURE_TOOL, "gcc", "-fPIC", "-shared", "x.c", "-o", "libx.so"};
    c.cwd = dir.path();
    c.env[kCaptureLogEnv] = (dir / "log.jsonl").string();
    c.env[kCaptureMapDirEnv] = dir.path().string();
    c.output = dir / "out.log";
    SystemRunner runner;
    REQUIRE(runner.run(c).ok());
    CHECK(std::filesystem::exists(dir / "libx.so"));
    c.argv = {KMPACK_CAPTURE_TOOL, "gcc", "-c", "missing.c"};
    CHECK(runner.run(c).exit_code == 1);
    auto records = read_capture_log(dir / "log.jsonl");
    REQUIRE(records.size() == 2);
    CHECK(records[0].cwd == dir.path());
    CHECK(records[0].argv == std::vector<std::string>{"gcc", "-fPIC", "-shared", "x.c", "-o", "libx.so"});
    CHECK_FALSE(records[0].map.empty());
    CHECK(std::filesystem::exists(records[0].map)); // the linker wrote its map
    CHECK(records[1].exit_code == 1);
    CHECK(records[1].map.empty());
}

TEST_CASE("capture: an exit status that is not an int is refused (found by fuzzing)") {
    test::TempDir dir;
    for (const char *exit : {"1e300", "-1e100", "0.5", "\"1\"", "4294967296"}) {
        write_file_atomic(dir / "log.jsonl", std::string("{\"argv\":[\"gcc\"],\"cwd\":\"/w\",\"exit\":") + exit + "}\n");
        CHECK_THROWS_WITH(read_capture_log(dir / "log.jsonl"), Catch::Contains("\"exit\" is not an exit status"));
    }
    write_file_atomic(dir / "log.jsonl", "{\"argv\":[\"gcc\"],\"cwd\":\"/w\",\"exit\":-1}\n");
    CHECK(read_capture_log(dir / "log.jsonl").at(0).exit_code == -1);
}

namespace {

// A launcher that notes the command it is given in `dir`/launched.txt, then
// runs it, or fails with `fail` without running it.
std::string fake_launcher(const test::TempDir &dir, int fail = 0) {
    std::string path = (dir / "launcher.sh").string();
    write_file_atomic(path, "#!/bin/sh\necho \"$*\" >> '" + (dir / "launched.txt").string() + "'\n" +
                                (fail ? "echo 'launcher: cannot reach a host' >&2\nexit " + std::to_string(fail) + "\n"
                                      : "[ \"$1\" = --launcher-arg ] && shift\nexec \"$@\"\n"));
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    return path;
}

} // namespace

TEST_CASE("capture: compiles run through the launcher, links do not, and the log has the compiler's argv") {
    test::TempDir dir;
    write_file_atomic(dir / "x.c", "int f(void) { return 1; }\n");
    Command c;
    c.cwd = dir.path();
    c.env[kCaptureLogEnv] = (dir / "log.jsonl").string();
    c.env[kCaptureMapDirEnv] = dir.path().string();
    c.env[kCaptureLauncherEnv] = launcher_env_value({fake_launcher(dir), "--launcher-arg"});
    c.output = dir / "out.log";
    SystemRunner runner;
    c.argv = {KMPACK_CAPTURE_TOOL, "gcc", "-fPIC", "-c", "x.c", "-o", "x.o"};
    REQUIRE(runner.run(c).ok());
    c.argv = {KMPACK_CAPTURE_TOOL, "gcc", "-shared", "x.o", "-o", "libx.so"};
    REQUIRE(runner.run(c).ok());
    c.argv = {KMPACK_CAPTURE_TOOL, "gcc", "-E", "-c", "x.c", "-o", "x.i"};
    REQUIRE(runner.run(c).ok());
    CHECK(std::filesystem::exists(dir / "x.o"));
    CHECK(std::filesystem::exists(dir / "libx.so"));
    // The launcher is given its own words, then the compiler's call; only the compile.
    CHECK(read_file(dir / "launched.txt") == "--launcher-arg gcc -fPIC -c x.c -o x.o\n");
    auto records = read_capture_log(dir / "log.jsonl");
    REQUIRE(records.size() == 3);
    CHECK(records[0].argv == std::vector<std::string>{"gcc", "-fPIC", "-c", "x.c", "-o", "x.o"});
    CHECK(records[1].argv == std::vector<std::string>{"gcc", "-shared", "x.o", "-o", "libx.so"});
    CHECK_FALSE(records[1].map.empty()); // the link still gets its map

    // Without the variable, or with it empty, the compiler runs alone.
    c.env[kCaptureLauncherEnv] = "";
    c.argv = {KMPACK_CAPTURE_TOOL, "gcc", "-fPIC", "-c", "x.c", "-o", "x2.o"};
    REQUIRE(runner.run(c).ok());
    CHECK(read_file(dir / "launched.txt") == "--launcher-arg gcc -fPIC -c x.c -o x.o\n");
}

TEST_CASE("capture: a launcher that fails fails the compile, says so and is logged with its status") {
    test::TempDir dir;
    write_file_atomic(dir / "x.c", "int f(void) { return 1; }\n");
    Command c;
    c.cwd = dir.path();
    c.env[kCaptureLogEnv] = (dir / "log.jsonl").string();
    c.env[kCaptureLauncherEnv] = launcher_env_value({fake_launcher(dir, 3)});
    c.output = dir / "out.log";
    c.argv = {KMPACK_CAPTURE_TOOL, "gcc", "-c", "x.c", "-o", "x.o"};
    SystemRunner runner;
    CHECK(runner.run(c).exit_code == 3);
    CHECK_FALSE(std::filesystem::exists(dir / "x.o"));
    std::string out = read_file(dir / "out.log");
    CHECK_THAT(out, Catch::Contains("launcher: cannot reach a host\n"));
    CHECK_THAT(out, Catch::Contains("kmpack-capture: the compile ran through the launcher " +
                                    (dir / "launcher.sh").string() + " and failed (exit status 3)"));
    auto records = read_capture_log(dir / "log.jsonl");
    REQUIRE(records.size() == 1);
    CHECK(records[0].exit_code == 3);
    CHECK(records[0].argv == std::vector<std::string>{"gcc", "-c", "x.c", "-o", "x.o"});

    // A launcher variable that is not one is an error of the wrapper, no compile.
    c.env[kCaptureLauncherEnv] = "ccache";
    CHECK(runner.run(c).exit_code == 2);
    CHECK_THAT(read_file(dir / "out.log"),
               Catch::Contains("kmpack-capture: $KMPACK_CAPTURE_LAUNCHER is not a launcher"));
    CHECK(read_capture_log(dir / "log.jsonl").size() == 1);
}

TEST_CASE("capture: the records of a moved build directory are rebased, whole components only") {
    std::vector<CaptureRecord> records = {
        {"/old/kb/modules/p/src", {"gcc", "-I/old/kb/modules/p/src/include", "-o", "/old/kb/modules/p/temp/a.o",
                                   "-Wl,-Map,/old/kb/modules/p/maps/1.map", "/old/kb2/x.o", "/old/kb"},
         "/old/kb/modules/p/maps/1.map", 0}};
    rebase_capture_records(records, "/old/kb/", "/new/place/kb");
    CHECK(records[0].cwd == "/new/place/kb/modules/p/src");
    CHECK(records[0].map == "/new/place/kb/modules/p/maps/1.map");
    CHECK(records[0].argv == std::vector<std::string>{"gcc", "-I/new/place/kb/modules/p/src/include", "-o",
                                                      "/new/place/kb/modules/p/temp/a.o",
                                                      "-Wl,-Map,/new/place/kb/modules/p/maps/1.map", "/old/kb2/x.o",
                                                      "/new/place/kb"});
}

TEST_CASE("capture: run as kmpack-link-gcc, the wrapper links with the driver in the environment") {
    // cargo takes rustc's linker as one path: a link to the wrapper by this name.
    test::TempDir dir;
    write_file_atomic(dir / "x.c", "int f(void) { return 1; }\n");
    std::filesystem::create_symlink(KMPACK_CAPTURE_TOOL, dir / kCaptureLinkerName);
    Command c;
    c.argv = {(dir / kCaptureLinkerName).string(), "-fPIC", "-shared", "x.c", "-o", "libx.so"};
    c.cwd = dir.path();
    c.env[kCaptureLogEnv] = (dir / "log.jsonl").string();
    c.env[kCaptureMapDirEnv] = dir.path().string();
    c.env[kCaptureLinkerEnv] = launcher_env_value({"gcc", "-pthread"});
    c.output = dir / "out.log";
    SystemRunner runner;
    REQUIRE(runner.run(c).ok());
    CHECK(std::filesystem::exists(dir / "libx.so"));
    auto records = read_capture_log(dir / "log.jsonl");
    REQUIRE(records.size() == 1);
    CHECK(records[0].argv == std::vector<std::string>{"gcc", "-pthread", "-fPIC", "-shared", "x.c", "-o", "libx.so"});
    CHECK_FALSE(records[0].map.empty());
    c.env.erase(kCaptureLinkerEnv);
    CHECK(runner.run(c).exit_code == 2);
    CHECK_THAT(read_file(dir / "out.log"), Catch::Contains("kmpack-capture: run as kmpack-link-gcc, but "
                                                           "$KMPACK_CAPTURE_LINKER names no compiler driver"));
}

TEST_CASE("capture: rustc's temporaries of a random name are linked from a stable one") {
    test::TempDir dir;
    fs::path tmp = dir / "rust-temp";
    write_file_atomic(tmp / "rustcAbC123/symbols.o", "object");
    write_file_atomic(tmp / "rustcAbC123/list", "{ global: PyInit__native; local: *; };");
    std::vector<std::string> argv = {"gcc", "-Wl,--version-script=" + (tmp / "rustcAbC123/list").string(),
                                      (tmp / "rustcAbC123/symbols.o").string(), "deps/x.rcgu.o",
                                      "-o", "deps/lib_native.so"};
    std::vector<std::string> stable = stable_rustc_temporaries(argv, tmp);
    fs::path to = tmp / "link-lib_native.so";
    CHECK(stable == std::vector<std::string>{"gcc", "-Wl,--version-script=" + (to / "list").string(),
                                             (to / "symbols.o").string(), "deps/x.rcgu.o", "-o",
                                             "deps/lib_native.so"});
    CHECK(read_file(to / "symbols.o") == "object");
    CHECK(read_file(to / "list") == "{ global: PyInit__native; local: *; };");
    // The next build's random name gives the same argv.
    fs::rename(tmp / "rustcAbC123", tmp / "rustcXyZ789");
    for (auto &arg : argv)
        if (size_t at = arg.find("rustcAbC123"); at != std::string::npos)
            arg.replace(at, 11, "rustcXyZ789");
    CHECK(stable_rustc_temporaries(argv, tmp) == stable);
    // Nothing below TMPDIR, or no TMPDIR: the argv as it is.
    std::vector<std::string> plain = {"gcc", "-shared", "x.o", "-o", "x.so"};
    CHECK(stable_rustc_temporaries(plain, tmp) == plain);
    CHECK(stable_rustc_temporaries(argv, "") == argv);
}
