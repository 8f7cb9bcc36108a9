#include "kmpack/overrides.h"
#include "kmpack/fs.h"
#include "test_util.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace kmpack;

namespace {

// A system library in the way reference LAPACK is one: libkmsys.a, whose
// kmsys_run calls kmsys_check, which reports through kmsys_error (the
// handler a package may replace, as xerbla_); kmsys_other calls nothing of
// it, and nothing calls kmsys_unused.
struct SystemLibrary {
    test::TempDir dir;
    SystemLibrary() {
        std::vector<std::string> objects;
        auto object = [&](const std::string &name, const std::string &source) {
            test::compile_c(dir.path(), name + ".c", source, {"-c", "-fPIC"}, name + ".o");
            objects.push_back(name + ".o");
        };
        object("handler", "int kmsys_errors;\nvoid kmsys_error(int code) { kmsys_errors += code; }\n");
        object("check", "void kmsys_error(int);\nint kmsys_check(int x) { if (x < 0) kmsys_error(1); return x; }\n");
        object("run", "int kmsys_check(int);\nint kmsys_run(int x) { return kmsys_check(x) * 2; }\n");
        object("other", "int kmsys_other(int x) { return x + 1; }\n");
        object("unused", "void kmsys_error(int);\nvoid kmsys_unused(void) { kmsys_error(2); }\n");
        std::vector<std::string> ar = {"ar", "rcs", "libkmsys.a"};
        ar.insert(ar.end(), objects.begin(), objects.end());
        test::run(ar, dir.path());
    }
};

InputObject package_object(const fs::path &dir, const std::string &source) {
    test::compile_c(dir, "mod.c", source, {"-c", "-fPIC"}, "mod.o");
    InputObject in;
    in.path = dir / "mod.o";
    in.display = "mod.o";
    in.bytes = read_file(in.path);
    in.symbols = read_object(in.bytes, in.display);
    return in;
}

std::vector<std::string> members(const OverrideCopies &c) {
    std::vector<std::string> names;
    for (const auto &m : c.members)
        names.push_back(m.member);
    std::sort(names.begin(), names.end());
    return names;
}

const char *kOverriding = "int kmsys_run(int), kmsys_other(int);\n"
                          "int kmpkg_seen;\n"
                          "void kmsys_error(int code) { kmpkg_seen = code; }\n"
                          "int use(int x) { return kmsys_run(x) + kmsys_other(x); }\n";

} // namespace

TEST_CASE("overrides: the members that reach an overridden symbol become the .so's own") {
    SystemLibrary lib;
    test::TempDir pkg;
    InputObject mod = package_object(pkg.path(), kOverriding);
    auto copies = plan_overrides({mod}, {{"kmsys_error"}, {"use"}, {"PyInit_mod"}}, {"kmsys"}, {lib.dir.path()});
    // run.o calls check.o, which calls kmsys_error: both are copied. The
    // library's own handler is not (the package's wins), nor other.o (calls
    // none of it) nor unused.o (nothing pulls it).
    CHECK(members(copies) == std::vector<std::string>{"check.o", "run.o"});
    for (const auto &m : copies.members) {
        CHECK(m.path == lib.dir / "libkmsys.a");
        CHECK(m.display == (lib.dir / "libkmsys.a").string() + "(" + m.member + ")");
        CHECK_FALSE(m.bytes.empty());
    }
    REQUIRE(copies.notes.size() == 1);
    CHECK(copies.notes[0] ==
          "overrides kmsys_error of its system libraries: 2 members of libkmsys.a that call it are the .so's own copies");
}

TEST_CASE("overrides: none without an exported definition the library calls") {
    SystemLibrary lib;
    test::TempDir pkg;
    InputObject mod = package_object(pkg.path(), kOverriding);
    // Not exported (hidden, or a version script): dynamically it overrides nothing either.
    CHECK(plan_overrides({mod}, {{"use"}, {"PyInit_mod"}}, {"kmsys"}, {lib.dir.path()}).members.empty());
    // The library is not linked.
    CHECK(plan_overrides({mod}, {{"kmsys_error"}}, {}, {lib.dir.path()}).members.empty());
    // A package that calls the library but defines none of its symbols.
    test::TempDir plain;
    InputObject user = package_object(plain.path(), "int kmsys_run(int);\nint use(int x) { return kmsys_run(x); }\n");
    CHECK(plan_overrides({user}, {{"use"}}, {"kmsys"}, {lib.dir.path()}).members.empty());
    // The C library is never copied, whatever the package exports.
    test::TempDir libc_user;
    InputObject own_exit = package_object(libc_user.path(), "void abort(void) { for (;;) ; }\n");
    CHECK(plan_overrides({own_exit}, {{"abort"}}, {"c", "m"}, {"/usr/lib/x86_64-linux-gnu"}).members.empty());
}

TEST_CASE("overrides: a library that calls the symbol only from members the .so does not link") {
    SystemLibrary lib;
    test::TempDir pkg;
    // Calls only kmsys_other: the one member that calls kmsys_error and is
    // pulled is none; unused.o would call it but is not linked.
    InputObject mod = package_object(pkg.path(), "int kmsys_other(int);\nvoid kmsys_error(int c) { (void)c; }\n"
                                                 "int use(int x) { return kmsys_other(x); }\n");
    auto copies = plan_overrides({mod}, {{"kmsys_error"}}, {"kmsys"}, {lib.dir.path()});
    CHECK(copies.members.empty());
    REQUIRE(copies.notes.size() == 1);
    CHECK(copies.notes[0] == "overrides kmsys_error of its system libraries: none of their members it links calls it");
}
