// The files beside a .so and the stamp that vouches for them: a set is
// current only while every file is as the stamp recorded it.
#include "kmpack/artifacts.h"
#include "kmpack/conventions.h"
#include "kmpack/fs.h"
#include "kmpack/postprocess.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace kmpack;
namespace fs = std::filesystem;

namespace {

const std::string kMd5 = "0123456789abcdef0123456789abcdef";
const std::string kStampText = "kmpack-identity\n" + kMd5 + "\n";

// A complete set for `so` as postprocess_so() leaves it, the stamp last.
void write_set(const fs::path &so) {
    ArtifactRecord r;
    r.kmpack_version = KMPACK_VERSION;
    r.so_name = so.filename().string();
    r.path = "pkg/" + r.so_name;
    r.md5 = r.digest = kMd5;
    r.id = "m_" + kMd5 + "_km";
    write_file_atomic(so, "the .so");
    write_file_atomic(artifact_path(so, Artifact::Record), artifact_text(r));
    write_file_atomic(artifact_path(so, Artifact::Symmap), "f f_" + kMd5 + "_km\n");
    write_file_atomic(artifact_path(so, Artifact::SymbolsC), "/* the table */\n");
    write_file_atomic(artifact_path(so, Artifact::Archive), "!<arch>\n" + std::string(4096, '\x7f'));
    write_stamp(so, kStampText);
}

void overwrite_in_place(const fs::path &file, size_t at, size_t count) {
    std::string bytes = read_file(file);
    REQUIRE(at + count <= bytes.size());
    bytes.replace(at, count, std::string(count, '\xcc'));
    write_file_atomic(file, bytes);
}

} // namespace

TEST_CASE("artifacts: the stamp records each file of the set, and the set is current while they match") {
    test::TempDir dir;
    fs::path so = dir / "pkg/m.cpython-311-x86_64-linux-gnu.so";
    write_set(so);
    std::optional<StampRecord> stamp = read_stamp(artifact_stem(so));
    REQUIRE(stamp);
    CHECK(stamp->module == kStampText);
    CHECK(stamp->files.size() == 4);
    CHECK(stamp->files.at("m.cpython-311-x86_64-linux-gnu.km.lib.a") ==
          fingerprint(artifact_path(so, Artifact::Archive)));
    CHECK(damaged_artifact(artifact_stem(so), *stamp) == "");

    std::string damage = "(none)";
    REQUIRE(current_artifacts(so, kMd5, kMd5, kStampText, &damage));
    CHECK(damage == "(none)");
    // Made for other inputs (another kmpack, another digest): not current, not damaged.
    CHECK_FALSE(current_artifacts(so, kMd5, kMd5, "another kmpack\n", &damage));
    CHECK_FALSE(current_artifacts(so, "ffff", kMd5, kStampText, &damage));
    CHECK(damage == "(none)");
}

TEST_CASE("artifacts: a file of the set damaged in place, emptied or removed is named, and the set is not current") {
    test::TempDir dir;
    fs::path so = dir / "pkg/m.so";
    fs::path archive = artifact_path(so, Artifact::Archive);
    write_set(so);

    SECTION("an archive overwritten in place, same size") {
        overwrite_in_place(archive, 100, 64);
        std::string damage;
        CHECK_FALSE(current_artifacts(so, kMd5, kMd5, kStampText, &damage));
        CHECK(damage == archive.string() + ": damaged since kmpack wrote it (same size, another MD5)");
        CHECK(damaged_artifact(artifact_stem(so), *read_stamp(artifact_stem(so))) == damage);
    }
    SECTION("the record emptied") {
        fs::path record = artifact_path(so, Artifact::Record);
        uintmax_t size = fs::file_size(record);
        write_file_atomic(record, "");
        std::string damage;
        CHECK_FALSE(current_artifacts(so, kMd5, kMd5, kStampText, &damage));
        CHECK(damage == record.string() + ": damaged since kmpack wrote it (0 bytes, " + std::to_string(size) +
                            " when written)");
    }
    SECTION("the symbol map removed") {
        fs::remove(artifact_path(so, Artifact::Symmap));
        std::string damage;
        CHECK_FALSE(current_artifacts(so, kMd5, kMd5, kStampText, &damage));
        CHECK(damage == artifact_path(so, Artifact::Symmap).string() + ": missing");
    }
    SECTION("no stamp, or one an earlier kmpack wrote: incomplete, not damaged") {
        for (std::string text : {std::string(), kStampText, std::string("{\"module\": 1}")}) {
            if (text.empty())
                fs::remove(artifact_path(so, Artifact::Stamp));
            else
                write_file_atomic(artifact_path(so, Artifact::Stamp), text);
            std::string damage;
            CHECK_FALSE(current_artifacts(so, kMd5, kMd5, kStampText, &damage));
            CHECK(damage.empty());
            CHECK_FALSE(read_stamp(artifact_stem(so)));
        }
    }
    SECTION("written again, the set is current again") {
        overwrite_in_place(archive, 0, 8);
        write_set(so);
        CHECK(current_artifacts(so, kMd5, kMd5, kStampText));
    }
}
