#include "kmpack/cpython_source.h"

#include "kmpack/conventions.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "fake_runner.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace kmpack;
using kmpack::test::TempDir;

namespace {

// A machine's /etc/apt as Debian 12 writes it, with a third-party entry and a disabled one.
void write_etc_apt(const fs::path &etc) {
    fs::create_directories(etc / "sources.list.d");
    write_file_atomic(etc / "sources.list", "# comment\n"
                                            "deb [arch=amd64 signed-by=/k/extra.gpg] http://extra.example/debian "
                                            "bookworm main contrib # trailing\n"
                                            "deb-src http://old.example/debian bookworm main\n");
    write_file_atomic(etc / "sources.list.d" / "debian.sources",
                      "Types: deb\n"
                      "# http://snapshot.debian.org/archive/debian/20250520T000000Z\n"
                      "URIs: http://deb.debian.org/debian\n"
                      "Suites: bookworm bookworm-updates\n"
                      "Components: main\n"
                      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
                      "\n"
                      "Types: deb\n"
                      "URIs: http://deb.debian.org/debian-security\n"
                      "Suites: bookworm-security\n"
                      "Components: main\n"
                      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n");
    write_file_atomic(etc / "sources.list.d" / "off.sources",
                      "Types: deb\nURIs: http://off.example\nSuites: x\nComponents: main\nEnabled: no\n");
    write_file_atomic(etc / "sources.list.d" / "ignored.list.disabled", "deb http://ignored.example x main\n");
}

} // namespace

TEST_CASE("cpython_source: deb-src entries derived from the machine's deb entries, both formats") {
    TempDir dir;
    write_etc_apt(dir / "etc");
    std::vector<AptSource> sources = read_apt_sources(dir / "etc");
    REQUIRE(sources.size() == 4); // the disabled stanza and the .disabled file are not read
    CHECK(sources[0].signed_by == "/k/extra.gpg");
    CHECK(sources[0].components == std::vector<std::string>{"main", "contrib"});
    CHECK(sources[2].suites == std::vector<std::string>{"bookworm", "bookworm-updates"});
    CHECK(deb_src_list(sources) ==
          "# Written by kmpack from the machine's apt sources: the deb-src entries\n"
          "# `apt-get source` needs to fetch the CPython source.\n"
          "deb-src [signed-by=/k/extra.gpg] http://extra.example/debian bookworm main contrib\n"
          "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian "
          "bookworm main\n"
          "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian "
          "bookworm-updates main\n"
          "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security "
          "bookworm-security main\n");
    CHECK(python_release("3.11.2 (main, Apr 28 2025, 14:11:48) [GCC 12.2.0]") == "3.11.2");
}

TEST_CASE("cpython_source: apt-get source runs in the cache's own apt configuration, once") {
    TempDir dir;
    write_etc_apt(dir / "etc");
    test::FakeRunner runner;
    test::RecordingStatus status;
    runner.on({"apt-get"}, {"", {}, nullptr});
    // A mirror without Debian's patches: apt-get fails, but the upstream tarball is there.
    runner.on({"apt-get", "-q"}, {"E: Failed to fetch ...debian.tar.xz 404\n", {100, 0}, [](const Command &c) {
                   if (std::find(c.argv.begin(), c.argv.end(), "source") != c.argv.end())
                       write_file_atomic(c.cwd / "python3.11_3.11.2.orig.tar.gz", "tarball");
               }});
    fs::path got = default_cpython_source(dir / "cache", "3.11", "3.11.2", dir / "etc", runner, status);
    CHECK(got == dir / "cache" / "sources" / "python3.11" / "python3.11_3.11.2.orig.tar.gz");
    CHECK(read_file(got) == "tarball");
    auto sources = runner.matching({"apt-get"});
    REQUIRE(sources.size() == 2);
    const auto &argv = sources[1].argv;
    CHECK(std::find(argv.begin(), argv.end(), "Dir::Etc::SourceList=" + (dir / "cache/apt/sources.list").string()) !=
          argv.end());
    CHECK(std::find(argv.begin(), argv.end(), "Dir::State::Lists=" + (dir / "cache/apt/lists").string()) !=
          argv.end());
    CHECK(std::vector<std::string>(argv.end() - 3, argv.end()) ==
          std::vector<std::string>{"source", "--download-only", "python3.11"});
    CHECK(read_file(dir / "cache/apt/sources.list").find("deb-src [signed-by=") != std::string::npos);
    // Nothing half-written is left, and a second call fetches nothing.
    CHECK(fs::directory_iterator(dir / "cache" / "sources" / "python3.11") != fs::directory_iterator());
    for (const auto &e : fs::directory_iterator(dir / "cache" / "sources"))
        CHECK(!is_artifact_name(e.path().filename().string()));
    CHECK(default_cpython_source(dir / "cache", "3.11", "3.11.2", dir / "etc", runner, status) == got);
    CHECK(runner.matching({"apt-get"}).size() == 2);
}

TEST_CASE("cpython_source: no source to be had says so, with the two ways out") {
    TempDir dir;
    write_etc_apt(dir / "etc");
    test::FakeRunner runner;
    test::RecordingStatus status;
    runner.on({"apt-get"}, {"E: Unable to find a source package for python3.11\n", {100, 0}, nullptr});
    CHECK_THROWS_WITH(default_cpython_source(dir / "cache", "3.11", "3.11.2", dir / "etc", runner, status),
                      Catch::Contains("apt-get source python3.11 failed") &&
                          Catch::Contains("Unable to find a source package") && Catch::Contains("--cpython SRC") &&
                          Catch::Contains("--stdlib=system"));
    CHECK(!fs::exists(dir / "cache" / "sources" / "python3.11" / "python3.11_3.11.2.orig.tar.gz"));

    // Another release than --python's.
    runner.on({"apt-get", "-q"}, {"", {}, [](const Command &c) {
                   if (std::find(c.argv.begin(), c.argv.end(), "source") != c.argv.end())
                       write_file_atomic(c.cwd / "python3.11_3.11.9.orig.tar.xz", "other");
               }});
    CHECK_THROWS_WITH(default_cpython_source(dir / "cache", "3.11", "3.11.2", dir / "etc", runner, status),
                      Catch::Contains("gave python3.11_3.11.9.orig.tar.xz, not CPython 3.11.2"));

    // Another release, and apt-get fails on the .dsc the mirror lacks (pyenv's
    // 3.11.7 as --python, Debian's 3.11.2 in the archive): the release is the cause.
    runner.on({"apt-get", "-q"}, {"E: Failed to fetch .../python3.11_3.11.2-6.dsc  404  Not Found\n", {100, 0},
                                  [](const Command &c) {
                                      if (std::find(c.argv.begin(), c.argv.end(), "source") != c.argv.end())
                                          write_file_atomic(c.cwd / "python3.11_3.11.2.orig.tar.gz", "other");
                                  }});
    CHECK_THROWS_WITH(default_cpython_source(dir / "cache", "3.11", "3.11.7", dir / "etc", runner, status),
                      Catch::Contains("gave python3.11_3.11.2.orig.tar.gz, not CPython 3.11.7") &&
                          !Catch::Contains("failed") && Catch::Contains("--python an interpreter of release 3.11.2"));

    // No deb entry to derive from.
    fs::create_directories(dir / "empty");
    CHECK_THROWS_WITH(default_cpython_source(dir / "cache", "3.11", "3.11.2", dir / "empty", runner, status),
                      Catch::Contains("names no deb entry") && Catch::Contains("--stdlib=system"));

    // A cache that cannot be written.
    write_file_atomic(dir / "file", "");
    CHECK_THROWS_WITH(default_cpython_source(dir / "file", "3.11", "3.11.2", dir / "etc", runner, status),
                      Catch::Contains("not writable") && Catch::Contains("--cache-dir"));
}
