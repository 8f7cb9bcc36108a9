#include "kmpack/elf_symbols.h"
#include "kmpack/error.h"
#include "test_util.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace kmpack;

namespace {

const ElfSymbol *find(const std::vector<ElfSymbol> &v, const std::string &name) {
    auto it = std::find_if(v.begin(), v.end(), [&](const ElfSymbol &s) { return s.name == name; });
    return it == v.end() ? nullptr : &*it;
}

const char *kSource = R"(
int exported_data[4] = {1, 2, 3, 4};
__attribute__((visibility("hidden"))) int hidden_data = 5;
__attribute__((weak)) int weak_fn(void) { return 1; }
__thread int tls_var;
static int local_fn(void) { return 2; }
extern int outside(void);
int exported_fn(void) { return local_fn() + outside() + hidden_data + tls_var; }
__attribute__((constructor(101))) static void early(void) { hidden_data = 1; }
__attribute__((constructor)) static void late(void) { hidden_data = 2; }
)";

} // namespace

TEST_CASE("elf_symbols: an object's definitions, references and sections") {
    test::TempDir dir;
    auto obj = test::compile_c(dir.path(), "a.c", kSource, {"-c", "-fPIC", "-O1"}, "a.o");
    ObjectSymbols s = read_object(read_file(obj), obj.string());
    CHECK(machine_name(s.machine) == "x86-64");
    REQUIRE(find(s.defined, "exported_data"));
    CHECK(find(s.defined, "exported_data")->kind == SymbolKind::Data);
    CHECK(find(s.defined, "exported_data")->size == 16);
    REQUIRE(find(s.defined, "hidden_data"));
    CHECK(find(s.defined, "hidden_data")->hidden);
    REQUIRE(find(s.defined, "weak_fn"));
    CHECK(find(s.defined, "weak_fn")->binding == SymbolBinding::Weak);
    REQUIRE(find(s.defined, "tls_var"));
    CHECK(find(s.defined, "tls_var")->kind == SymbolKind::Tls);
    CHECK(find(s.defined, "exported_fn")->kind == SymbolKind::Function);
    CHECK_FALSE(find(s.defined, "local_fn")); // locals are not globals
    CHECK(std::count(s.undefined.begin(), s.undefined.end(), "outside") == 1);
    CHECK(std::count(s.sections.begin(), s.sections.end(), ".init_array") == 1);
    CHECK(std::count(s.sections.begin(), s.sections.end(), ".init_array.00101") == 1);
}

TEST_CASE("elf_symbols: C++ COMDAT and STB_GNU_UNIQUE definitions") {
    test::TempDir dir;
    write_file_atomic(dir / "c.cpp", "inline int &counter() { static int c; return c; }\n"
                                     "template <class T> T twice(T x) { return x + x; }\n"
                                     "int use() { return counter() + twice(3); }\n");
    test::run({"g++", "-c", "-fPIC", "-O0", "c.cpp", "-o", "c.o"}, dir.path());
    ObjectSymbols s = read_object(read_file(dir / "c.o"), "c.o");
    REQUIRE(find(s.defined, "_ZZ7countervE1c"));
    CHECK(find(s.defined, "_ZZ7countervE1c")->binding == SymbolBinding::Unique);
    REQUIRE(find(s.defined, "_Z5twiceIiET_S0_"));
    CHECK(find(s.defined, "_Z5twiceIiET_S0_")->binding == SymbolBinding::Weak);
}

TEST_CASE("elf_symbols: a shared object's exports come from .dynsym") {
    test::TempDir dir;
    auto so = test::compile_c(dir.path(), "a.c", std::string(kSource) + "int outside(void) { return 0; }\n",
                              {"-shared", "-fPIC"}, "liba.so");
    SharedObjectSymbols s = read_shared_object(so);
    CHECK(find(s.exports, "exported_data"));
    CHECK(find(s.exports, "exported_data")->size == 16);
    CHECK(find(s.exports, "exported_fn"));
    CHECK(find(s.exports, "weak_fn"));
    CHECK_FALSE(find(s.exports, "hidden_data")); // hidden never reaches .dynsym
    CHECK_FALSE(find(s.exports, "local_fn"));
    CHECK(std::is_sorted(s.exports.begin(), s.exports.end(),
                         [](const ElfSymbol &a, const ElfSymbol &b) { return a.name < b.name; }));
}

TEST_CASE("elf_symbols: a shared object's soname, and none for what has none or is not ELF") {
    test::TempDir dir;
    auto with = test::compile_c(dir.path(), "a.c", "int f(void) { return 1; }\n",
                                {"-shared", "-fPIC", "-Wl,-soname,libkmtest.so.7"}, "libkmtest.so");
    CHECK(read_soname(with) == "libkmtest.so.7");
    auto without = test::compile_c(dir.path(), "b.c", "int g(void) { return 1; }\n", {"-shared", "-fPIC"}, "libb.so");
    CHECK(read_soname(without).empty());
    write_file_atomic(dir / "libscript.so", "/* GNU ld script */\nGROUP ( libc.so.6 )\n");
    CHECK(read_soname(dir / "libscript.so").empty());
    CHECK(read_soname(dir / "missing.so").empty());
}

TEST_CASE("elf_symbols: archives, and clear errors for what is not ELF") {
    test::TempDir dir;
    test::compile_c(dir.path(), "a.c", "int a;\n", {"-c"}, "a.o");
    test::compile_c(dir.path(), "b.c", "int b;\n", {"-c"}, "b.o");
    test::run({"ar", "rcD", "libab.a", "a.o", "b.o"}, dir.path());
    auto members = read_archive(dir / "libab.a");
    REQUIRE(members.size() == 2);
    CHECK(members[0].name == "a.o");
    CHECK(read_object(members[1].bytes, "b.o").defined.at(0).name == "b");

    write_file_atomic(dir / "junk.o", "this is not an object");
    CHECK_THROWS_WITH(read_object(read_file(dir / "junk.o"), "junk.o"), Catch::StartsWith("junk.o: not a valid object file"));
    std::string truncated = read_file(dir / "a.o").substr(0, 100);
    CHECK_THROWS_WITH(read_object(truncated, "cut.o"), Catch::StartsWith("cut.o:"));
    CHECK_THROWS_WITH(read_shared_object(dir / "a.o"), (dir / "a.o").string() + ": not a shared object");
    write_file_atomic(dir / "bad.a", "!<arch>\nnonsense");
    CHECK_THROWS_WITH(read_archive(dir / "bad.a"), Catch::StartsWith((dir / "bad.a").string() + ":"));
}

TEST_CASE("elf_symbols: truncated archives give an error, never a read past the end") {
    test::TempDir dir;
    test::compile_c(dir.path(), "a.c", "int a;\n", {"-c"}, "a.o");
    test::compile_c(dir.path(), "b.c", "int b;\n", {"-c"}, "b.o");
    test::run({"ar", "rcD", "libab.a", "a.o", "b.o"}, dir.path());
    std::string whole = read_file(dir / "libab.a");
    for (size_t n = 8; n < whole.size(); n += 7) {
        write_file_atomic(dir / "cut.a", whole.substr(0, n));
        try {
            read_archive(dir / "cut.a");
        } catch (const Error &e) {
            CHECK(std::string(e.what()).rfind((dir / "cut.a").string() + ":", 0) == 0);
        }
    }
    CHECK_THROWS_WITH(read_archive(dir / "a.o"), (dir / "a.o").string() + ": not an archive");
}

TEST_CASE("elf_symbols: a static program's functions and data, hidden ones included") {
    test::TempDir dir;
    test::compile_c(dir.path(), "p.c",
                    "#include <string.h>\nint program_data = 3;\n"
                    "__attribute__((visibility(\"hidden\"))) int hidden_fn(void) { return 1; }\n"
                    "int main(int c, char **v) { return (int)strlen(v[0]) + hidden_fn() + program_data; }\n",
                    {"-static", "-O1"}, "p");
    auto symbols = read_program_symbols(dir / "p");
    CHECK(find(symbols, "main"));
    CHECK(find(symbols, "program_data")->kind == SymbolKind::Data);
    CHECK(find(symbols, "hidden_fn"));
    REQUIRE(find(symbols, "strlen")); // an IFUNC, and hidden in a static glibc link
    CHECK(find(symbols, "strlen")->kind == SymbolKind::Ifunc);
    CHECK(std::is_sorted(symbols.begin(), symbols.end(),
                         [](const ElfSymbol &a, const ElfSymbol &b) { return a.name < b.name; }));
    CHECK_THROWS_WITH(read_program_symbols(test::compile_c(dir.path(), "o.c", "int x;\n", {"-c"}, "o.o")),
                      Catch::EndsWith("not a linked program"));
}

TEST_CASE("elf_symbols: with mold, hidden globals demoted to local still count, file statics do not") {
    // mold demotes hidden globals to local (keeping STV_HIDDEN), and without
    // --export-dynamic every other global of an executable as well.
    test::TempDir dir;
    test::compile_c(dir.path(), "p.c",
                    "#include <string.h>\n"
                    "__attribute__((visibility(\"hidden\"))) int hidden_fn(int x) { return x + 1; }\n"
                    "static int file_static(int x) { return x * 3; }\n"
                    "int (*volatile keep)(int) = file_static;\n"
                    "int main(int c, char **v) { return (int)strlen(v[0]) + hidden_fn(c) + keep(c); }\n",
                    {"-static", "-O1", "-fuse-ld=mold", "-Wl,--export-dynamic"}, "p"); // as kmpack links
    auto symbols = read_program_symbols(dir / "p");
    CHECK(find(symbols, "hidden_fn"));
    CHECK(find(symbols, "strlen"));
    CHECK(find(symbols, "main"));
    CHECK_FALSE(find(symbols, "file_static"));
}
