#include "kmpack/bytecode.h"

#include "kmpack/error.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace kmpack;
using kmpack::test::TempDir;

namespace {

void make_tree(const std::filesystem::path &root) {
    std::filesystem::create_directories(root / "pkg" / "sub");
    std::filesystem::create_directories(root / "pkg" / "__pycache__");
    write_file_atomic(root / "top.py", "X = 1\n");
    write_file_atomic(root / "pkg" / "__init__.py", "def f():\n    return 2\n");
    write_file_atomic(root / "pkg" / "sub" / "mod.py", "import pkg\nY = pkg.f() + 1\n");
    write_file_atomic(root / "pkg" / "py2.py", "print 'hello'\n");
    write_file_atomic(root / "pkg" / "__pycache__" / "stray.py", "X = 1\n"); // never entered
    write_file_atomic(root / "pkg" / "data.txt", "not python\n");
    write_file_atomic(root / "pkg" / "odd\tname\nhere.py", "Z = 3\n"); // any byte but NUL and '/'

}

} // namespace

TEST_CASE("bytecode: every .py gets a hash-checked .pyc, and what does not compile is reported") {
    TempDir dir;
    make_tree(dir.path());
    auto result = compile_bytecode(test::system_runner(), KMPACK_TEST_PYTHON, dir.path(), dir / "log");
    CHECK(result.compiled == 4);
    REQUIRE(result.failed.size() == 1);
    CHECK(result.failed[0].file == "pkg/py2.py");
    CHECK(result.failed[0].reason.find("SyntaxError") != std::string::npos);
    CHECK(read_file(dir / "log").find("SyntaxError") != std::string::npos);

    std::string pyc = read_file(dir / "pkg" / "sub" / "__pycache__" / "mod.cpython-311.pyc");
    REQUIRE(pyc.size() > 16);
    CHECK(pyc[4] == 3); // PEP 552 flags: hash-based, checked
    CHECK(std::filesystem::exists(dir / "__pycache__" / "top.cpython-311.pyc"));
    CHECK(!std::filesystem::exists(dir / "pkg" / "__pycache__" / "__pycache__"));
    CHECK(!std::filesystem::exists(dir / "pkg" / "__pycache__" / "py2.cpython-311.pyc"));

    // The interpreter imports from them, without the sources.
    std::filesystem::remove(dir / "pkg" / "sub" / "mod.py");
    std::filesystem::rename(dir / "pkg" / "sub" / "__pycache__" / "mod.cpython-311.pyc", dir / "pkg" / "sub" / "mod.pyc");
    auto out = test::run({KMPACK_TEST_PYTHON, "-I", "-c", "import sys; sys.path.insert(0, '.'); import pkg.sub.mod as m; "
                                                          "print(m.Y, m.__file__.endswith('mod.pyc'))"},
                         dir.path());
    CHECK(out == "3 True\n");
}

TEST_CASE("bytecode: the .pyc files do not depend on where the tree was compiled") {
    TempDir a, b;
    make_tree(a / "lib");
    make_tree(b / "elsewhere" / "lib");
    compile_bytecode(test::system_runner(), KMPACK_TEST_PYTHON, a / "lib", a / "log");
    compile_bytecode(test::system_runner(), KMPACK_TEST_PYTHON, b / "elsewhere" / "lib", b / "log");
    for (const char *rel : {"__pycache__/top.cpython-311.pyc", "pkg/__pycache__/__init__.cpython-311.pyc",
                            "pkg/sub/__pycache__/mod.cpython-311.pyc"})
        CHECK(read_file(a / "lib" / rel) == read_file(b / "elsewhere" / "lib" / rel));
}

TEST_CASE("bytecode: an interpreter that cannot run is an error naming it") {
    TempDir dir;
    make_tree(dir.path());
    CHECK_THROWS_WITH(compile_bytecode(test::system_runner(), dir / "no-python", dir.path(), dir / "log"),
                      Catch::Contains((dir / "no-python").string()));
}
