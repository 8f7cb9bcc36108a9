// The compiler launcher: where it is named, how it is found, which calls go
// through it, and how the capture wrapper is told. No process starts.
#include "kmpack/launcher.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace kmpack;

namespace {

// An executable file `name` in `dir`.
std::string program(const test::TempDir &dir, const std::string &name) {
    std::filesystem::create_directories(dir / "bin");
    std::string path = (dir / "bin" / name).string();
    write_file_atomic(path, "#!/bin/sh\nexec \"$@\"\n");
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    return path;
}

} // namespace

TEST_CASE("launcher: --launcher wins over KMPACK_LAUNCHER, split on blanks, its program found on PATH") {
    test::TempDir dir;
    std::string ccache = program(dir, "ccache"), distcc = program(dir, "distcc");
    std::string path = "/nonexistent:" + (dir / "bin").string();

    Launcher l = resolve_launcher(std::string("ccache"), nullptr, path);
    CHECK(l.argv == std::vector<std::string>{ccache});
    CHECK(l.origin == "--launcher");

    l = resolve_launcher(std::nullopt, " distcc  --verbose ", path);
    CHECK(l.argv == std::vector<std::string>{distcc, "--verbose"});
    CHECK(l.origin == "KMPACK_LAUNCHER");

    l = resolve_launcher(std::string("ccache"), "distcc", path);
    CHECK(l.argv == std::vector<std::string>{ccache});

    // Neither, or an empty value of either: none. An empty --launcher turns the variable's off.
    CHECK(resolve_launcher(std::nullopt, nullptr, path).empty());
    CHECK(resolve_launcher(std::nullopt, "", path).empty());
    CHECK(resolve_launcher(std::string(""), "distcc", path).empty());
    CHECK(resolve_launcher(std::string("  "), "no-such-launcher", path).empty());

    // A path is taken as it is, made absolute.
    l = resolve_launcher((dir / "bin/../bin/ccache").string(), nullptr, "");
    CHECK(l.argv == std::vector<std::string>{ccache});
}

TEST_CASE("launcher: one that is not there or cannot run is an error naming it and the fix") {
    test::TempDir dir;
    std::string path = (dir / "bin").string();
    program(dir, "ccache");
    CHECK_THROWS_WITH(resolve_launcher(std::string("ccashe -v"), nullptr, path),
                      "--launcher 'ccashe -v': ccashe is not on PATH; install it, give its full path, or leave "
                      "--launcher out to compile without a launcher");
    CHECK_THROWS_WITH(resolve_launcher(std::nullopt, "sccache", path),
                      "KMPACK_LAUNCHER='sccache': sccache is not on PATH; install it, give its full path, or unset "
                      "KMPACK_LAUNCHER to compile without a launcher");
    CHECK_THROWS_WITH(resolve_launcher((dir / "none").string(), nullptr, path),
                      "--launcher '" + (dir / "none").string() + "': " + (dir / "none").string() +
                          ": no such file; give the launcher's program, or leave --launcher out to compile without "
                          "a launcher");
    write_file_atomic(dir / "plain", "not a program\n");
    CHECK_THROWS_WITH(resolve_launcher((dir / "plain").string(), nullptr, path),
                      Catch::Contains((dir / "plain").string() + " is not an executable file"));
    CHECK_THROWS_WITH(resolve_launcher(dir.path().string(), nullptr, path),
                      Catch::Contains(dir.path().string() + " is not an executable file"));
    CHECK_THROWS_WITH(resolve_launcher(std::string("ccache \xff"), nullptr, path),
                      Catch::Contains("the launcher's words must be UTF-8"));
}

TEST_CASE("launcher: only compiles go through it") {
    CHECK(is_compile({"gcc", "-c", "a.c", "-o", "a.o"}));
    CHECK(is_compile({"g++", "-O2", "-S", "a.cc"}));
    CHECK(is_compile({"gcc", "-MD", "-MF", "a.d", "-c", "a.c"}));
    CHECK_FALSE(is_compile({"gcc", "-shared", "a.o", "-o", "a.so"}));
    CHECK_FALSE(is_compile({"gcc", "a.c", "-o", "a"})); // compile and link in one: a link
    CHECK_FALSE(is_compile({"gcc", "-E", "-c", "a.c"}));
    CHECK_FALSE(is_compile({"gcc", "-M", "-c", "a.c"}));
    CHECK_FALSE(is_compile({"gcc", "-MM", "a.c"}));
    CHECK_FALSE(is_compile({"gcc", "--version"}));
    CHECK_FALSE(is_compile({"-c"})); // argv[0] is the compiler, never an option

    std::vector<std::string> launcher = {"/usr/bin/ccache"};
    CHECK(launched(launcher, {"gcc", "-c", "a.c"}) == std::vector<std::string>{"/usr/bin/ccache", "gcc", "-c", "a.c"});
    CHECK(launched(launcher, {"gcc", "-shared", "a.o"}) == std::vector<std::string>{"gcc", "-shared", "a.o"});
    CHECK(launched({}, {"gcc", "-c", "a.c"}) == std::vector<std::string>{"gcc", "-c", "a.c"});
}

TEST_CASE("launcher: the wrapper's variable round-trips, and anything else is refused") {
    std::vector<std::string> words = {"/opt/my tools/distcc", "--x=\"y\""};
    CHECK(parse_launcher_env(launcher_env_value(words)) == words);
    CHECK(launcher_env_value({}).empty());
    CHECK(parse_launcher_env("").empty());
    for (const char *bad : {"ccache", "[]", "[\"\"]", "[1]", "{\"a\":1}", "[\"a\""})
        CHECK_THROWS_WITH(parse_launcher_env(bad), Catch::StartsWith("$KMPACK_CAPTURE_LAUNCHER is not a launcher"));
}

TEST_CASE("launcher: the hint of a failed compile names it and where it was named") {
    CHECK(launcher_hint({}).empty());
    CHECK(launcher_hint({{"/usr/bin/distcc", "-v"}, "--launcher"}) ==
          "  the compiles ran through the launcher /usr/bin/distcc -v (--launcher); if the compiler alone "
          "succeeds, the launcher failed: check it, or build without it\n");
}
