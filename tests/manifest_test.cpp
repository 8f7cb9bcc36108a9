#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/manifest.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace kmpack;

namespace {

std::string error_of(const std::string &text, bool check_paths = false, const std::filesystem::path &base = "/src") {
    try {
        parse_manifest(text, "modules.txt", base, check_paths);
    } catch (const Error &e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("manifest: names, sources and settings") {
    auto m = parse_manifest("# comment\n"
                            "\n"
                            "kmhello examples/kmhello\n"
                            "  psutil  https://example.org/psutil.git  ref=release-5.9  # trailing comment\n"
                            "falcon vendor/falcon.tar.gz subdir=falcon-3.1 skip=falcon/a*.so,falcon/b.so skip=c.so\n"
                            "x\t\"dir with space\"\tenv=CFLAGS=-O1\tenv=FOO=a=b build=pip\n",
                            "modules.txt", "/src", false);
    REQUIRE(m.modules.size() == 4);
    CHECK(m.modules[0].name == "kmhello");
    CHECK(m.modules[0].kind == SourceKind::Directory);
    CHECK(m.modules[0].local_path == "/src/examples/kmhello");
    CHECK(m.modules[0].origin == "modules.txt:3");
    CHECK(m.modules[1].kind == SourceKind::Git);
    CHECK(m.modules[1].ref == "release-5.9");
    CHECK(m.modules[2].kind == SourceKind::Archive);
    CHECK(m.modules[2].subdir == "falcon-3.1");
    CHECK(m.modules[2].skip == std::vector<std::string>{"falcon/a*.so", "falcon/b.so", "c.so"});
    CHECK(m.modules[3].local_path == "/src/dir with space");
    CHECK(m.modules[3].env.at("CFLAGS") == "-O1");
    CHECK(m.modules[3].env.at("FOO") == "a=b");
    CHECK(m.modules[3].build == BuildKind::Pip);
}

TEST_CASE("manifest: file:// URLs and .git paths are git sources") {
    auto m = parse_manifest("a file:///tmp/repo ref=main\nb /srv/x.git\n", "m.txt", "/", false);
    CHECK(m.modules[0].kind == SourceKind::Git);
    CHECK(m.modules[1].kind == SourceKind::Git);
}

TEST_CASE("manifest: errors name the file and line, with a fix") {
    CHECK(error_of("a b\n\nc d subdri=x\n") == "modules.txt:3: unknown setting 'subdri' (did you mean 'subdir'?)");
    CHECK(error_of("a b colour=red\n") ==
          "modules.txt:1: unknown setting 'colour' (settings are: ref, subdir, skip, env, build, configure)");
    CHECK(error_of("lonely\n") == "modules.txt:1: module 'lonely' has no source (expected: NAME SOURCE [key=value ...])");
    CHECK(error_of("a x\nb y\na z\n") == "modules.txt:3: module 'a' is listed twice (first at modules.txt:1)");
    CHECK(error_of("a \"unterminated\n") == "modules.txt:1: unterminated quote");
    CHECK(error_of("a dir ref=v1\n") == "modules.txt:1: ref= applies to git sources only");
    CHECK(error_of("a dir subdir=../up\n") == "modules.txt:1: subdir '../up' must be a relative path inside the source");
    CHECK(error_of("a dir env=CC=clang\n") == "modules.txt:1: env cannot set CC: kmpack sets it to capture the build");
    CHECK(error_of("a dir env=NOVALUE\n") == "modules.txt:1: env needs NAME=VALUE, e.g. env=CFLAGS=-O1, got 'NOVALUE'");
    CHECK(error_of("a dir build=make\n") ==
          "modules.txt:1: build must be auto, setup.py, pip, cpython, cmake, autotools or meson, got 'make'");
    CHECK(error_of("-a dir\n").find("modules.txt:1: module name '-a'") == 0);
    CHECK(error_of("a -dir\n") == "modules.txt:1: source '-dir' must not be empty or start with '-'");
    CHECK(error_of("a git://h/r.git ref=-x\n") ==
          "modules.txt:1: ref '-x' must be a non-empty name not starting with '-'");
    CHECK(error_of("a dir extra\n") ==
          "modules.txt:1: expected key=value, got 'extra' (only one source per line; settings are key=value)");
}

TEST_CASE("manifest: every bad line is reported at once") {
    std::string e = error_of("a b subdri=x\nc d colour=y\n");
    CHECK(e == "modules.txt:1: unknown setting 'subdri' (did you mean 'subdir'?)\n"
               "modules.txt:2: unknown setting 'colour' (settings are: ref, subdir, skip, env, build, configure)");
}

TEST_CASE("manifest: non-UTF-8, NUL bytes and very long lines are refused") {
    CHECK(error_of("a b\xff\n") == "modules.txt:1: line is not valid UTF-8");
    CHECK(error_of(std::string("a b\0c\n", 6)) == "modules.txt:1: line contains a NUL byte");
    CHECK(error_of("a " + std::string(70000, 'x') + "\n") == "modules.txt:1: line is longer than 65536 bytes");
    CHECK_NOTHROW(parse_manifest("a dir env=X=caf\xc3\xa9\n", "m", "/", false));
}

TEST_CASE("manifest: only well-formed UTF-8 is valid (no overlong forms, surrogates or past U+10FFFF)") {
    CHECK(error_of("a b\xc0\xaf\n") == "modules.txt:1: line is not valid UTF-8");         // overlong '/'
    CHECK(error_of("a b\xe0\x80\xaf\n") == "modules.txt:1: line is not valid UTF-8");     // overlong '/', 3 bytes
    CHECK(error_of("a b\xed\xa0\x80\n") == "modules.txt:1: line is not valid UTF-8");     // U+D800, a surrogate
    CHECK(error_of("a b\xf4\x90\x80\x80\n") == "modules.txt:1: line is not valid UTF-8"); // U+110000
    CHECK(error_of("a b\xc3\n") == "modules.txt:1: line is not valid UTF-8");             // cut short
    CHECK(error_of("a b\x80\n") == "modules.txt:1: line is not valid UTF-8");             // stray continuation
    CHECK_NOTHROW(parse_manifest("a dir env=X=\xe2\x82\xac\xf0\x9f\x90\x8d\xf4\x8f\xbf\xbf\n", "m", "/", false));
}

TEST_CASE("manifest: a setting a few edits away from a known one is suggested") {
    CHECK(error_of("a b confgure=x\n") == "modules.txt:1: unknown setting 'confgure' (did you mean 'configure'?)");
    CHECK(error_of("a b bulid=pip\n") == "modules.txt:1: unknown setting 'bulid' (did you mean 'build'?)");
    CHECK(error_of("a b skips=x\n") == "modules.txt:1: unknown setting 'skips' (did you mean 'skip'?)");
    CHECK(error_of("a b rf=x\n") == "modules.txt:1: unknown setting 'rf' (did you mean 'ref'?)");
    // Three edits or more: no guess, the list.
    CHECK(error_of("a b sbd=x\n") ==
          "modules.txt:1: unknown setting 'sbd' (settings are: ref, subdir, skip, env, build, configure)");
}

TEST_CASE("manifest: local sources must exist") {
    test::TempDir dir;
    std::filesystem::create_directories(dir / "pkg");
    write_file_atomic(dir / "pkg.tar.gz", "x");
    write_file_atomic(dir / "notadir", "x");
    CHECK_NOTHROW(parse_manifest("a pkg\nb pkg.tar.gz\n", "modules.txt", dir.path(), true));
    CHECK(error_of("a nothere\n", true, dir.path()) ==
          "modules.txt:1: source 'nothere' does not exist (looked for " + (dir / "nothere").string() + ")");
    CHECK(error_of("a notadir\n", true, dir.path()).find("is neither a directory nor an archive") !=
          std::string::npos);
}

TEST_CASE("manifest: load_manifest names a missing file, and a directory given for the file") {
    CHECK_THROWS_WITH(load_manifest("/nonexistent/modules.txt"),
                      "/nonexistent/modules.txt: no such file (give the path of a modules.txt)");
    test::TempDir dir;
    CHECK_THROWS_WITH(load_manifest(dir.path()),
                      dir.path().string() + ": a directory, not a modules.txt (give the path of the file, e.g. " +
                          (dir / "modules.txt").string() + ")");
}

TEST_CASE("manifest: a UTF-8 byte-order mark at the start (as some editors write) is not part of the first name") {
    Manifest m = parse_manifest("\xEF\xBB\xBFkmhello /src/kmhello\n", "modules.txt", "/src", false);
    REQUIRE(m.modules.size() == 1);
    CHECK(m.modules[0].name == "kmhello");
    // Anywhere else it is a character like any other: not a name character.
    CHECK(error_of("a /src/a\n\xEF\xBB\xBF" "b /src/b\n").rfind("modules.txt:2: module name", 0) == 0);
}

TEST_CASE("glob_match") {
    CHECK(glob_match("pkg/*.so", "pkg/sub/a.so"));
    CHECK(glob_match("*_speedups*", "m/_speedups.cpython-311.so"));
    CHECK_FALSE(glob_match("pkg/a?.so", "pkg/abc.so"));
}

TEST_CASE("manifest: the interpreter line (build=cpython) goes first, once, and alone takes configure=") {
    auto m = parse_manifest("kmhello examples/kmhello\n"
                            "python Python-3.11.2.tar.xz build=cpython \"configure=--with-lto --without-doc-strings\"\n",
                            "modules.txt", "/src", false);
    REQUIRE(m.has_interpreter());
    CHECK(m.modules[0].name == "python");
    CHECK(m.modules[0].kind == SourceKind::Archive);
    CHECK(m.modules[0].configure == std::vector<std::string>{"--with-lto", "--without-doc-strings"});
    CHECK(m.modules[1].name == "kmhello");
    CHECK_FALSE(parse_manifest("a b\n", "modules.txt", "/src", false).has_interpreter());

    CHECK(error_of("p1 a.tar.gz build=cpython\np2 b.tar.gz build=cpython\n") ==
          "modules.txt:2: a second interpreter (build=cpython); the first is at modules.txt:1");
    CHECK(error_of("a dir configure=--with-lto\n") ==
          "modules.txt:1: configure= applies to the interpreter line (build=cpython) and library lines "
          "(build=cmake, autotools or meson) only");
    CHECK(error_of("a dir build=cpython configure=\n") ==
          "modules.txt:1: configure needs arguments for the build's configure step, e.g. configure=--with-lto");
}

TEST_CASE("manifest: --cpython adds the interpreter line, unless there is one or 'python' is taken") {
    test::TempDir dir;
    write_file_atomic(dir / "Python-3.11.2.tgz", "not really");
    auto m = parse_manifest("kmhello examples/kmhello\n", "modules.txt", dir.path(), false);
    add_cpython(m, "Python-3.11.2.tgz", dir.path());
    REQUIRE(m.has_interpreter());
    CHECK(m.modules[0].name == "python");
    CHECK(m.modules[0].origin == "--cpython");
    CHECK(m.modules[0].local_path == dir / "Python-3.11.2.tgz");

    CHECK_THROWS_WITH(add_cpython(m, "Python-3.11.2.tgz", dir.path()),
                      "--cpython: --cpython names the interpreter already (build=cpython); give one or the other");
    auto taken = parse_manifest("python examples/x\n", "modules.txt", dir.path(), false);
    CHECK_THROWS_WITH(add_cpython(taken, "Python-3.11.2.tgz", dir.path()),
                      Catch::Contains("the interpreter's module name 'python' is taken by modules.txt:1"));
    auto fresh = parse_manifest("a b\n", "modules.txt", dir.path(), false);
    CHECK_THROWS_WITH(add_cpython(fresh, "missing.tar.gz", dir.path()),
                      Catch::StartsWith("--cpython: source 'missing.tar.gz' does not exist"));
}
