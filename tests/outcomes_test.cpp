// --keep-going bookkeeping, alone and through run_build with a fake runner.
#include "kmpack/outcomes.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/pipeline.h"
#include "fake_runner.h"
#include "test_util.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

using namespace kmpack;

namespace {

std::vector<ModuleOutcome> named(std::initializer_list<const char *> names) {
    std::vector<ModuleOutcome> out;
    for (const char *n : names) {
        ModuleOutcome m;
        m.name = n;
        out.push_back(m);
    }
    return out;
}

} // namespace

TEST_CASE("outcomes: the first error of a module wins, and -k decides whether it stops the build") {
    test::RecordingStatus status;
    Outcomes keep(named({"a", "b"}), /*keep_going=*/true, status);
    keep.guard(0, [] { throw Error("a: first"); });
    keep.guard(0, [] { throw Error("a: second"); });
    bool ran = false;
    keep.guard(0, [&] { ran = true; });
    keep.guard(1, [&] {});
    CHECK_FALSE(ran); // a failed module does no more work
    CHECK(keep.modules()[0].error == "a: first");
    CHECK(keep.failed(0));
    CHECK_FALSE(keep.failed(1));
    CHECK_FALSE(keep.ok());
    CHECK_THROWS_WITH(keep.guard(1, [] { throw Error("b: fatal"); }, /*fatal=*/true), "b: fatal");
    CHECK(status.lines() == std::vector<std::string>{"a: failed", "b: failed"});

    Outcomes stop(named({"a"}), /*keep_going=*/false, status);
    CHECK_THROWS_WITH(stop.guard(0, [] { throw Error("a: stop"); }), "a: stop");
    CHECK(stop.failed(0));
}

namespace {

struct FakeBuild {
    test::TempDir dir;
    test::FakeRunner runner;
    test::RecordingStatus status;
    Host host{runner, status};
    BuildOptions options;
    FakeBuild() {
        for (const char *m : {"a", "b"})
            write_file_atomic(dir / m / "setup.py", "");
        write_file_atomic(dir / "modules.txt", "a a\nb b\n");
        options.manifest = dir / "modules.txt";
        options.build_dir = dir / "kb";
        options.python = "fakepython";
        options.system_stdlib = true;
        options.module_cache = false;
        options.capture_tool = KMPACK_CAPTURE_TOOL;
        options.jobs = 1;
        runner.on({"fakepython", "-E", "-S", "-c"}, {test::python_query_reply("fakepython"), {}, nullptr});
        runner.on({"gcc", "--version"}, {"gcc (fake) 12\n", {}, nullptr});
        runner.on({"gcc", "-print-search-dirs"}, {"libraries: =/fake/lib\n", {}, nullptr});
        // a's build "succeeds" and links nothing (a pure-Python package); b's fails.
        runner.on({"fakepython", "setup.py", "build"}, {"", {}, nullptr});
        runner.on({"fakepython", "setup.py", "build", "--build-lib", (dir / "kb/modules/b/lib").string()},
                  {"b: compiler exploded\n", {1, 0}, nullptr});
    }
};

} // namespace

TEST_CASE("outcomes: -k builds every module, records each failure and links nothing") {
    FakeBuild b;
    b.options.keep_going = true;
    BuildResult r = run_build(b.options, b.host);
    REQUIRE(r.modules.size() == 2);
    CHECK_FALSE(r.modules[0].failed());
    CHECK(r.modules[0].pure);
    CHECK(r.modules[0].status() == "built, pure Python");
    CHECK(r.modules[1].failed());
    CHECK_THAT(r.modules[1].error, Catch::StartsWith("b: the package's build failed (exit status 1)") &&
                                       Catch::Contains("| b: compiler exploded"));
    CHECK_FALSE(r.ok());
    CHECK_FALSE(r.linked);
    CHECK(b.runner.matching({"fakepython", "setup.py"}).size() == 2);
    CHECK(b.runner.matching({"gcc", "-static"}).empty());
    CHECK_FALSE(fs::exists(b.dir / "kb/kmpack-build.json"));
}

TEST_CASE("outcomes: without -k the first failure ends the build") {
    FakeBuild b;
    CHECK_THROWS_WITH(run_build(b.options, b.host), Catch::StartsWith("b: the package's build failed"));
    CHECK(b.runner.matching({"fakepython", "setup.py"}).size() == 2);
}

TEST_CASE("outcomes: a module's time is its own work, not its wait, and its built line comes when its build ends") {
    test::RecordingStatus status;
    Outcomes o(named({"a", "b"}), /*keep_going=*/true, status);
    auto nap = [](int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
    o.work(0, [&] { nap(60); });
    o.end_build(0, /*built=*/true);
    CHECK(status.lines() == std::vector<std::string>{"a: built"}); // at once, not at the end
    nap(300);                                                       // waits for the others: not its time
    o.work(0, [&] { nap(40); });                                    // its renaming
    o.finish(0, ModuleState::Built, {});
    CHECK(status.lines() == std::vector<std::string>{"a: built"}); // said once
    REQUIRE(status.seconds("a").size() == 1);
    CHECK(status.seconds("a")[0] >= 0.06);
    CHECK(status.seconds("a")[0] < 0.2);
    const ModuleOutcome &a = o.modules()[0];
    CHECK(a.build_seconds == status.seconds("a")[0]); // the summary's build column is what the line said
    CHECK(a.seconds >= 0.1);
    CHECK(a.seconds < 0.3);

    // Found current: no line when its build stage ends, one at the end with all its time.
    o.work(1, [&] { nap(20); });
    o.end_build(1, /*built=*/false);
    CHECK(status.lines().size() == 1);
    o.work(1, [&] { nap(20); });
    o.finish(1, ModuleState::UpToDate, {});
    CHECK(status.lines().back() == "b: up to date");
    CHECK(status.seconds("b").at(0) >= 0.04);
    CHECK(status.seconds("b").at(0) < 0.3);
}

TEST_CASE("outcomes: a failure reports the time the module worked, including the failing step") {
    test::RecordingStatus status;
    Outcomes o(named({"a"}), /*keep_going=*/true, status);
    o.work(0, [] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        throw Error("a: broke");
    });
    CHECK(status.lines() == std::vector<std::string>{"a: failed"});
    CHECK(status.seconds("a").at(0) >= 0.05);
}

TEST_CASE("outcomes: run_build prints a module's built line before the next module's build starts") {
    FakeBuild b;
    b.options.keep_going = true;
    run_build(b.options, b.host);
    std::vector<std::string> lines = b.status.lines();
    auto at = [&](const std::string &line) { return std::find(lines.begin(), lines.end(), line) - lines.begin(); };
    CHECK(std::count(lines.begin(), lines.end(), "a: built") == 1);
    CHECK(at("a: built") < at("b: check")); // -j1: a's line, then b's work
    CHECK(at("b: failed") < static_cast<long>(lines.size()));
}
