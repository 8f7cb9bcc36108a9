#include "kmpack/capture.h"
#include "kmpack/error.h"
#include "test_util.h"

#include <catch2/catch.hpp>
#include <thread>

using namespace kmpack;

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
