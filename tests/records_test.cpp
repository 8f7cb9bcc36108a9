#include "kmpack/records.h"

#include "kmpack/fs.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace kmpack;

namespace {

ArtifactRecord sample_artifact() {
    ArtifactRecord r;
    r.kmpack_version = "0.1.0";
    r.so_name = "m.so";
    r.path = "pkg/m.so";
    r.md5 = r.digest = "0123456789abcdef0123456789abcdef";
    r.id = "m_" + r.md5 + "_km";
    r.objects = {{"build/m.o", 3, "ffff"}};
    r.libs = {"z"};
    // Names that need JSON escapes, and non-ASCII ones: the fast writer
    // must agree with nlohmann's byte for byte.
    r.exports = {{"PyInit_m", "PyInit_m_x_km", "function", "global", 0, "build/m.o"},
                 {"we\"ird\\name\t", "w_x_km", "data", "weak", 8, "libx.a(o\x01.o)"},
                 {"caf\xc3\xa9", "c_x_km", "data", "unique", 4, "\xe2\x82\xac.o"}};
    r.sections = {{".init_array", "km_init_x"}};
    return r;
}

} // namespace

TEST_CASE("records: the fast artifact writer gives exactly nlohmann's text") {
    ArtifactRecord r = sample_artifact();
    CHECK(artifact_text(r) == json_text(nlohmann::json(r)));
    r.exports.clear();
    CHECK(artifact_text(r) == json_text(nlohmann::json(r)));
}

TEST_CASE("records: each record reads back what was written") {
    ArtifactRecord a = sample_artifact();
    ArtifactRecord back = record_from_text<ArtifactRecord>(artifact_text(a), "m.km.json");
    CHECK(nlohmann::json(back) == nlohmann::json(a));

    BuildRecord b;
    b.manifest = "/p/modules.txt";
    b.python.executable = "/usr/bin/python3";
    b.python.libpl = "/usr/lib/python3.11/config";
    b.python.cc = {"gcc", "-pthread"};
    b.modules.push_back({"m", "src", "key", "modules/m/lib", "modules/m/build.log", {"a note"},
                         {{"pkg/m.so", "m_x_km", "modules/m/lib/pkg/m.km", 1, 2, {"z"}, {"/opt/lib"}, {}, true}}});
    BuildRecord b2 = record_from_text<BuildRecord>(json_text(nlohmann::json(b)), "kmpack-build.json");
    CHECK(nlohmann::json(b2) == nlohmann::json(b));
    CHECK(b2.python.libpl == "/usr/lib/python3.11/config");
    CHECK(b2.modules.at(0).shared_objects.at(0).cxx);
}

TEST_CASE("records: a damaged record is an error naming the file, in kmpack's words") {
    test::TempDir dir;
    fs::path file = dir / "kmpack-build.json";
    write_file_atomic(file, "{\"kmpack_build\": 1, \"manifest\": ");
    CHECK_THROWS_WITH(load_record<BuildRecord>(file),
                      Catch::StartsWith(file.string() + ": not valid JSON (") &&
                          !Catch::Contains("[json.exception") && Catch::Contains("run 'kmpack build' again"));
    write_file_atomic(file, "{\"kmpack_build\": 1}");
    CHECK_THROWS_WITH(load_record<BuildRecord>(file),
                      Catch::StartsWith(file.string() + ": not a record this kmpack") && Catch::Contains("'manifest'") &&
                          !Catch::Contains("[json.exception"));
    write_file_atomic(file, "{\"key\": 7, \"package_dir\": \"src\"}");
    CHECK_THROWS_WITH(load_record<ModuleBuildRecord>(file),
                      Catch::StartsWith(file.string() + ": not a record") && Catch::Contains("number"));
    CHECK_THROWS_WITH(load_record<ModuleBuildRecord>(dir / "missing.json"), Catch::Contains("missing.json"));
}

TEST_CASE("records: write_record leaves an unchanged file alone") {
    test::TempDir dir;
    fs::path file = dir / "m.json";
    CHECK(write_record(file, ModuleBuildRecord{"k", "src", {}, "/w"}));
    CHECK_FALSE(write_record(file, ModuleBuildRecord{"k", "src", {}, "/w"}));
    CHECK(write_record(file, ModuleBuildRecord{"k2", "src", {}, "/w"}));
    CHECK(load_record<ModuleBuildRecord>(file).key == "k2");
}
