// The module cache: publishing an entry atomically, fetching it file by
// file against its manifest, and every way an entry can be bad.
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/interpreter.h"
#include "kmpack/module_cache.h"
#include "fake_runner.h"
#include "test_util.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

using namespace kmpack;
namespace fs = std::filesystem;

namespace {

// A module's work directory in small: files in subdirectories, an
// executable, a symbolic link and an empty directory.
void write_tree(const fs::path &dir) {
    write_file_atomic(dir / "kmpack-module.json", "{\"key\": \"k\"}\n");
    write_file_atomic(dir / "capture.jsonl", "{}\n");
    write_file_atomic(dir / "lib/pkg/_m.so", std::string(5000, 'x'));
    write_file_atomic(dir / "lib/pkg/_m.km.lib.a", "!<arch>\n");
    write_file_atomic(dir / "tool.sh", "#!/bin/sh\n");
    fs::permissions(dir / "tool.sh", fs::perms::owner_all);
    fs::create_directories(dir / "maps");
    fs::create_symlink("pkg/_m.so", dir / "lib/link.so");
}

std::vector<std::string> names_in(const fs::path &dir) {
    std::vector<std::string> names;
    for (const auto &e : fs::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// Fetches `entry` for key "k" into a fresh directory: why it is bad, or "".
std::string fetch_why(const fs::path &entry, const fs::path &to) {
    auto why = fetch_entry(entry, to, "k");
    REQUIRE(why.has_value());
    return *why;
}

} // namespace

TEST_CASE("module cache: an entry published and fetched is the same tree, files, modes, links and empty directories") {
    test::TempDir dir;
    write_tree(dir / "work");
    fs::path entry = module_cache_entry(dir / "cache", "k");
    CHECK(entry == dir / "cache/modules/k");
    REQUIRE(publish_entry(dir / "work", entry, "k"));
    CacheManifest manifest = read_cache_manifest(entry / kCacheManifestName);
    CHECK(manifest.format == kModuleCacheFormat);
    CHECK(manifest.key == "k");
    CHECK(manifest.files.at("lib/pkg/_m.so").size == 5000);
    CHECK(manifest.links.at("lib/link.so") == "pkg/_m.so");
    CHECK(std::find(manifest.dirs.begin(), manifest.dirs.end(), "maps") != manifest.dirs.end());
    // Nothing but the entry is left in the cache.
    CHECK(names_in(dir / "cache/modules") == std::vector<std::string>{"k"});

    write_file_atomic(dir / "b/old-file", "what the fetch replaces");
    CHECK(fetch_why(entry, dir / "b/work") == "");
    CHECK(tree_mismatch(dir / "b/work", manifest, "k") == "");
    CHECK(read_file(dir / "b/work/lib/pkg/_m.so") == std::string(5000, 'x'));
    CHECK(fs::read_symlink(dir / "b/work/lib/link.so") == "pkg/_m.so");
    CHECK(fs::is_directory(dir / "b/work/maps"));
    CHECK((fs::status(dir / "b/work/tool.sh").permissions() & fs::perms::owner_exec) != fs::perms::none);
    CHECK(names_in(dir / "b") == std::vector<std::string>{"old-file", "work"});
    // Fetched again over itself: the same.
    CHECK(fetch_why(entry, dir / "b/work") == "");
    CHECK(describe_tree(dir / "b/work", "k", {}).files == manifest.files);
}

TEST_CASE("module cache: of a build's working directories an entry holds only the files needed, and the way to them") {
    test::TempDir dir;
    write_tree(dir / "work");
    write_file_atomic(dir / "work/src/pkg/m.c", "int m;\n");
    write_file_atomic(dir / "work/src/pkg/build/temp/m.o", "object");
    write_file_atomic(dir / "work/src/pkg/build/temp/m.d", "depfile");
    write_file_atomic(dir / "work/src/target/release/deps/libx.rlib", "rlib");
    write_file_atomic(dir / "work/src/target/release/build/script", "a build script");
    write_file_atomic(dir / "work/rust-temp/rustcAbC/symbols.o", "temporary");
    write_file_atomic(dir / "work/srcs/kept.txt", "not below src/: kept");
    TreeSelection selection;
    selection.scratch = {"src", "rust-temp"};
    selection.needed = {"src/pkg/build/temp/m.o", "src/target/release/deps/libx.rlib"};
    selection.leave_out = {"tool.sh"};
    fs::path entry = module_cache_entry(dir / "cache", "k");
    REQUIRE(publish_entry(dir / "work", entry, "k", selection));
    CacheManifest manifest = read_cache_manifest(entry / kCacheManifestName);
    std::vector<std::string> files;
    for (const auto &[rel, fp] : manifest.files)
        files.push_back(rel);
    CHECK(files == std::vector<std::string>{"capture.jsonl", "kmpack-module.json", "lib/pkg/_m.km.lib.a",
                                            "lib/pkg/_m.so", "src/pkg/build/temp/m.o",
                                            "src/target/release/deps/libx.rlib", "srcs/kept.txt"});
    CHECK(manifest.dirs == std::vector<std::string>{"lib", "lib/pkg", "maps", "src", "src/pkg", "src/pkg/build",
                                                    "src/pkg/build/temp", "src/target", "src/target/release",
                                                    "src/target/release/deps", "srcs"});
    CHECK(manifest.links.count("lib/link.so"));
    CHECK_FALSE(fs::exists(entry / "tree/rust-temp"));
    CHECK(fetch_why(entry, dir / "b/work") == "");
    CHECK(read_file(dir / "b/work/src/pkg/build/temp/m.o") == "object");
    CHECK_FALSE(fs::exists(dir / "b/work/src/pkg/m.c"));
}

TEST_CASE("module cache: no entry is no entry, not a bad one") {
    test::TempDir dir;
    CHECK_FALSE(fetch_entry(dir / "cache/modules/k", dir / "work", "k").has_value());
    CHECK_FALSE(fs::exists(dir / "work"));
}

TEST_CASE("module cache: a damaged, truncated, missing or extra-keyed file makes the entry bad, and nothing is fetched") {
    test::TempDir dir;
    write_tree(dir / "work");
    fs::path entry = dir / "cache/modules/k";
    auto fresh = [&] {
        fs::remove_all(entry);
        REQUIRE(publish_entry(dir / "work", entry, "k"));
    };
    fs::path so = entry / "tree/lib/pkg/_m.so";

    fresh();
    write_file_atomic(so, std::string(4999, 'x') + "y"); // same size
    CHECK(fetch_why(entry, dir / "to") == so.string() + ": another MD5 than when stored");
    CHECK_FALSE(fs::exists(dir / "to"));

    fresh();
    write_file_atomic(so, "short");
    CHECK(fetch_why(entry, dir / "to") == so.string() + ": 5 bytes, 5000 when stored");

    fresh();
    fs::remove(so);
    CHECK(fetch_why(entry, dir / "to") == so.string() + ": missing");

    // What was there stays when the entry is bad.
    write_file_atomic(dir / "to/kept", "mine");
    CHECK(fetch_why(entry, dir / "to") == so.string() + ": missing");
    CHECK(read_file(dir / "to/kept") == "mine");
    CHECK(names_in(dir.path()) == std::vector<std::string>{"cache", "to", "work"});

    fresh();
    CHECK(fetch_entry(entry, dir / "to", "another").value() ==
          (entry / kCacheManifestName).string() + ": for the key k, not another");
}

TEST_CASE("module cache: a partial entry, an unreadable manifest or another format is bad, saying which") {
    test::TempDir dir;
    write_tree(dir / "work");
    fs::path entry = dir / "cache/modules/k";
    fs::path manifest = entry / kCacheManifestName;
    REQUIRE(publish_entry(dir / "work", entry, "k"));
    std::string good = read_file(manifest);

    fs::remove(manifest); // a tree without its manifest
    CHECK(fetch_why(entry, dir / "to") == manifest.string() + ": missing");

    write_file_atomic(manifest, good.substr(0, good.size() / 2));
    CHECK_THAT(fetch_why(entry, dir / "to"), Catch::StartsWith(manifest.string() + ": not a manifest ("));

    write_file_atomic(manifest, "[1, 2]");
    CHECK(fetch_why(entry, dir / "to") == manifest.string() + ": not a manifest (no format)");

    auto other = nlohmann::json::parse(good);
    other["format"] = kModuleCacheFormat + 1;
    other["kmpack"] = "9.9.9";
    other["files"] = "laid out otherwise";
    write_file_atomic(manifest, other.dump());
    CHECK(fetch_why(entry, dir / "to") == manifest.string() + ": written in cache format " +
                                              std::to_string(kModuleCacheFormat + 1) +
                                              " (kmpack 9.9.9); this kmpack reads format " +
                                              std::to_string(kModuleCacheFormat));

    auto wrong_field = nlohmann::json::parse(good);
    wrong_field["files"] = "not a map";
    write_file_atomic(manifest, wrong_field.dump());
    CHECK_THAT(fetch_why(entry, dir / "to"), Catch::StartsWith(manifest.string() + ": "));
    CHECK_FALSE(fs::exists(dir / "to"));
}

TEST_CASE("module cache: the loser of a publishing race discards its copy; the winner's entry is whole") {
    test::TempDir dir;
    write_tree(dir / "work");
    fs::path entry = dir / "cache/modules/k";
    REQUIRE(publish_entry(dir / "work", entry, "k"));
    CHECK_FALSE(publish_entry(dir / "work", entry, "k"));

    fs::remove_all(dir / "cache");
    std::vector<std::thread> threads;
    std::atomic<int> won{0}, failed{0};
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            try {
                won += publish_entry(dir / "work", entry, "k") ? 1 : 0;
            } catch (...) {
                ++failed;
            }
        });
    for (auto &t : threads)
        t.join();
    CHECK(won == 1);
    CHECK(failed == 0);
    CHECK(names_in(dir / "cache/modules") == std::vector<std::string>{"k"});
    CHECK(fetch_why(entry, dir / "to") == "");
}

TEST_CASE("module cache: fetches while another thread replaces a bad entry never give a wrong tree") {
    test::TempDir dir;
    write_tree(dir / "work");
    test::RecordingStatus status;
    ModuleCache cache(dir / "cache", status);
    cache.store("m", "k", dir / "work");
    CacheManifest manifest = read_cache_manifest(dir / "cache/modules/k" / kCacheManifestName);
    std::vector<std::thread> threads;
    std::atomic<int> wrong{0};
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&, i] {
            for (int round = 0; round < 20; ++round) {
                fs::path to = dir / ("to" + std::to_string(i));
                if (i == 0 && round % 2 == 0) {
                    discard_entry(dir / "cache/modules/k");
                    cache.store("m", "k", dir / "work");
                } else if (cache.fetch("m", "k", to) && tree_mismatch(to, manifest, "k") != "") {
                    ++wrong;
                }
            }
        });
    for (auto &t : threads)
        t.join();
    CHECK(wrong == 0);
}

TEST_CASE("module cache: a bad entry is warned about in one line, removed, and stored again") {
    test::TempDir dir;
    write_tree(dir / "work");
    test::RecordingStatus status;
    ModuleCache cache(dir / "cache", status);
    cache.store("m", "k", dir / "work");
    fs::path entry = dir / "cache/modules/k";
    write_file_atomic(entry / "tree/capture.jsonl", "[]\n");
    CHECK_FALSE(cache.fetch("m", "k", dir / "to"));
    REQUIRE(status.lines().size() == 1);
    CHECK(status.lines()[0] == "m: warning: the module cache's entry " + entry.string() + " is bad (" +
                                   (entry / "tree/capture.jsonl").string() +
                                   ": another MD5 than when stored); building m and storing it again");
    CHECK_FALSE(fs::exists(entry));
    cache.store("m", "k", dir / "work");
    CHECK(cache.fetch("m", "k", dir / "to"));
    CHECK(status.lines().size() == 1);
}

TEST_CASE("module cache: a cache directory that cannot be written is warned about once; the build goes on") {
    test::TempDir dir;
    write_tree(dir / "work");
    write_file_atomic(dir / "file", "not a directory");
    test::RecordingStatus status;
    ModuleCache cache(dir / "file", status);
    CHECK_FALSE(cache.fetch("m", "k", dir / "to"));
    cache.store("m", "k", dir / "work");
    cache.store("n", "l", dir / "work");
    REQUIRE(status.lines().size() == 1);
    CHECK_THAT(status.lines()[0], Catch::StartsWith("warning: the module cache " +
                                                    (dir / "file/modules").string() + " cannot be written (") &&
                                      Catch::EndsWith("): modules are built, not stored (see --cache-dir, "
                                                      "--no-module-cache)"));
}

TEST_CASE("module cache: a publisher killed half-way leaves a temporary the next build sweeps, never an entry") {
    test::TempDir dir;
    fs::path dead = dir / "cache/modules/.k.tmp.2147480000.0";
    write_file_atomic(dead / "tree/lib/pkg/_m.so", "half");
    test::RecordingStatus status;
    ModuleCache cache(dir / "cache", status);
    CHECK_FALSE(fs::exists(dead));
    CHECK_FALSE(cache.fetch("m", "k", dir / "to"));
}

TEST_CASE("module cache: an interpreter's manifest leaves out its record, and finds what changed since") {
    test::TempDir dir;
    write_tree(dir / "interp");
    CacheManifest m = describe_tree(dir / "interp", "ik", TreeSelection{{"kmpack-module.json"}, {}, {}});
    CHECK_FALSE(m.files.count("kmpack-module.json"));
    write_file_atomic(dir / "interp/kmpack-module.json", "{\"key\": \"rewritten\"}\n");
    CHECK(tree_mismatch(dir / "interp", m, "ik") == "");
    CHECK(tree_mismatch(dir / "interp", m, "other") == "its manifest is for the key ik, not other");
    fs::remove(dir / "interp/lib/pkg/_m.km.lib.a");
    CHECK(tree_mismatch(dir / "interp", m, "ik") == (dir / "interp/lib/pkg/_m.km.lib.a").string() + ": missing");
    m.format = 0;
    CHECK(tree_mismatch(dir / "interp", m, "ik") ==
          "written in cache format 0, this kmpack reads format " + std::to_string(kModuleCacheFormat));
}

TEST_CASE("module cache: an interpreter built in the cache is checked against its manifest, its record aside") {
    test::TempDir dir;
    ModuleLayout dirs{dir / "interpreters/ik"};
    write_tree(dirs.work);
    fs::remove(dirs.record());
    write_interpreter_manifest(dirs, "ik");
    write_file_atomic(dirs.record(), "{\"key\": \"ik\"}\n"); // written after the manifest
    CHECK(damaged_interpreter(dirs, "ik") == "");
    write_file_atomic(dirs.work / "install/new-file", "a file the manifest does not list is no damage");
    CHECK(damaged_interpreter(dirs, "ik") == "");
    write_file_atomic(dirs.work / "lib/pkg/_m.km.lib.a", "!<arcX>\n");
    CHECK(damaged_interpreter(dirs, "ik") ==
          (dirs.work / "lib/pkg/_m.km.lib.a").string() + ": damaged since kmpack wrote it (same size, another MD5)");
    write_file_atomic(dirs.work / kCacheManifestName, "{");
    CHECK_THAT(damaged_interpreter(dirs, "ik"),
               Catch::StartsWith((dirs.work / kCacheManifestName).string() + ": not a manifest ("));
    // No manifest (an earlier kmpack's build) or no record (not built): nothing to say.
    fs::remove(dirs.work / kCacheManifestName);
    CHECK(damaged_interpreter(dirs, "ik") == "");
    fs::remove(dirs.record());
    CHECK(damaged_interpreter(dirs, "ik") == "");
}
