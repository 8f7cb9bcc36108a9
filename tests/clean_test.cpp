#include "kmpack/clean.h"
#include "kmpack/error.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace kmpack;
namespace fs = std::filesystem;

TEST_CASE("clean: keeps dist/ unless --all, and refuses other directories") {
    test::TempDir dir;
    fs::path b = dir / "kb";
    write_file_atomic(b / "kmpack-build.json", "{}");
    write_file_atomic(b / "modules/a/build.log", "x");
    write_file_atomic(b / "payload/km_dl.o", "x");
    write_file_atomic(b / "dist/python.km", "x");
    auto removed = clean_build(b, false);
    CHECK(removed.size() == 3);
    CHECK_FALSE(fs::exists(b / "modules"));
    CHECK_FALSE(fs::exists(b / "kmpack-build.json"));
    CHECK(fs::exists(b / "dist/python.km"));

    write_file_atomic(b / "modules/a/build.log", "x");
    clean_build(b, true);
    CHECK_FALSE(fs::exists(b));
    CHECK(clean_build(b, true).empty()); // nothing there: nothing to do

    write_file_atomic(dir / "precious/file.txt", "keep me");
    CHECK_THROWS_WITH(clean_build(dir / "precious", true), Catch::Contains("not a kmpack build directory"));
    CHECK(fs::exists(dir / "precious/file.txt"));
}

TEST_CASE("clean: removes what a killed kmpack left in dist/, and keeps dist/ itself") {
    test::TempDir dir;
    fs::path b = dir / "kb";
    write_file_atomic(b / "kmpack-build.json", "{}");
    write_file_atomic(b / "dist/python.km", "x");
    write_file_atomic(b / "dist/.python.km.tmp.2147480000.0", "half a link"); // no such process
    write_file_atomic(b / "dist/.lib.tmp.2147480000.1/m.py", "");
    write_file_atomic(b / ".kmpack-build.json.tmp.2147480000.2", "{");
    auto removed = clean_build(b, false);
    CHECK(removed == std::vector<fs::path>{b / ".kmpack-build.json.tmp.2147480000.2",
                                           b / "dist/.lib.tmp.2147480000.1", b / "dist/.python.km.tmp.2147480000.0",
                                           b / "kmpack-build.json"});
    CHECK(fs::exists(b / "dist/python.km"));
}
