// A module's record of its last build, and the files it vouches for.
#include "kmpack/build_cache.h"
#include "kmpack/conventions.h"
#include "kmpack/fs.h"
#include "kmpack/records.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace kmpack;
namespace fs = std::filesystem;

namespace {

// What a finished package build leaves that later runs read again.
ModuleLayout finished_build(const test::TempDir &dir) {
    ModuleLayout m{dir / "modules/pkg"};
    write_file_atomic(m.capture_log(), "{\"argv\": [\"gcc\", \"-c\", \"m.c\"], \"cwd\": \"/w\", \"exit\": 0}\n"
                                       "{\"argv\": [\"gcc\", \"-shared\"], \"cwd\": \"/w\", \"exit\": 0, "
                                       "\"map\": \"/w/maps/1.map\"}\n");
    write_file_atomic(m.maps() / "1.map", "Archive member included to satisfy reference by file (symbol)\n");
    write_file_atomic(m.source() / "pkg/setup.py", "");
    return m;
}

} // namespace

TEST_CASE("build cache: the record of a build vouches for its capture log and linker maps") {
    test::TempDir dir;
    ModuleLayout m = finished_build(dir);
    record_module(m.work, "key1", m.source() / "pkg");
    std::optional<ModuleBuildRecord> r = recorded_build(m.work);
    REQUIRE(r);
    CHECK(r->key == "key1");
    CHECK(r->package_dir == "src/pkg");
    CHECK_FALSE(r->legacy);
    CHECK(r->files.size() == 2);
    CHECK(r->files.at("capture.jsonl") == fingerprint(m.capture_log()));
    CHECK(r->files.count("maps/1.map") == 1);
    CHECK(damaged_build_file(m.work, *r) == "");
}

TEST_CASE("build cache: an emptied capture log or a changed map is named as damaged") {
    test::TempDir dir;
    ModuleLayout m = finished_build(dir);
    record_module(m.work, "key1", m.source() / "pkg");
    ModuleBuildRecord r = *recorded_build(m.work);
    uintmax_t size = fs::file_size(m.capture_log());

    SECTION("the capture log emptied") {
        write_file_atomic(m.capture_log(), "");
        CHECK(damaged_build_file(m.work, r) == m.capture_log().string() + ": damaged since kmpack wrote it (0 bytes, " +
                                                   std::to_string(size) + " when written)");
    }
    SECTION("a map changed in place, or removed") {
        std::string text = read_file(m.maps() / "1.map");
        text[0] = 'X';
        write_file_atomic(m.maps() / "1.map", text);
        CHECK(damaged_build_file(m.work, r) ==
              (m.maps() / "1.map").string() + ": damaged since kmpack wrote it (same size, another MD5)");
        fs::remove(m.maps() / "1.map");
        CHECK(damaged_build_file(m.work, r) == (m.maps() / "1.map").string() + ": missing");
    }
    SECTION("an unreadable record is no record") {
        write_file_atomic(m.record(), "{\"key\": ");
        CHECK_FALSE(recorded_build(m.work));
        fs::remove(m.record());
        CHECK_FALSE(recorded_build(m.work));
    }
}

TEST_CASE("build cache: an earlier kmpack's record, without files, is read and has nothing to check") {
    test::TempDir dir;
    ModuleLayout m = finished_build(dir);
    write_file_atomic(m.record(), "{\n  \"key\": \"k\",\n  \"package_dir\": \"src/pkg\"\n}\n");
    std::optional<ModuleBuildRecord> r = recorded_build(m.work);
    REQUIRE(r);
    CHECK(r->legacy);
    CHECK(r->files.empty());
    CHECK(damaged_build_file(m.work, *r) == "");
    // A build this kmpack records has them.
    record_module(m.work, r->key, m.work / r->package_dir);
    CHECK_FALSE(recorded_build(m.work)->legacy);
    CHECK(recorded_build(m.work)->files.size() == 2);
}
