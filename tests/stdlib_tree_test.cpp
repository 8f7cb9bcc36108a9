#include "kmpack/stdlib_tree.h"

#include "kmpack/debug_split.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace kmpack;
using kmpack::test::TempDir;

TEST_CASE("stdlib_tree: what of the standard library ships") {
    CHECK(stdlib_part("os.py", false) == StdlibPart::Shipped);
    CHECK(stdlib_part("asyncio", true) == StdlibPart::Shipped);
    CHECK(stdlib_part("asyncio/events.py", false) == StdlibPart::Shipped);
    CHECK(stdlib_part("_sysconfigdata__x86_64-linux-gnu.py", false) == StdlibPart::Shipped);
    CHECK(stdlib_part("lib-dynload", true) == StdlibPart::Never);
    CHECK(stdlib_part("site-packages", true) == StdlibPart::Never);
    CHECK(stdlib_part("config-3.11-x86_64-linux-gnu", true) == StdlibPart::Never);
    CHECK(stdlib_part("configparser.py", false) == StdlibPart::Shipped); // config- is a directory's prefix only
    CHECK(stdlib_part("sitecustomize.py", false) == StdlibPart::Never);  // python.km has its own
    CHECK(stdlib_part("email/__pycache__", true) == StdlibPart::Never);
    CHECK(stdlib_part("test", true) == StdlibPart::Extra);
    CHECK(stdlib_part("idlelib", true) == StdlibPart::Extra);
    CHECK(stdlib_part("tkinter", true) == StdlibPart::Extra);
    CHECK(stdlib_part("ctypes/test", true) == StdlibPart::Extra);
    CHECK(stdlib_part("lib2to3/tests", true) == StdlibPart::Extra);
    CHECK(stdlib_part("unittest/test/testmock", true) == StdlibPart::Extra);
    CHECK(stdlib_part("unittest", true) == StdlibPart::Shipped);
    CHECK(stdlib_part("email/test.py", false) == StdlibPart::Shipped); // a module, not a test directory
}

TEST_CASE("stdlib_tree: the copy leaves out the build machine's parts, and the extras unless asked") {
    TempDir dir;
    fs::path lib = dir / "lib" / "python3.11";
    for (const char *d : {"asyncio", "lib-dynload", "test", "ctypes/test", "__pycache__", "config-3.11-x"})
        fs::create_directories(lib / d);
    for (const char *f : {"os.py", "asyncio/events.py", "lib-dynload/_ssl.so", "test/test_os.py",
                          "ctypes/__init__.py", "ctypes/test/test_x.py", "__pycache__/os.cpython-311.pyc",
                          "config-3.11-x/libpython3.11.a"})
        write_file_atomic(lib / f, f);
    fs::create_symlink(lib / "os.py", lib / "linked.py");

    CHECK(copy_stdlib(lib, dir / "out", false) == 4);
    CHECK(fs::exists(dir / "out" / "os.py"));
    CHECK(fs::exists(dir / "out" / "asyncio" / "events.py"));
    CHECK(fs::exists(dir / "out" / "ctypes" / "__init__.py"));
    CHECK(!fs::exists(dir / "out" / "lib-dynload"));
    CHECK(!fs::exists(dir / "out" / "test"));
    CHECK(!fs::exists(dir / "out" / "ctypes" / "test"));
    CHECK(!fs::exists(dir / "out" / "__pycache__"));
    CHECK(!fs::exists(dir / "out" / "config-3.11-x"));
    CHECK(!fs::is_symlink(dir / "out" / "linked.py")); // the file's content, so dist/ stands alone
    CHECK(read_file(dir / "out" / "linked.py") == "os.py");

    CHECK(copy_stdlib(lib, dir / "all", true) == 6);
    CHECK(fs::exists(dir / "all" / "test" / "test_os.py"));
    CHECK(fs::exists(dir / "all" / "ctypes" / "test" / "test_x.py"));

    CHECK_THROWS_WITH(copy_stdlib(dir / "nothing", dir / "x", false), Catch::Contains("not a standard library"));
}

TEST_CASE("stdlib_tree: sysconfig's build paths are computed from python.km's prefix") {
    TempDir dir;
    write_file_atomic(dir / "_sysconfigdata__x.py",
                      "build_time_vars = {'prefix': '/build/install',\n"
                      " 'LIBDIR': '/build/install/lib',\n"
                      " 'CONFIG_ARGS': \"'--prefix=/build/install' 'CC=gcc'\",\n"
                      " 'srcdir': '/build/src/Python-3.11.2',\n"
                      " 'OTHER': '/buildx /opt/build/install',\n"
                      " 'SIZEOF_INT': 4}\n");
    write_file_atomic(dir / "unrelated.py", "X = '/build/install'\n");
    relocate_sysconfigdata(test::system_runner(), KMPACK_TEST_PYTHON, dir.path(), {"/build", "/build/install"},
                           dir / "log");
    CHECK(read_file(dir / "unrelated.py") == "X = '/build/install'\n");
    std::string probe = "import sys; sys.prefix = '/new'; sys.path.insert(0, sys.argv[1])\n"
                        "import _sysconfigdata__x as d\n"
                        "for k in sorted(d.build_time_vars): print(k, d.build_time_vars[k])\n";
    CHECK(test::run({KMPACK_TEST_PYTHON, "-c", probe, dir.path().string()}) ==
          "CONFIG_ARGS '--prefix=/new' 'CC=gcc'\n"
          "LIBDIR /new/lib\n"
          "OTHER /buildx /opt/build/install\n" // neither is /build or below it
          "SIZEOF_INT 4\n"
          "prefix /new\n"
          "srcdir /new/src/Python-3.11.2\n");
    CHECK(read_file(dir / "_sysconfigdata__x.py").find("'/build/") == std::string::npos);
}

TEST_CASE("debug_split: the program is stripped and links to its debug information") {
    TempDir dir;
    write_file_atomic(dir / "p.c", "#include <string.h>\n#include <stdio.h>\n"
                                   "int main(int c, char **v) { printf(\"%zu\\n\", strlen(v[0]) > 0); return 0; }\n");
    // GNU ld: a static program whose IRELATIVE relocations (strlen's ifunc) link to .symtab.
    test::run({"gcc", "-g", "-static", "-fuse-ld=bfd", "-o", "p", "p.c"}, dir.path());
    split_debug_info(dir / "p", dir / "p.debug");
    CHECK(test::run({(dir / "p").string()}) == "1\n");
    std::string sections = test::run({"readelf", "-S", "-W", (dir / "p").string()});
    CHECK(sections.find(".gnu_debuglink") != std::string::npos);
    CHECK(sections.find(".debug_info") == std::string::npos);
    CHECK(sections.find(".symtab") == std::string::npos);
    CHECK(test::run({"readelf", "-S", "-W", (dir / "p.debug").string()}).find(".debug_info") != std::string::npos);
    CHECK(test::run({"readelf", "--string-dump=.gnu_debuglink", (dir / "p").string()}).find("p.debug") !=
          std::string::npos);
    CHECK_THROWS_WITH(split_debug_info(dir / "p.c", dir / "x.debug"), Catch::Contains("p.c"));
}
