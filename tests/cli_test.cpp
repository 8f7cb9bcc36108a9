// The kmpack command line: usage errors and errors at the boundary, as a
// user sees them (the real binary, its exit status and its words).
#include "kmpack/fs.h"
#include "kmpack/process.h"
#include "test_util.h"

#include <catch2/catch.hpp>
#include <map>

using namespace kmpack;

namespace {

struct Ran {
    int status;
    std::string output; // stdout and stderr
};

Ran kmpack_cli(const std::vector<std::string> &args, const test::TempDir &dir,
               const std::map<std::string, std::string> &env = {}) {
    Command c;
    c.env = env;
    c.argv = {KMPACK_TOOL};
    c.argv.insert(c.argv.end(), args.begin(), args.end());
    c.cwd = dir.path();
    c.output = dir / "out.txt";
    std::error_code ec;
    std::filesystem::remove(c.output, ec);
    CommandResult r = test::system_runner().run(c);
    return {r.signal ? 128 + r.signal : r.exit_code, read_file(c.output)};
}

} // namespace

TEST_CASE("cli: usage errors are said in kmpack's words, point at --help and exit 2") {
    test::TempDir dir;
    struct Case {
        std::vector<std::string> args;
        std::string first_line, help;
    };
    for (const auto &c : std::vector<Case>{
             {{}, "kmpack: error: no command given", "kmpack --help"},
             {{"bogus"}, "kmpack: error: unknown command 'bogus' (commands: build, link, list, inspect, clean)",
              "kmpack --help"},
             {{"-V"}, "kmpack: error: unknown option '-V' (commands: build, link, list, inspect, clean)",
              "kmpack --help"},
             {{"build", "-j", "0"}, "kmpack: error: --jobs: Value 0 not in range 1 to 4096", "kmpack build --help"},
             {{"link", "--jobs=-3"}, "kmpack: error: --jobs: Value -3 not in range 1 to 4096", "kmpack link --help"},
             {{"build", "--bogus"}, "kmpack: error: The following argument was not expected: --bogus",
              "kmpack build --help"},
             {{"inspect"}, "kmpack: error: file is required", "kmpack inspect --help"},
         }) {
        INFO("kmpack " << [&] {
            std::string s;
            for (const auto &a : c.args)
                s += a + " ";
            return s;
        }());
        Ran r = kmpack_cli(c.args, dir);
        CHECK(r.status == 2);
        CHECK(r.output == c.first_line + "\nRun '" + c.help + "' for the usage.\n");
    }
    Ran help = kmpack_cli({"build", "--help"}, dir);
    CHECK(help.status == 0);
    CHECK_THAT(help.output, Catch::Contains("--keep-going"));
}

TEST_CASE("cli: a build directory that cannot be made is an error naming it, exit 1") {
    test::TempDir dir;
    write_file_atomic(dir / "modules.txt", "kmhello " + (test::source_dir() / "examples/kmhello").string() + "\n");
    write_file_atomic(dir / "a-file", "");
    Ran r = kmpack_cli({"build", "modules.txt", "-B", (dir / "a-file/sub").string(), "--python", KMPACK_TEST_PYTHON},
                       dir);
    CHECK(r.status == 1);
    CHECK(r.output == "kmpack: error: " + (dir / "a-file/sub").string() +
                          ": cannot create directories: Not a directory\n");
}

TEST_CASE("cli: a --python that is not there, or too old, stops the build before anything is built") {
    test::TempDir dir;
    write_file_atomic(dir / "modules.txt", "kmhello " + (test::source_dir() / "examples/kmhello").string() + "\n");
    Ran missing = kmpack_cli({"build", "modules.txt", "-B", "b", "--python", "/nonexistent/python3"}, dir);
    CHECK(missing.status == 1);
    CHECK_THAT(missing.output, Catch::EndsWith("kmpack: error: --python /nonexistent/python3: no such file (give a "
                                               "Python 3.11 or later, e.g. /usr/bin/python3)\n"));
    // A "Python 3.10": a script that answers the sysconfig query as one would.
    write_file_atomic(dir / "python3.10", "#!/bin/sh\necho '{\"version\": \"3.10\"}'\n");
    std::filesystem::permissions(dir / "python3.10", std::filesystem::perms::owner_all);
    Ran old = kmpack_cli({"build", "modules.txt", "-B", "b2", "--python", (dir / "python3.10").string()}, dir);
    CHECK(old.status == 1);
    CHECK_THAT(old.output, Catch::Contains("is Python 3.10; kmpack needs Python 3.11 or later"));
    CHECK_FALSE(std::filesystem::exists(dir / "b2/modules/kmhello"));
}

TEST_CASE("cli: a launcher that is not there stops build and link before anything is built") {
    test::TempDir dir;
    write_file_atomic(dir / "modules.txt", "kmhello " + (test::source_dir() / "examples/kmhello").string() + "\n");
    Ran r = kmpack_cli({"build", "modules.txt", "-B", "b", "--python", KMPACK_TEST_PYTHON, "--launcher", "ccashe"},
                       dir);
    CHECK(r.status == 1);
    CHECK(r.output == "kmpack: error: --launcher 'ccashe': ccashe is not on PATH; install it, give its full path, or "
                      "leave --launcher out to compile without a launcher\n");
    CHECK_FALSE(std::filesystem::exists(dir / "b"));
    r = kmpack_cli({"build", "modules.txt", "-B", "b", "--python", KMPACK_TEST_PYTHON}, dir,
                   {{"KMPACK_LAUNCHER", "/nonexistent/distcc"}});
    CHECK(r.status == 1);
    CHECK(r.output == "kmpack: error: KMPACK_LAUNCHER='/nonexistent/distcc': /nonexistent/distcc: no such file; give "
                      "the launcher's program, or unset KMPACK_LAUNCHER to compile without a launcher\n");
    CHECK_FALSE(std::filesystem::exists(dir / "b"));
    r = kmpack_cli({"link", "-B", "b", "--launcher", "ccashe"}, dir);
    CHECK(r.status == 1);
    CHECK_THAT(r.output, Catch::StartsWith("kmpack: error: --launcher 'ccashe': ccashe is not on PATH"));
}

TEST_CASE("cli: a launcher that fails fails the package's build with its output, and nothing is recorded or linked") {
    test::TempDir dir;
    write_file_atomic(dir / "modules.txt", "kmhello " + (test::source_dir() / "examples/kmhello").string() + "\n");
    write_file_atomic(dir / "broken-launcher",
                      "#!/bin/sh\necho 'broken-launcher: no hosts to compile on' >&2\nexit 4\n");
    std::filesystem::permissions(dir / "broken-launcher", std::filesystem::perms::owner_all);
    Ran r = kmpack_cli({"build", "modules.txt", "-B", "b", "--python", KMPACK_TEST_PYTHON, "--stdlib=system",
                        "--progress=plain", "--launcher", "./broken-launcher"},
                       dir);
    CHECK(r.status == 1);
    CHECK_THAT(r.output, Catch::Contains("compiles through the launcher " + (dir / "broken-launcher").string() +
                                         " (--launcher)"));
    CHECK_THAT(r.output, Catch::Contains("kmpack: error: kmhello: the package's build failed"));
    CHECK_THAT(r.output, Catch::Contains("| broken-launcher: no hosts to compile on"));
    CHECK_THAT(r.output, Catch::Contains("the compiles ran through the launcher " +
                                         (dir / "broken-launcher").string() + " (--launcher)"));
    CHECK_FALSE(std::filesystem::exists(dir / "b/dist/python.km"));
    CHECK_FALSE(std::filesystem::exists(dir / "b/modules/kmhello/kmpack-module.json"));
    CHECK_THAT(read_file(dir / "b/modules/kmhello/build.log"),
               Catch::Contains("kmpack-capture: the compile ran through the launcher " +
                               (dir / "broken-launcher").string() + " and failed (exit status 4)"));
}

TEST_CASE("cli: clean says when there is nothing to clean, and succeeds") {
    test::TempDir dir;
    Ran r = kmpack_cli({"clean", "-B", "nowhere"}, dir);
    CHECK(r.status == 0);
    CHECK(r.output == "nothing to clean: nowhere does not exist\n");
    std::filesystem::create_directories(dir / "b/modules");
    r = kmpack_cli({"clean", "-B", "b"}, dir);
    CHECK(r.status == 0);
    CHECK(r.output == "removed b/modules\n");
    r = kmpack_cli({"clean", "-B", "b"}, dir);
    CHECK(r.status == 0);
    CHECK(r.output == "nothing to clean in b\n");
    // A build directory cleaned without --all keeps dist/ and its lock: cleaned again, nothing to do.
    std::filesystem::create_directories(dir / "c/dist");
    write_file_atomic(dir / "c/.kmpack.lock", "");
    r = kmpack_cli({"clean", "-B", "c"}, dir);
    CHECK(r.status == 0);
    CHECK(r.output == "nothing to clean in c\n");
    write_file_atomic(dir / "src/setup.py", "");
    r = kmpack_cli({"clean", "-B", "src"}, dir);
    CHECK(r.status == 1);
    CHECK(r.output ==
          "kmpack: error: src: not a kmpack build directory (no kmpack-build.json, modules/ or .kmpack.lock); nothing removed\n");
}
