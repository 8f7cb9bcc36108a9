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

TEST_CASE("bytecode: --onefile's archive is appended, imports with zipimport, and is reproducible") {
    TempDir dir;
    make_tree(dir / "tree");
    std::string front = "\x7f" "ELF stands in for python.km\n";
    write_file_atomic(dir / "exe", front);
    auto result = append_archive(test::system_runner(), KMPACK_TEST_PYTHON, dir / "tree", dir / "exe", "python.km",
                                 dir / "log");
    CHECK(result.compiled == 4);
    REQUIRE(result.failed.size() == 1);
    CHECK(result.failed[0].file == "pkg/py2.py");
    CHECK(result.failed[0].reason.find("SyntaxError") != std::string::npos);
    std::string exe = read_file(dir / "exe");
    CHECK(exe.substr(0, front.size()) == front);

    // What zipfile sees: directories, each .py deflated with its .pyc stored
    // beside it (unchecked hash), no __pycache__, the failed file as source.
    auto listing = test::run({KMPACK_TEST_PYTHON, "-I", "-c", R"PY(import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for i in z.infolist():
    data = z.read(i)
    flags = data[4] if i.filename.endswith(".pyc") else "-"
    print(i.filename, "stored" if i.compress_type == zipfile.ZIP_STORED else "deflated", flags, i.date_time[0])
)PY", (dir / "exe").string()},
                             dir.path());
    CHECK(listing.find("lib/ stored - 1980\n") != std::string::npos);
    CHECK(listing.find("lib/pkg/sub/ stored - 1980\n") != std::string::npos);
    CHECK(listing.find("lib/pkg/sub/mod.py deflated - 1980\n") != std::string::npos);
    CHECK(listing.find("lib/pkg/sub/mod.pyc stored 1 1980\n") != std::string::npos);
    CHECK(listing.find("lib/pkg/data.txt deflated") != std::string::npos);
    CHECK(listing.find("lib/pkg/py2.py deflated") != std::string::npos);
    CHECK(listing.find("py2.pyc") == std::string::npos);
    CHECK(listing.find("__pycache__") == std::string::npos);
    CHECK(listing.find("kmpack-directory.marshal stored - 1980\n") != std::string::npos);
    // The comment says where the marshalled directory is; it is zipimport's own
    // reading of the archive, less its own member.
    auto directory = test::run({KMPACK_TEST_PYTHON, "-I", "-c", R"PY(import marshal, sys, zipfile, zipimport
exe = sys.argv[1]
word, at, size = zipfile.ZipFile(exe).comment.split()
f = open(exe, "rb"); f.seek(int(at, 16)); mine = marshal.loads(f.read(int(size, 16)))
read = zipimport._read_directory(exe)
print(word.decode(), len(mine) + 1 == len(read), all(read[k][1:] == v and read[k][0] == exe + "/" + k.rstrip("/") for k, v in mine.items()))
)PY", (dir / "exe").string()},
                               dir.path());
    CHECK(directory == "kmpack-directory True True\n");

    // zipimport imports from it at <file>/lib; code objects name <name>/lib/...
    auto out = test::run({KMPACK_TEST_PYTHON, "-I", "-c",
                          "import sys; sys.path.insert(0, sys.argv[1] + '/lib'); import pkg.sub.mod as m; "
                          "print(m.Y, m.pkg.f.__code__.co_filename)",
                          (dir / "exe").string()},
                         dir.path());
    CHECK(out == "3 python.km/lib/pkg/__init__.py\n");

    // The same tree elsewhere gives the same bytes.
    TempDir other;
    make_tree(other / "somewhere" / "tree");
    write_file_atomic(other / "exe", front);
    append_archive(test::system_runner(), KMPACK_TEST_PYTHON, other / "somewhere" / "tree", other / "exe", "python.km",
                   other / "log");
    CHECK(read_file(other / "exe") == exe);
}

TEST_CASE("bytecode: an archive that cannot be written is an error naming the interpreter's message") {
    TempDir dir;
    make_tree(dir / "tree");
    CHECK_THROWS_WITH(append_archive(test::system_runner(), KMPACK_TEST_PYTHON, dir / "tree", dir / "missing" / "exe",
                                     "python.km", dir / "log"),
                      Catch::Contains("append the run-time tree as a zip archive") && Catch::Contains("log"));
}
