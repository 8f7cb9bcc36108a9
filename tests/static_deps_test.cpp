#include "kmpack/static_deps.h"
#include "test_util.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace kmpack;

namespace {

size_t position(const std::vector<std::string> &v, const std::string &x) {
    return static_cast<size_t>(std::find(v.begin(), v.end(), x) - v.begin());
}

} // namespace

TEST_CASE("static_deps: pkg-config --static names what a static archive needs") {
    // Debian's libreadline.a needs libtinfo.a; its shared library says so itself.
    auto readline = static_companions(test::system_runner(), "readline");
    CHECK(std::find(readline.begin(), readline.end(), "tinfo") != readline.end());
    CHECK(std::find(readline.begin(), readline.end(), "readline") == readline.end());
    // Found as lib<name> too: "ssl" is pkg-config's libssl.
    auto ssl = static_companions(test::system_runner(), "ssl");
    CHECK(std::find(ssl.begin(), ssl.end(), "crypto") != ssl.end());
    CHECK(static_companions(test::system_runner(), "kmpack-no-such-library").empty());
    CHECK(static_companions(test::system_runner(), ":libfoo.a").empty());
    CHECK(static_companions(test::system_runner(), "--version").empty());
}

TEST_CASE("static_deps: every library once, after everything that needs it") {
    auto libs = with_static_companions(test::system_runner(), {"readline", "ncursesw", "z"});
    CHECK(std::count(libs.begin(), libs.end(), "tinfo") == 1);
    CHECK(position(libs, "tinfo") > position(libs, "readline"));
    CHECK(position(libs, "tinfo") > position(libs, "ncursesw"));
    CHECK(position(libs, "z") < libs.size());
    CHECK(with_static_companions(test::system_runner(), {}).empty());
}
