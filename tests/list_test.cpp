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
