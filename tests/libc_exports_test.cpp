// The libc export table: symbol versions read from a .so built here, GNU ld
// scripts, and the real libc.so.6/libm.so.6 against libc.a/libm.a.
#include "kmpack/libc_exports.h"

#include "kmpack/fs.h"
#include "kmpack/system_libs.h"
#include "test_util.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace kmpack;

namespace {

const ElfSymbol *find(const std::vector<ElfSymbol> &v, const std::string &name) {
    auto it = std::find_if(v.begin(), v.end(), [&](const ElfSymbol &s) { return s.name == name; });
    return it == v.end() ? nullptr : &*it;
}

} // namespace

TEST_CASE("libc_exports: a shared object's versions, the default one told apart") {
    test::TempDir dir;
    write_file_atomic(dir / "v.map", "V1 { global: old_only; scan; local: *; };\n"
                                     "V2 { global: scan; } V1;\nPRIV { global: private_fn; } V2;\n");
    test::compile_c(dir.path(), "v.c",
                    "int scan_v1(void) { return 1; }\n"
                    "int scan_v2(void) { return 2; }\n"
                    "int old_only(void) { return 3; }\n"
                    "int private_fn(void) { return 4; }\n"
                    "int data = 5;\n"
                    "__asm__(\".symver scan_v1, scan@V1\");\n"
                    "__asm__(\".symver scan_v2, scan@@V2\");\n",
                    {"-shared", "-fPIC", "-Wl,--version-script=v.map"}, "libv.so");
    auto exports = read_versioned_exports(dir / "libv.so");
    std::vector<std::string> scans;
    for (const auto &v : exports)
        if (v.symbol.name == "scan")
            scans.push_back(v.version + (v.default_version ? " default" : " hidden"));
    std::sort(scans.begin(), scans.end());
    CHECK(scans == std::vector<std::string>{"V1 hidden", "V2 default"});
    auto old_only = std::find_if(exports.begin(), exports.end(), [](auto &v) { return v.symbol.name == "old_only"; });
    REQUIRE(old_only != exports.end());
    CHECK(old_only->version == "V1");
    CHECK(old_only->default_version);

    // Only functions, default versions, GLIBC_PRIVATE left out, and defined by the archive.
    std::vector<VersionedSymbol> shared = {
        {{"fscanf", SymbolKind::Function}, "GLIBC_2.2.5", true},
        {{"__isoc99_fscanf", SymbolKind::Function}, "GLIBC_2.7", true},
        {{"memcpy", SymbolKind::Ifunc}, "GLIBC_2.14", true},
        {{"compat_only", SymbolKind::Function}, "GLIBC_2.2.5", false},
        {{"__libc_internal", SymbolKind::Function}, "GLIBC_PRIVATE", true},
        {{"stdout", SymbolKind::Data}, "GLIBC_2.2.5", true},
        {{"not_in_archive", SymbolKind::Function}, "GLIBC_2.2.5", true},
    };
    std::vector<ElfSymbol> archive = {{"memcpy", SymbolKind::Ifunc}, {"fscanf", SymbolKind::Function},
                                      {"__isoc99_fscanf", SymbolKind::Function}, {"compat_only", SymbolKind::Function},
                                      {"__libc_internal", SymbolKind::Function}, {"stdout", SymbolKind::Data}};
    std::vector<std::string> names;
    for (const auto &s : exported_and_defined(shared, archive))
        names.push_back(s.name);
    CHECK(names == std::vector<std::string>{"__isoc99_fscanf", "fscanf", "memcpy"});
}

TEST_CASE("libc_exports: a GNU ld script stands for the archives it names") {
    test::TempDir dir;
    test::compile_c(dir.path(), "a.c", "int a(void) { return 1; }\n", {"-c"}, "a.o");
    test::run({"ar", "rcS", "libm-2.36.a", "a.o"}, dir.path());
    test::run({"ar", "rcS", "libmvec.a", "a.o"}, dir.path());
    write_file_atomic(dir / "libm.a", "/* GNU ld script\n*/\nOUTPUT_FORMAT(elf64-x86-64)\nGROUP ( " +
                                          (dir / "libm-2.36.a").string() + " libmvec.a AS_NEEDED ( -lmvec ) )\n");
    CHECK(static_archive_files(dir / "libm.a", {dir.path()}) ==
          std::vector<fs::path>{dir / "libm-2.36.a", dir / "libmvec.a"});
    CHECK(static_archive_files(dir / "libmvec.a", {}) == std::vector<fs::path>{dir / "libmvec.a"});
    CHECK(archive_definitions({dir / "libm-2.36.a"}).size() == 1);
}

TEST_CASE("libc_exports: glibc's libc and libm, each function under its dynamic name") {
    auto search = library_search_path(test::system_runner(), {"gcc"}, {});
    LibcExportTable table = libc_export_table(search);
    if (!table.missing.empty()) {
        WARN("no glibc libc.so.6/libc.a here: " + table.missing[0]);
        return;
    }
    CHECK(table.read.size() == 2);
    for (const char *name : {"abs", "labs", "fscanf", "__isoc99_fscanf", "pthread_equal", "cos", "lgamma", "memcpy"})
        CHECK(find(table.functions, name));
    CHECK_FALSE(find(table.functions, "stdout"));  // data
    CHECK_FALSE(find(table.functions, "_ZGVbN2v_cos")); // libmvec's, not libm.so.6's
    CHECK(table.functions.size() > 2500);
    CHECK(std::is_sorted(table.functions.begin(), table.functions.end(),
                         [](const ElfSymbol &a, const ElfSymbol &b) { return a.name < b.name; }));
}

TEST_CASE("libc_exports: a static glibc program told from another C library's") {
    CHECK(linked_with_static_glibc({{"main", SymbolKind::Function}, {"__libc_setup_tls", SymbolKind::Function}}));
    CHECK_FALSE(linked_with_static_glibc({{"main", SymbolKind::Function}, {"__init_libc", SymbolKind::Function}}));
}
