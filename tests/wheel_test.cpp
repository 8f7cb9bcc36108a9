#include "kmpack/wheel.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/manifest.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace kmpack;
using kmpack::test::TempDir;

namespace {

// A wheel made with Python's zipfile from name -> content.
void make_wheel(const fs::path &path, const std::vector<std::pair<std::string, std::string>> &files) {
    fs::path listing = path.parent_path() / "listing";
    std::string text;
    for (const auto &[name, content] : files)
        text += name + "\n" + content + "\n\x1e\n";
    write_file_atomic(listing, text);
    test::run({KMPACK_TEST_PYTHON, "-I", "-c", R"PY(import sys, zipfile
out, listing = sys.argv[1:3]
records = open(listing).read().split("\n\x1e\n")
with zipfile.ZipFile(out, "w") as z:
    for r in records:
        if r:
            name, content = r.split("\n", 1)
            z.writestr(name, content)
)PY", path.string(), listing.string()},
              path.parent_path());
}

} // namespace

TEST_CASE("wheel: file names, PEP 427") {
    auto w = parse_wheel_name("kmpure-1.0-py3-none-any.whl");
    REQUIRE(w);
    CHECK(w->distribution == "kmpure");
    CHECK(w->version == "1.0");
    CHECK(w->build.empty());
    CHECK(w->python == "py3");
    CHECK(w->abi == "none");
    CHECK(w->platform == "any");
    auto b = parse_wheel_name("six-1.16.0-1-py2.py3-none-any.whl");
    REQUIRE(b);
    CHECK(b->build == "1");
    CHECK(b->python == "py2.py3");
    CHECK_FALSE(parse_wheel_name("kmpure-1.0.whl"));
    CHECK_FALSE(parse_wheel_name("kmpure-1.0-py3--any.whl"));
    CHECK_FALSE(parse_wheel_name("kmpure-1.0-py3-none-any.zip"));
}

TEST_CASE("wheel: pure wheels for this Python pass, compiled and foreign ones say why") {
    auto refusal = [](const char *name) { return wheel_refusal(*parse_wheel_name(name), "3.11"); };
    CHECK(refusal("a-1-py3-none-any.whl").empty());
    CHECK(refusal("a-1-py2.py3-none-any.whl").empty());
    CHECK(refusal("a-1-py311-none-any.whl").empty());
    CHECK(refusal("a-1-py38-none-any.whl").empty());
    CHECK_THAT(refusal("a-1-cp311-cp311-manylinux_2_17_x86_64.whl"),
               Catch::StartsWith("a wheel with compiled code (cp311-manylinux_2_17_x86_64)") &&
                   Catch::Contains("give the package's source"));
    CHECK_THAT(refusal("a-1-cp311-abi3-any.whl"), Catch::StartsWith("a wheel with compiled code (abi3-any)"));
    CHECK(refusal("a-1-py2-none-any.whl") ==
          "a wheel for py2, which Python 3.11 cannot import; give a wheel for Python 3.11 (py3) or the package's source");
    CHECK_THAT(refusal("a-1-py312-none-any.whl"), Catch::StartsWith("a wheel for py312"));
    CHECK_THAT(refusal("a-1-py4-none-any.whl"), Catch::StartsWith("a wheel for py4"));
}

TEST_CASE("wheel: installed as pip would, .data's purelib at the root, scripts left out") {
    TempDir dir;
    make_wheel(dir / "kmp-1.0-py3-none-any.whl",
               {{"kmp/__init__.py", "X = 1\n"},
                {"kmp-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n"},
                {"kmp-1.0.dist-info/METADATA", "Name: kmp\nVersion: 1.0\n"},
                {"kmp-1.0.data/purelib/kmp_extra.py", "Y = 2\n"},
                {"kmp-1.0.data/scripts/kmp-tool", "#!python\n"}});
    write_file_atomic(dir / "lib/old.py", "stale\n");
    std::vector<std::string> notes;
    install_wheel(dir / "kmp-1.0-py3-none-any.whl", dir / "lib", "modules.txt:2", notes);
    CHECK(read_file(dir / "lib/kmp/__init__.py") == "X = 1\n");
    CHECK(read_file(dir / "lib/kmp_extra.py") == "Y = 2\n");
    CHECK(fs::exists(dir / "lib/kmp-1.0.dist-info/METADATA"));
    CHECK_FALSE(fs::exists(dir / "lib/kmp-1.0.data"));
    CHECK_FALSE(fs::exists(dir / "lib/old.py"));
    REQUIRE(notes.size() == 1);
    CHECK_THAT(notes[0], Catch::Contains("its scripts (kmp-1.0.data/scripts) left out"));
    // importlib.metadata finds it.
    CHECK(test::run({KMPACK_TEST_PYTHON, "-I", "-c",
                     "import sys; sys.path.insert(0, 'lib'); import importlib.metadata as m; print(m.version('kmp'))"},
                    dir.path()) == "1.0\n");
}

TEST_CASE("wheel: no WHEEL file, or compiled code in a none-any wheel, is refused and nothing is left") {
    TempDir dir;
    make_wheel(dir / "bad-1.0-py3-none-any.whl", {{"bad/__init__.py", ""}});
    std::vector<std::string> notes;
    write_file_atomic(dir / "lib/keep.py", "kept\n");
    CHECK_THROWS_WITH(install_wheel(dir / "bad-1.0-py3-none-any.whl", dir / "lib", "modules.txt:1", notes),
                      Catch::StartsWith("modules.txt:1: ") && Catch::Contains("has no <name>.dist-info/WHEEL"));
    make_wheel(dir / "liar-1.0-py3-none-any.whl",
               {{"liar/_c.cpython-311-x86_64-linux-gnu.so", "\x7f" "ELF"},
                {"liar-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n"}});
    CHECK_THROWS_WITH(install_wheel(dir / "liar-1.0-py3-none-any.whl", dir / "lib", "modules.txt:1", notes),
                      Catch::Contains("holds liar/_c.cpython-311-x86_64-linux-gnu.so, compiled code"));
    CHECK(read_file(dir / "lib/keep.py") == "kept\n");
    size_t entries = 0;
    for ([[maybe_unused]] const auto &e : fs::directory_iterator(dir.path()))
        ++entries;
    CHECK(entries == 4); // the two wheels, the listing they were made from, lib/: nothing half-written
}

TEST_CASE("wheel: modules.txt refuses a compiled wheel by its name, at its line") {
    TempDir dir;
    write_file_atomic(dir / "x-1-cp311-cp311-linux_x86_64.whl", "");
    write_file_atomic(dir / "notawheel.whl", "");
    CHECK_THROWS_WITH(parse_manifest("x x-1-cp311-cp311-linux_x86_64.whl\ny notawheel.whl\n", "modules.txt", dir.path()),
                      Catch::Contains("modules.txt:1: source 'x-1-cp311-cp311-linux_x86_64.whl' is a wheel with "
                                      "compiled code (cp311-linux_x86_64)") &&
                          Catch::Contains("modules.txt:2: source 'notawheel.whl' is not a wheel's name"));
    write_file_atomic(dir / "p-1-py3-none-any.whl", "");
    Manifest m = parse_manifest("p p-1-py3-none-any.whl\n", "modules.txt", dir.path());
    CHECK(m.modules.at(0).kind == SourceKind::Wheel);
}
