#include "kmpack/error.h"
#include "kmpack/source.h"
#include "test_util.h"

#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>
#include <chrono>

using namespace kmpack;
namespace fs = std::filesystem;

namespace {

struct Entry {
    std::string name;
    std::string content;     // for files
    std::string symlink;     // target, for links
};

// Writes a .tar.gz holding `entries`, with libarchive.
void write_tar(const fs::path &path, const std::vector<Entry> &entries) {
    struct archive *a = archive_write_new();
    archive_write_add_filter_gzip(a);
    archive_write_set_format_pax_restricted(a);
    REQUIRE(archive_write_open_filename(a, path.c_str()) == ARCHIVE_OK);
    for (const auto &e : entries) {
        struct archive_entry *entry = archive_entry_new();
        archive_entry_set_pathname(entry, e.name.c_str());
        if (!e.symlink.empty()) {
            archive_entry_set_filetype(entry, AE_IFLNK);
            archive_entry_set_symlink(entry, e.symlink.c_str());
        } else {
            archive_entry_set_filetype(entry, AE_IFREG);
            archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
        }
        archive_entry_set_perm(entry, 0644);
        archive_write_header(a, entry);
        if (e.symlink.empty())
            archive_write_data(a, e.content.data(), e.content.size());
        archive_entry_free(entry);
    }
    archive_write_close(a);
    archive_write_free(a);
}

ModuleSpec spec(SourceKind kind, const fs::path &local, const std::string &source = "") {
    ModuleSpec m;
    m.name = "pkg";
    m.kind = kind;
    m.local_path = local;
    m.source = source.empty() ? local.string() : source;
    m.origin = "modules.txt:1";
    return m;
}

} // namespace

TEST_CASE("source: an archive's single top directory holding setup.py is used") {
    test::TempDir dir;
    write_tar(dir / "pkg-1.0.tar.gz", {{"pkg-1.0/setup.py", "print(1)\n", ""}, {"pkg-1.0/pkg/__init__.py", "", ""}});
    SystemRunner runner;
    fs::path where = fetch_source(spec(SourceKind::Archive, dir / "pkg-1.0.tar.gz"), dir / "out", runner, dir / "log");
    CHECK(where == dir / "out/pkg-1.0");
    CHECK(read_file(where / "setup.py") == "print(1)\n");
}

TEST_CASE("source: archive entries escaping the destination are refused") {
    test::TempDir dir;
    write_tar(dir / "dotdot.tar.gz", {{"ok/setup.py", "", ""}, {"../evil", "x", ""}});
    CHECK_THROWS_WITH(extract_archive(dir / "dotdot.tar.gz", dir / "a"),
                      Catch::Contains("refusing entry '../evil'"));
    CHECK_FALSE(fs::exists(dir / "evil"));
    write_tar(dir / "abs.tar.gz", {{"/tmp/kmpack-evil", "x", ""}});
    CHECK_THROWS_WITH(extract_archive(dir / "abs.tar.gz", dir / "b"),
                      Catch::Contains("refusing entry '/tmp/kmpack-evil'"));
    write_tar(dir / "link.tar.gz", {{"up", "", "../../etc"}});
    CHECK_THROWS_WITH(extract_archive(dir / "link.tar.gz", dir / "c"),
                      Catch::Contains("refusing symbolic link 'up' -> '../../etc'"));
    write_tar(dir / "abslink.tar.gz", {{"etc", "", "/etc"}});
    CHECK_THROWS_WITH(extract_archive(dir / "abslink.tar.gz", dir / "d"), Catch::Contains("points outside"));
    write_tar(dir / "inlink.tar.gz", {{"a/file", "x", ""}, {"a/link", "", "file"}});
    CHECK_NOTHROW(extract_archive(dir / "inlink.tar.gz", dir / "e"));
    CHECK(fs::is_symlink(dir / "e/a/link"));
    write_file_atomic(dir / "corrupt.tar.gz", "not an archive at all");
    CHECK_THROWS_WITH(extract_archive(dir / "corrupt.tar.gz", dir / "f"), Catch::Contains("corrupt.tar.gz"));
}

TEST_CASE("source: a local directory is copied, never written") {
    test::TempDir dir;
    write_file_atomic(dir / "src/setup.py", "x\n");
    SystemRunner runner;
    fs::path where = fetch_source(spec(SourceKind::Directory, dir / "src"), dir / "copy", runner, dir / "log");
    CHECK(where == dir / "copy");
    CHECK(read_file(dir / "copy/setup.py") == "x\n");
    auto m = spec(SourceKind::Directory, dir / "src");
    m.subdir = "nothere";
    CHECK_THROWS_WITH(fetch_source(m, dir / "copy2", runner, dir / "log"),
                      "modules.txt:1: subdir 'nothere' does not exist in the source of 'pkg'");
    write_file_atomic(dir / "empty/README", "");
    CHECK_THROWS_WITH(fetch_source(spec(SourceKind::Directory, dir / "empty"), dir / "copy3", runner, dir / "log"),
                      Catch::Contains("no setup.py or pyproject.toml (a Python package), nor configure, CMakeLists.txt "
                                     "or meson.build (a C library), in the source of 'pkg'"));
    // A CPython source is known by its configure, also one directory down.
    auto cpython = spec(SourceKind::Directory, dir / "cpy");
    cpython.build = BuildKind::CPython;
    write_file_atomic(dir / "cpy/Python-3.11.2/configure", "#!/bin/sh\n");
    CHECK(fetch_source(cpython, dir / "copy4", runner, dir / "log") == dir / "copy4/Python-3.11.2");
    cpython.local_path = dir / "src";
    CHECK_THROWS_WITH(fetch_source(cpython, dir / "copy5", runner, dir / "log"),
                      Catch::Contains("no configure (a CPython source has one) in the source of 'pkg'"));
}

TEST_CASE("source: git over file:// with a ref") {
    test::TempDir dir;
    fs::path repo = dir / "repo";
    write_file_atomic(repo / "setup.py", "v1\n");
    auto git = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"});
        test::run(args, repo);
    };
    git({"init", "-q"});
    git({"add", "."});
    git({"commit", "-qm", "one"});
    git({"tag", "v1"});
    write_file_atomic(repo / "setup.py", "v2\n");
    git({"commit", "-qam", "two"});
    SystemRunner runner;
    auto m = spec(SourceKind::Git, {}, "file://" + repo.string());
    m.ref = "v1";
    fs::path where = fetch_source(m, dir / "clone", runner, dir / "log");
    CHECK(read_file(where / "setup.py") == "v1\n");
    m.ref = "";
    CHECK(read_file(fetch_source(m, dir / "clone2", runner, dir / "log") / "setup.py") == "v2\n");
    m.ref = "no-such-ref";
    CHECK_THROWS_WITH(fetch_source(m, dir / "clone3", runner, dir / "log"),
                      Catch::Contains("git ref 'no-such-ref' does not exist"));
    auto bad = spec(SourceKind::Git, {}, "file://" + (dir / "nothing").string());
    CHECK_THROWS_WITH(fetch_source(bad, dir / "clone4", runner, dir / "log"), Catch::Contains("git clone of"));
}

TEST_CASE("source: files keep their modification times, from a directory and from an archive") {
    // make compares them: an autotools release's configure must stay newer
    // than its configure.ac, or make runs autoconf.
    test::TempDir dir;
    write_file_atomic(dir / "src/configure.ac", "");
    write_file_atomic(dir / "src/configure", "");
    auto old = std::chrono::time_point_cast<std::chrono::seconds>(fs::file_time_type::clock::now() -
                                                                  std::chrono::hours(48));
    fs::last_write_time(dir / "src/configure.ac", old + std::chrono::hours(1));
    fs::last_write_time(dir / "src/configure", old + std::chrono::hours(2));
    SystemRunner runner;
    auto m = spec(SourceKind::Directory, dir / "src");
    m.build = BuildKind::Autotools;
    CHECK(fetch_source(m, dir / "copy", runner, dir / "log") == dir / "copy");
    CHECK(fs::last_write_time(dir / "copy/configure.ac") == old + std::chrono::hours(1));
    CHECK(fs::last_write_time(dir / "copy/configure") == old + std::chrono::hours(2));
    test::run({"tar", "-czf", (dir / "src.tar.gz").string(), "-C", dir.path().string(), "src"});
    m = spec(SourceKind::Archive, dir / "src.tar.gz");
    m.build = BuildKind::Autotools;
    CHECK(fetch_source(m, dir / "out", runner, dir / "log") == dir / "out/src");
    CHECK(fs::last_write_time(dir / "out/src/configure.ac") == old + std::chrono::hours(1));
    CHECK(fs::last_write_time(dir / "out/src/configure") == old + std::chrono::hours(2));
}
