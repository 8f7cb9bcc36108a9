#include "kmpack/python_info.h"

#include "kmpack/error.h"
#include "fake_runner.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace kmpack;

namespace {

const std::vector<std::string> kQueryPrefix = {"py", "-E", "-S", "-c"};

std::string error_of(test::FakeRunner &runner, const std::string &python = "py") {
    try {
        query_python(runner, python);
    } catch (const Error &e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("python_info: sysconfig answers become a PythonInfo") {
    test::FakeRunner runner;
    runner.on(kQueryPrefix, {test::python_query_reply("py", "cc"), {}, nullptr});
    PythonInfo info = query_python(runner, "py");
    CHECK(info.executable == "py");
    CHECK(info.version == "3.11");
    CHECK(info.cc == std::vector<std::string>{"cc", "-pthread"});
    CHECK(info.link_libs == std::vector<std::string>{"-lexpat", "-lz", "-lm"});
    CHECK(info.prefix == "/fake");
    CHECK(info.stdlib == "/fake/lib/python3.11");
    REQUIRE(runner.commands().size() == 1);
}

TEST_CASE("python_info: a Python older than 3.11, Python 2 included, is refused with the reason") {
    test::FakeRunner runner;
    auto reply = nlohmann::json::parse(test::python_query_reply("py"));
    reply["version"] = "3.10";
    runner.on(kQueryPrefix, {reply.dump(), {}, nullptr});
    CHECK(error_of(runner) == "--python py is Python 3.10; kmpack needs Python 3.11 or later (python.km finds its "
                              "standard library and packages through python.km._pth, which CPython reads on Linux "
                              "from 3.11 on)");
    // What Python 2.7's sysconfig gives: no EXT_SUFFIX, no LDCXXSHARED.
    reply["version"] = "2.7";
    reply["ext_suffix"] = nullptr;
    runner.on(kQueryPrefix, {reply.dump(), {}, nullptr});
    CHECK_THAT(error_of(runner), Catch::StartsWith("--python py is Python 2.7; kmpack needs Python 3.11 or later"));
    reply["version"] = "3.12";
    runner.on(kQueryPrefix, {reply.dump(), {}, nullptr});
    CHECK_THAT(error_of(runner), Catch::Contains("unexpected sysconfig answer") && !Catch::Contains("json.exception"));
}

TEST_CASE("python_info: a --python that is missing or fails says so in one line, without kmpack's script") {
    test::FakeRunner runner;
    runner.on(kQueryPrefix, {"", {1, 0}, nullptr});
    std::string failed = error_of(runner);
    CHECK(failed == "--python py: cannot query the interpreter's sysconfig: it ended with exit status 1 (is it a "
                    "Python 3.11 or later?)");
    CHECK(error_of(runner, "/nonexistent/python3") ==
          "--python /nonexistent/python3: no such file (give a Python 3.11 or later, e.g. /usr/bin/python3)");
    // A program that is not a Python (say /usr/bin/true): ends well, answers
    // nothing or something else.
    runner.on(kQueryPrefix, {"", {}, nullptr});
    CHECK(error_of(runner) == "--python py: not a Python: it answered kmpack's sysconfig query with nothing (give a "
                              "Python 3.11 or later, e.g. /usr/bin/python3)");
    runner.on(kQueryPrefix, {"not json\nat all", {}, nullptr});
    CHECK(error_of(runner) == "--python py: not a Python: it answered kmpack's sysconfig query with 'not json' (give "
                              "a Python 3.11 or later, e.g. /usr/bin/python3)");
    CHECK(runner.commands().size() == 3); // the missing file was never run
}
