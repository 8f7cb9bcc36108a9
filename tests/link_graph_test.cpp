#include "kmpack/error.h"
#include "kmpack/link_graph.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace kmpack;
namespace fs = std::filesystem;

namespace {

// An empty relocatable object, so sniffing sees a real ELF file.
void make_object(const fs::path &path) {
    test::TempDir tmp;
    test::compile_c(tmp.path(), "e.c", "int e;\n", {"-c"}, "e.o");
    fs::create_directories(path.parent_path());
    fs::copy_file(tmp / "e.o", path, fs::copy_options::overwrite_existing);
}

} // namespace

TEST_CASE("link_graph: relative paths, -L/-l, -Wl options and archives") {
    test::TempDir dir;
    fs::path root = dir.path();
    fs::path build = root / "src";
    make_object(build / "build/temp/a.o");
    make_object(build / "build/temp/sub/b.o");
    write_file_atomic(build / "build/temp/libkmmath.a", "!<arch>\n");
    CaptureRecord r;
    r.cwd = build;
    r.argv = {"x86_64-linux-gnu-gcc", "-shared", "-Wl,-O1", "-Wl,-Bsymbolic-functions", "build/temp/a.o",
              "./build/temp/sub/b.o", "-Lbuild/temp", "-L", "/usr/lib/x86_64-linux-gnu", "-lkmmath", "-lz",
              "-lkmmath", "-o", "build/lib/pkg/m.cpython-311-x86_64-linux-gnu.so", "-Xlinker", "--as-needed"};
    LinkInputs in = parse_link(r, root, {});
    CHECK(in.output == build / "build/lib/pkg/m.cpython-311-x86_64-linux-gnu.so");
    CHECK(in.objects == std::vector<fs::path>{build / "build/temp/a.o", build / "build/temp/sub/b.o"});
    REQUIRE(in.archives.size() == 1); // named twice, one archive
    CHECK(in.archives[0].path == build / "build/temp/libkmmath.a");
    CHECK(in.system_libs == std::vector<std::string>{"z"});
    CHECK(in.lib_dirs == std::vector<fs::path>{build / "build/temp", "/usr/lib/x86_64-linux-gnu"});
    CHECK(in.linker_options ==
          std::vector<std::string>{"-Wl,-O1", "-Wl,-Bsymbolic-functions", "-Wl,--as-needed"});
    CHECK_FALSE(in.cxx);
}

TEST_CASE("link_graph: response files are expanded against the cwd") {
    test::TempDir dir;
    make_object(dir / "obj/one.o");
    make_object(dir / "obj/two words.o");
    write_file_atomic(dir / "rsp/inner.rsp", "obj/one.o\n");
    write_file_atomic(dir / "rsp/outer.rsp", "@rsp/inner.rsp \"obj/two words.o\" -lstdc++\n");
    CaptureRecord r;
    r.cwd = dir.path();
    r.argv = {"g++", "-shared", "@rsp/outer.rsp", "-o", "m.so"};
    LinkInputs in = parse_link(r, dir.path(), {});
    CHECK(in.argv == std::vector<std::string>{"g++", "-shared", "obj/one.o", "obj/two words.o", "-lstdc++", "-o", "m.so"});
    CHECK(in.objects == std::vector<fs::path>{dir / "obj/one.o", dir / "obj/two words.o"});
    CHECK(in.cxx);
    CHECK(in.system_libs == std::vector<std::string>{"stdc++"});
}

TEST_CASE("link_graph: --whole-archive and shared inputs") {
    test::TempDir dir;
    write_file_atomic(dir / "libw.a", "!<arch>\n");
    write_file_atomic(dir / "libn.a", "!<arch>\n");
    CaptureRecord r;
    r.cwd = dir.path();
    r.argv = {"gcc", "-shared", "-Wl,--whole-archive", "libw.a", "-Wl,--no-whole-archive", "libn.a",
              "other.so", "-o", "m.so"};
    LinkInputs in = parse_link(r, dir.path(), {});
    REQUIRE(in.archives.size() == 2);
    CHECK(in.archives[0].whole);
    CHECK_FALSE(in.archives[1].whole);
    CHECK(in.shared_inputs == std::vector<fs::path>{dir / "other.so"});
}

TEST_CASE("link_graph: compiling inside the link step is refused with a reason") {
    test::TempDir dir;
    write_file_atomic(dir / "m.c", "int x;\n");
    CaptureRecord r;
    r.cwd = dir.path();
    r.argv = {"gcc", "-shared", "m.c", "-o", "m.so"};
    CHECK_THROWS_WITH(parse_link(r, dir.path(), {}),
                      Catch::Contains("compiled from m.c in the link step itself"));
}

TEST_CASE("link_graph: the linker map says which archive members were pulled") {
    test::TempDir dir;
    write_file_atomic(dir / "link.map",
                      "Archive member included to satisfy reference by file (symbol)\n"
                      "\n"
                      "build/temp/libkmmath.a(a.o)   build/temp/m1.o (bump)\n"
                      "/very/long/path/to/some/archive/libzzzzzzzzzz.a(b.o)\n"
                      "                              build/temp/libkmmath.a(a.o) (kmm_b)\n"
                      "/usr/lib/x86_64-linux-gnu/libz.a(crc32.o)\n"
                      "                              m1.o (crc32)\n"
                      "\n"
                      "Discarded input sections\n"
                      "\n"
                      " .text          0x0000000000000000        0x0 x.o\n");
    auto pulled = read_link_map(dir / "link.map", "/pkg");
    CHECK(pulled.at("/pkg/build/temp/libkmmath.a") == std::vector<std::string>{"a.o"});
    CHECK(pulled.at("/very/long/path/to/some/archive/libzzzzzzzzzz.a") == std::vector<std::string>{"b.o"});
    CHECK(pulled.at("/usr/lib/x86_64-linux-gnu/libz.a") == std::vector<std::string>{"crc32.o"});
    CHECK(pulled.size() == 3);
}

TEST_CASE("link_graph: reconstruct keeps the last successful link of each output") {
    test::TempDir dir;
    make_object(dir / "a.o");
    make_object(dir / "b.o");
    std::vector<CaptureRecord> records(4);
    for (auto &r : records)
        r.cwd = dir.path();
    records[0].argv = {"gcc", "-c", "a.c", "-o", "a.o"};
    records[1].argv = {"gcc", "-shared", "a.o", "-o", "m.so"};
    records[2].argv = {"gcc", "-shared", "b.o", "-o", "m.so"};
    records[3].argv = {"gcc", "-shared", "a.o", "-o", "n.so"};
    records[3].exit_code = 1;
    auto links = reconstruct_links(records, dir.path(), {});
    REQUIRE(links.size() == 1);
    CHECK(links[0].objects == std::vector<fs::path>{dir / "b.o"});
}

TEST_CASE("link_graph: meson's object directories ending in .so.p are not shared libraries") {
    test::TempDir dir;
    make_object(dir / "_fast.cpython-311-x86_64-linux-gnu.so.p/src_fast.c.o");
    write_file_atomic(dir / "libv.so.1.2", "x");
    CaptureRecord r;
    r.cwd = dir.path();
    r.argv = {"cc", "-shared", "_fast.cpython-311-x86_64-linux-gnu.so.p/src_fast.c.o", "libv.so.1.2",
              "-o", "_fast.cpython-311-x86_64-linux-gnu.so"};
    LinkInputs in = parse_link(r, dir.path(), {});
    CHECK(in.objects == std::vector<fs::path>{dir / "_fast.cpython-311-x86_64-linux-gnu.so.p/src_fast.c.o"});
    CHECK(in.shared_inputs == std::vector<fs::path>{dir / "libv.so.1.2"});
}
