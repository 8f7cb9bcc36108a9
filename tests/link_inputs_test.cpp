#include "kmpack/error.h"
#include "kmpack/link_inputs.h"
#include "test_util.h"

#include <catch2/catch.hpp>
#include <unistd.h>

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

TEST_CASE("link_inputs: relative paths, -L/-l, -Wl options and archives") {
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

TEST_CASE("link_inputs: response files are expanded against the cwd") {
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

TEST_CASE("link_inputs: --whole-archive and shared inputs") {
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

TEST_CASE("link_inputs: compiling inside the link step is refused with a reason") {
    test::TempDir dir;
    write_file_atomic(dir / "m.c", "int x;\n");
    CaptureRecord r;
    r.cwd = dir.path();
    r.argv = {"gcc", "-shared", "m.c", "-o", "m.so"};
    CHECK_THROWS_WITH(parse_link(r, dir.path(), {}),
                      Catch::Contains("compiled from m.c in the link step itself"));
}

TEST_CASE("link_inputs: the linker map says which archive members were pulled") {
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

TEST_CASE("link_inputs: reconstruct keeps the last successful link of each output") {
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

TEST_CASE("link_inputs: meson's object directories ending in .so.p are not shared libraries") {
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

TEST_CASE("link_inputs: response files are split as gcc does (blanks, both quotes, backslash)") {
    test::TempDir dir;
    write_file_atomic(dir / "args.rsp", "  -DX='a b'\t\"c d\"\n"
                                        "e\\ f 'it''s' \"say \\\"hi\\\"\" back\\\\slash ''\r\n"
                                        "-Wl,-rpath,'$ORIGIN' \"unterminated tail");
    auto out = expand_response_files({"gcc", "@args.rsp", "-o", "m.so"}, dir.path());
    // The one difference from gcc: LLVM's GNU tokenizer drops an empty quoted
    // argument (''), which gcc keeps and then fails on ("gcc: error: : No such
    // file"), so no link that succeeded, and was captured, has one.
    CHECK(out == std::vector<std::string>{"gcc", "-DX=a b", "c d", "e f", "its", "say \"hi\"", "back\\slash",
                                          "-Wl,-rpath,$ORIGIN", "unterminated tail", "-o", "m.so"});
    write_file_atomic(dir / "empty.rsp", " \n\t\n");
    CHECK(expand_response_files({"gcc", "@empty.rsp", "x.o"}, dir.path()) == std::vector<std::string>{"gcc", "x.o"});
}

TEST_CASE("link_inputs: nested response files are relative to the cwd, not to the file naming them") {
    test::TempDir dir;
    write_file_atomic(dir / "inner.rsp", "from-cwd.o\n");
    write_file_atomic(dir / "rsp/inner.rsp", "from-rsp-dir.o\n");
    write_file_atomic(dir / "rsp/outer.rsp", "a.o @inner.rsp b.o @rsp/deeper.rsp\n");
    write_file_atomic(dir / "rsp/deeper.rsp", "@inner.rsp c.o\n");
    auto out = expand_response_files({"gcc", "@rsp/outer.rsp", "d.o"}, dir.path());
    CHECK(out == std::vector<std::string>{"gcc", "a.o", "from-cwd.o", "b.o", "from-cwd.o", "c.o", "d.o"});
    // An absolute @file, and the same file named twice (not a recursion).
    out = expand_response_files({"gcc", "@" + (dir / "rsp/inner.rsp").string(), "@inner.rsp", "@inner.rsp"},
                                dir.path());
    CHECK(out == std::vector<std::string>{"gcc", "from-rsp-dir.o", "from-cwd.o", "from-cwd.o"});
}

TEST_CASE("link_inputs: an @file that cannot be read is passed through unchanged") {
    test::TempDir dir;
    fs::create_directories(dir / "adir");
    write_file_atomic(dir / "outer.rsp", "@missing-nested.rsp x.o\n");
    auto out = expand_response_files({"gcc", "@missing.rsp", "@adir", "@", "@outer.rsp", "-Wl,@ld.rsp"}, dir.path());
    CHECK(out == std::vector<std::string>{"gcc", "@missing.rsp", "@adir", "@", "@missing-nested.rsp", "x.o",
                                          "-Wl,@ld.rsp"});
    // Looked for in the cwd given, nowhere else.
    write_file_atomic(dir / "here.rsp", "y.o\n");
    CHECK(expand_response_files({"gcc", "@here.rsp"}, dir / "adir") == std::vector<std::string>{"gcc", "@here.rsp"});
    if (::geteuid() != 0) { // root reads anything
        write_file_atomic(dir / "locked.rsp", "z.o\n");
        fs::permissions(dir / "locked.rsp", fs::perms::none);
        CHECK(expand_response_files({"gcc", "@locked.rsp"}, dir.path()) ==
              std::vector<std::string>{"gcc", "@locked.rsp"});
    }
}

TEST_CASE("link_inputs: a response file that includes itself is an error naming it") {
    test::TempDir dir;
    write_file_atomic(dir / "a.rsp", "x.o @b.rsp\n");
    write_file_atomic(dir / "b.rsp", "y.o @a.rsp\n");
    CHECK_THROWS_AS(expand_response_files({"gcc", "@a.rsp"}, dir.path()), Error);
    CHECK_THROWS_WITH(expand_response_files({"gcc", "ok.o", "@a.rsp"}, dir.path()),
                      Catch::StartsWith((dir / "a.rsp").string() + ": ") && Catch::Contains("recursive"));
    write_file_atomic(dir / "self.rsp", "@self.rsp\n");
    CaptureRecord r;
    r.cwd = dir.path();
    r.argv = {"gcc", "-shared", "@self.rsp", "-o", "m.so"};
    CHECK_THROWS_WITH(parse_link(r, dir.path(), {}), Catch::StartsWith((dir / "self.rsp").string() + ": "));
}

TEST_CASE("link_inputs: file kinds come from the magic, in the ELF header's byte order") {
    test::TempDir dir;
    write_file_atomic(dir / "be-shared.bin", test::elf_header(true, 3));
    write_file_atomic(dir / "le-shared.bin", test::elf_header(false, 3));
    write_file_atomic(dir / "be-rel.bin", test::elf_header(true, 1));
    write_file_atomic(dir / "be-exec.bin", test::elf_header(true, 2));
    write_file_atomic(dir / "archive.lib", "!<arch>\n");
    write_file_atomic(dir / "thin.lib", "!<thin>\n");
    write_file_atomic(dir / "short.bin", "\x7f" "ELF\x02\x02");
    CaptureRecord r;
    r.cwd = dir.path();
    r.argv = {"gcc", "-shared", "be-shared.bin", "le-shared.bin", "be-rel.bin", "be-exec.bin", "archive.lib",
              "thin.lib", "short.bin", "missing.o", "-o", "m.so"};
    LinkInputs in = parse_link(r, dir.path(), {});
    CHECK(in.shared_inputs == std::vector<fs::path>{dir / "be-shared.bin", dir / "le-shared.bin"});
    // Relocatable objects, and what the linker itself will judge.
    CHECK(in.objects ==
          std::vector<fs::path>{dir / "be-rel.bin", dir / "be-exec.bin", dir / "short.bin", dir / "missing.o"});
    REQUIRE(in.archives.size() == 2);
    CHECK(in.archives[0].path == dir / "archive.lib");
    CHECK(in.archives[1].path == dir / "thin.lib");
}

TEST_CASE("link_inputs: -lgcc_s, which has no static archive, is libgcc_eh.a and libgcc.a") {
    test::TempDir dir;
    CaptureRecord r;
    r.cwd = dir.path();
    r.argv = {"cc", "-shared", "-Wl,-Bdynamic", "-lgcc_s", "-lutil", "-lc", "-o", "m.so"};
    LinkInputs in = parse_link(r, dir.path(), {});
    CHECK(in.system_libs == std::vector<std::string>{"gcc_eh", "gcc", "util", "c"});
}

TEST_CASE("link_inputs: the files a link reads are its output, inputs, map, response files and thin members") {
    test::TempDir dir;
    make_object(dir / "obj/a.o");
    make_object(dir / "obj/b.o");
    make_object(dir / "obj/c.o");
    write_file_atomic(dir / "rsp/outer.rsp", "obj/a.o @rsp/inner.rsp\n");
    write_file_atomic(dir / "rsp/inner.rsp", "-Lobj -lthin\n");
    // A thin archive (ar T): it names its members, whose bytes stay in their files.
    test::run({"ar", "rcT", (dir / "obj/libthin.a").string(), (dir / "obj/b.o").string(), (dir / "obj/c.o").string()});
    write_file_atomic(dir / "lib/libdep.so", "x");
    write_file_atomic(dir / "maps/m.map", "");
    CaptureRecord r;
    r.cwd = dir.path();
    r.map = dir / "maps/m.map";
    r.argv = {"gcc", "-shared", "@rsp/outer.rsp", "lib/libdep.so", "-o", "m.so"};
    LinkInputs in = parse_link(r, dir.path(), {});
    CHECK(in.response_files == std::vector<fs::path>{dir / "rsp/outer.rsp", dir / "rsp/inner.rsp"});
    auto files = link_files(in);
    std::sort(files.begin(), files.end());
    std::vector<fs::path> expected = {dir / "lib/libdep.so", dir / "m.so",           dir / "maps/m.map",
                                      dir / "obj/a.o",       dir / "obj/b.o",        dir / "obj/c.o",
                                      dir / "obj/libthin.a", dir / "rsp/inner.rsp", dir / "rsp/outer.rsp"};
    CHECK(files == expected);
}

TEST_CASE("link_inputs: a moved build's response files and linker map are read at the new place") {
    // rustc names every .rlib by its absolute path, in the command line and
    // so in the map; a response file may hold absolute paths too.
    test::TempDir dir;
    fs::path old_dir = dir / "old", now = dir / "new";
    make_object(now / "obj/a.o");
    write_file_atomic(now / "deps/libx.rlib", "!<arch>\n");
    write_file_atomic(now / "rsp/args.rsp", (old_dir / "obj/a.o").string() + "\n");
    write_file_atomic(now / "maps/m.map", "Archive member included to satisfy reference by file (symbol)\n\n" +
                                              (old_dir / "deps/libx.rlib").string() + "(x.o)  " +
                                              (old_dir / "obj/a.o").string() + " (f)\n\nDiscarded input sections\n");
    std::vector<CaptureRecord> records(1);
    records[0].cwd = old_dir;
    records[0].map = old_dir / "maps/m.map";
    records[0].argv = {"gcc", "-shared", "@" + (old_dir / "rsp/args.rsp").string(),
                       (old_dir / "deps/libx.rlib").string(), "-o", (old_dir / "m.so").string()};
    rebase_capture_records(records, old_dir, now);
    LinkInputs in = parse_link(records[0], now, {});
    CHECK(in.objects == std::vector<fs::path>{now / "obj/a.o"});
    REQUIRE(in.archives.size() == 1);
    CHECK(in.archives[0].path == now / "deps/libx.rlib");
    CHECK(in.archives[0].members == std::vector<std::string>{"x.o"});
    CHECK(in.response_files == std::vector<fs::path>{now / "rsp/args.rsp"});
}
