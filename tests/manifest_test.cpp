#include "kmpack/error.h"
#include "kmpack/manifest.h"

#include <catch2/catch.hpp>

using namespace kmpack;

TEST_CASE("manifest: a good line") {
    auto m = parse_manifest("kmhello examples/kmhello\n", "modules.txt", "/src", false);
    REQUIRE(m.modules.size() == 1);
    CHECK(m.modules[0].name == "kmhello");
}
