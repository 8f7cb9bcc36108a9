#include "kmpack/error.h"
#include "kmpack/pipeline.h"
#include "kmpack/list.h"
#include "test_util.h"

#include <catch2/catch.hpp>
#include <sstream>

using namespace kmpack;
namespace fs = std::filesystem;

TEST_CASE("status: modules are up to date, changed, not built or gone from modules.txt") {
    test::TempDir dir;
    for (std::string pkg : {"a", "b"}) { // modules _a and _b
        write_file_atomic(dir / pkg / "setup.py", "from setuptools import setup, Extension\n"
                                                 "setup(name='p', ext_modules=[Extension('_" + pkg + "', ['m.c'])])\n");
        write_file_atomic(dir / pkg / "m.c", "#include <Python.h>\n"
                                            "static struct PyModuleDef d = {PyModuleDef_HEAD_INIT, \"_" + pkg +
                                                 "\", 0, -1, 0};\n"
                                            "PyMODINIT_FUNC PyInit__" + pkg + "(void) { return PyModule_Create(&d); }\n");
    }
    write_file_atomic(dir / "modules.txt", "a a\nb b\n");
    BuildOptions o;
    o.manifest = dir / "modules.txt";
    o.build_dir = dir / "kb";
    o.python = KMPACK_TEST_PYTHON;
    o.system_stdlib = true; // --python's own libpython: the interpreter from source is e2e_build's
    o.cache_dir = dir / "cache"; // a module cache of its own
    o.capture_tool = KMPACK_CAPTURE_TOOL;
    o.link = false;
    test::SystemHost host;
    run_build(o, host);

    write_file_atomic(dir / "b/m.c", read_file(dir / "b/m.c") + "int changed;\n");
    write_file_atomic(dir / "modules.txt", "a a\nb b\nc a\n");
    auto status = build_status(test::system_runner(), dir / "kb");
    REQUIRE(status.size() == 3);
    CHECK(status[0].name == "a");
    CHECK(to_string(status[0].state) == "up to date");
    REQUIRE(status[0].shared_objects.size() == 1);
    CHECK(status[0].shared_objects[0].path == "_a.cpython-311-x86_64-linux-gnu.so");
    CHECK(status[0].shared_objects[0].artifacts);
    CHECK(to_string(status[1].state) == "changed");
    CHECK(to_string(status[2].state) == "not built");

    write_file_atomic(dir / "modules.txt", "b b\n");
    status = build_status(test::system_runner(), dir / "kb");
    CHECK(status.back().name == "a");
    CHECK(status.back().state == ListState::NotInManifest);

    std::ostringstream text;
    print_status(status, false, text);
    CHECK(text.str().find("a                        not in modules.txt") != std::string::npos);
    std::ostringstream json;
    print_status(status, true, json);
    CHECK(json.str().find("\"state\": \"changed\"") != std::string::npos);

    CHECK_THROWS_WITH(build_status(test::system_runner(), dir / "nothing"), Catch::Contains("no build here"));
}

TEST_CASE("status: a module whose archive or capture log is damaged is changed, and says which file") {
    test::TempDir dir;
    write_file_atomic(dir / "a/setup.py", "from setuptools import setup, Extension\n"
                                          "setup(name='p', ext_modules=[Extension('_a', ['m.c'])])\n");
    write_file_atomic(dir / "a/m.c", "#include <Python.h>\n"
                                     "static struct PyModuleDef d = {PyModuleDef_HEAD_INIT, \"_a\", 0, -1, 0};\n"
                                     "PyMODINIT_FUNC PyInit__a(void) { return PyModule_Create(&d); }\n");
    write_file_atomic(dir / "modules.txt", "a a\n");
    BuildOptions o;
    o.manifest = dir / "modules.txt";
    o.build_dir = dir / "kb";
    o.python = KMPACK_TEST_PYTHON;
    o.system_stdlib = true;
    o.cache_dir = dir / "cache";
    o.capture_tool = KMPACK_CAPTURE_TOOL;
    o.link = false;
    test::SystemHost host;
    run_build(o, host);
    REQUIRE(to_string(build_status(test::system_runner(), dir / "kb").at(0).state) == "up to date");

    fs::path archive = dir / "kb/modules/a/lib/_a.cpython-311-x86_64-linux-gnu.km.lib.a";
    std::string good = read_file(archive);
    std::string bad = good;
    bad.replace(bad.size() / 2, 16, std::string(16, '\xcc'));
    write_file_atomic(archive, bad);
    auto status = build_status(test::system_runner(), dir / "kb");
    CHECK(to_string(status.at(0).state) == "changed");
    REQUIRE(status.at(0).shared_objects.size() == 1);
    CHECK(status.at(0).shared_objects[0].damaged ==
          archive.string() + ": damaged since kmpack wrote it (same size, another MD5)");
    std::ostringstream text;
    print_status(status, false, text);
    CHECK_THAT(text.str(), Catch::Contains("(damaged: " + archive.string() + ": damaged since kmpack wrote it"));
    std::ostringstream json;
    print_status(status, true, json);
    CHECK_THAT(json.str(), Catch::Contains("\"damaged\": \"" + archive.string()));

    write_file_atomic(archive, good);
    fs::path capture = dir / "kb/modules/a/capture.jsonl";
    write_file_atomic(capture, "");
    status = build_status(test::system_runner(), dir / "kb");
    CHECK(to_string(status.at(0).state) == "changed");
    CHECK_THAT(status.at(0).damaged, Catch::StartsWith(capture.string() + ": damaged since kmpack wrote it (0 bytes, "));
    CHECK(status.at(0).shared_objects[0].damaged.empty());
}
