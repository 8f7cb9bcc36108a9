#include "kmpack/assign_ids.h"
#include "kmpack/renamed_archive.h"
#include "kmpack/assign_ids.h"
#include "kmpack/digest.h"
#include "kmpack/assign_ids.h"
#include "kmpack/emit_c.h"
#include "kmpack/assign_ids.h"
#include "kmpack/rename_plan.h"
#include "test_util.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace kmpack;
namespace fs = std::filesystem;

namespace {

// A package-like tree: two objects linked into m.so plus a local archive of
// which only one member is needed.
struct Fixture {
    test::TempDir dir;
    LinkInputs link;

    Fixture() {
        fs::path d = dir.path();
        test::compile_c(d, "m.c",
                        "int shared_counter;\n"
                        "__attribute__((visibility(\"hidden\"))) int hidden_helper(void) { return 7; }\n"
                        "extern int from_b(void); extern int lib_used(void);\n"
                        "extern int getpid(void);\n"
                        "int PyInit_m(void) { return getpid() + hidden_helper() + from_b() + lib_used(); }\n"
                        "__attribute__((constructor)) static void ctor(void) { shared_counter = 1; }\n",
                        {"-c", "-fPIC"}, "m.o");
        test::compile_c(d, "b.c", "int from_b(void) { return 2; }\n", {"-c", "-fPIC"}, "b.o");
        test::compile_c(d, "used.c", "int lib_used(void) { return 3; }\n", {"-c", "-fPIC"}, "used.o");
        test::compile_c(d, "unused.c", "extern int nowhere(void); int lib_unused(void) { return nowhere(); }\n",
                        {"-c", "-fPIC"}, "unused.o");
        test::run({"ar", "rcD", "liblocal.a", "used.o", "unused.o"}, d);
        test::run({"gcc", "-shared", "m.o", "b.o", "-L.", "-llocal", "-o", "m.so"}, d);
        CaptureRecord r;
        r.cwd = d;
        r.argv = {"gcc", "-shared", "m.o", "b.o", "-L.", "-llocal", "-o", "m.so"};
        link = parse_link(r, d, {}); // no map: kmpack works out the pulled members itself
    }
};

} // namespace

TEST_CASE("rename_plan: every global the objects define is renamed, nothing else") {
    Fixture f;
    std::string md5 = md5_file(f.dir / "m.so");
    SoPlan plan = plan_shared_object(f.link, "pkg/m.so", f.dir.path(), md5, md5);
    CHECK(plan.id == "m_" + md5 + "_km");
    CHECK(plan.md5 == test::run({"md5sum", (f.dir / "m.so").string()}).substr(0, 32));
    std::vector<std::string> renamed;
    for (const auto &[old_name, new_name] : plan.symmap) {
        renamed.push_back(old_name);
        CHECK(new_name == old_name + "_" + md5 + "_km");
    }
    CHECK(renamed == std::vector<std::string>{"PyInit_m", "from_b", "hidden_helper", "lib_used", "shared_counter"});
    REQUIRE(plan.inputs.size() == 3); // m.o, b.o and liblocal.a(used.o), not unused.o
    CHECK(plan.inputs[2].display == "liblocal.a(used.o)");
    std::vector<std::string> exported;
    for (const auto &e : plan.exports)
        exported.push_back(e.name);
    CHECK(exported == std::vector<std::string>{"PyInit_m", "from_b", "lib_used", "shared_counter"});
    REQUIRE(plan.init.size() == 1);
    CHECK(plan.init[0].section == "km_init_" + md5);
    CHECK(plan.section_renames.at(".init_array") == "km_init_" + md5);
}

TEST_CASE("rename_plan: renamed objects and a deterministic archive") {
    Fixture f;
    std::string md5 = md5_file(f.dir / "m.so");
    SoPlan plan = plan_shared_object(f.link, "pkg/m.so", f.dir.path(), md5, md5);
    std::string renamed = rename_object(plan.inputs[0], plan);
    ObjectSymbols s = read_object(renamed, "renamed m.o");
    std::vector<std::string> defined, undefined = s.undefined;
    for (const auto &d : s.defined)
        defined.push_back(d.name);
    std::sort(defined.begin(), defined.end());
    std::sort(undefined.begin(), undefined.end());
    CHECK(defined == std::vector<std::string>{"PyInit_m_" + md5 + "_km", "hidden_helper_" + md5 + "_km",
                                              "shared_counter_" + md5 + "_km"});
    // References inside the .so follow the rename; getpid (libc) is left alone.
    auto has = [&](const std::string &name) { return std::count(undefined.begin(), undefined.end(), name) == 1; };
    CHECK(has("from_b_" + md5 + "_km"));
    CHECK(has("lib_used_" + md5 + "_km"));
    CHECK(has("getpid"));
    CHECK_FALSE(has("from_b"));
    CHECK(std::count(s.sections.begin(), s.sections.end(), "km_init_" + md5) == 1);
    // LLVM names the relocations of a renamed section ".rela" + its new name.
    CHECK(std::count(s.sections.begin(), s.sections.end(), ".relakm_init_" + md5) == 1);
    CHECK(std::count(s.sections.begin(), s.sections.end(), ".init_array") == 0);

    // Plain data to every linker: an SHT_INIT_ARRAY section would still be run
    // before main by linkers that gather sections by type (mold).
    write_file_atomic(f.dir / "renamed.o", renamed);
    std::string sections = test::run({"readelf", "-SW", (f.dir / "renamed.o").string()});
    CHECK(sections.find("km_init_" + md5 + " PROGBITS") != std::string::npos);
    CHECK(sections.find("INIT_ARRAY") == std::string::npos);

    std::string a1 = renamed_archive(plan), a2 = renamed_archive(plan);
    CHECK(a1 == a2);
    write_file_atomic(f.dir / "out.a", a1);
    CHECK(test::run({"ar", "t", (f.dir / "out.a").string()}) == "000-m.o\n001-b.o\n002-used.o\n");
    std::string tv = test::run({"ar", "tv", (f.dir / "out.a").string()});
    CHECK(tv.find("Jan  1 00:00 1970") != std::string::npos); // no dates
}

TEST_CASE("rename_plan: identical .so files get distinct digests") {
    auto d = choose_digests({"aa", "bb", "aa"}, {"p/x/u.so", "p/y.so", "p/z/u.so"});
    CHECK(d[1] == "bb");
    CHECK(d[0] != "aa");
    CHECK(d[0] != d[2]);
    CHECK(d[0] == md5_hex(std::string("aa") + '\0' + "p/x/u.so"));
}

TEST_CASE("rename_plan: module names become identifiers") {
    CHECK(module_of("uri.cpython-311-x86_64-linux-gnu.so") == "uri");
    CHECK(module_of("_psutil_linux.abi3.so") == "_psutil_linux");
    CHECK(module_of("lib-foo.so") == "lib_foo");
    CHECK(module_of("3d.so") == "m3d");
}

TEST_CASE("rename_plan: constructor and destructor sections keep the loader's order") {
    test::TempDir dir;
    fs::path d = dir.path();
    test::compile_c(d, "p.c",
                    "int order[8]; int n;\n"
                    "__attribute__((constructor(200))) static void c200(void) { order[n++] = 200; }\n"
                    "__attribute__((constructor(101))) static void c101(void) { order[n++] = 101; }\n"
                    "__attribute__((constructor)) static void plain(void) { order[n++] = 1; }\n"
                    "__attribute__((destructor(150))) static void d150(void) { order[n++] = -150; }\n"
                    "__attribute__((destructor)) static void dplain(void) { order[n++] = -1; }\n"
                    "int PyInit_p(void) { return n; }\n",
                    {"-c", "-fPIC"}, "p.o");
    test::run({"gcc", "-shared", "p.o", "-o", "p.so"}, d);
    CaptureRecord r;
    r.cwd = d;
    r.argv = {"gcc", "-shared", "p.o", "-o", "p.so"};
    SoPlan plan = plan_shared_object(parse_link(r, d, {}), "p.so", d, "x", "d");
    std::vector<std::string> init, fini;
    for (const auto &s : plan.init)
        init.push_back(s.section);
    for (const auto &s : plan.fini)
        fini.push_back(s.section);
    // Prioritised first, lowest number first, then the plain ones; the runtime
    // runs the fini ranges in reverse.
    CHECK(init == std::vector<std::string>{"km_init_d_p00101", "km_init_d_p00200", "km_init_d"});
    CHECK(fini == std::vector<std::string>{"km_fini_d_p00150", "km_fini_d"});
    CHECK(plan.section_renames.at(".init_array.00200") == "km_init_d_p00200");
}

TEST_CASE("rename_plan: an object for another architecture, or one that is gone, is named in the error") {
    Fixture f;
    std::string md5 = md5_file(f.dir / "m.so");
    // e_machine (offset 18) of b.o says AArch64.
    std::string bytes = read_file(f.dir / "b.o");
    bytes[18] = static_cast<char>(183);
    bytes[19] = 0;
    write_file_atomic(f.dir / "b.o", bytes);
    CHECK_THROWS_WITH(plan_shared_object(f.link, "pkg/m.so", f.dir.path(), md5, md5),
                      "b.o: built for AArch64, but pkg/m.so is x86-64");
    fs::remove(f.dir / "b.o");
    CHECK_THROWS_WITH(plan_shared_object(f.link, "pkg/m.so", f.dir.path(), md5, md5),
                      (f.dir / "m.so").string() + ": its object " + (f.dir / "b.o").string() +
                          " is gone (the package build deleted or moved it)");
}

TEST_CASE("rename_plan: a .so linked against another .so of the build imports its renamed exports") {
    test::TempDir dir;
    fs::path d = dir.path();
    test::compile_c(d, "dep.c", "int dep_fn(int x) { return x + 1; }\nint dep_unused;\n", {"-shared", "-fPIC"},
                    "libdep.so");
    test::compile_c(d, "m.c", "int dep_fn(int);\nint PyInit_m(void) { return dep_fn(1); }\n", {"-c", "-fPIC"}, "m.o");
    test::run({"gcc", "-shared", "m.o", "libdep.so", "-o", "m.so"}, d);
    CaptureRecord r;
    r.cwd = d;
    r.argv = {"gcc", "-shared", "m.o", "libdep.so", "-o", "m.so"};
    LinkInputs link = parse_link(r, d, {});
    std::map<fs::path, SiblingSo> siblings = {{d / "libdep.so", {d / "libdep.so", "pkg/libdep.so", "feed"}}};
    SoPlan plan = plan_shared_object(link, "pkg/m.so", d, "x", "d", siblings);
    CHECK(plan.imports == std::map<std::string, std::string>{{"dep_fn", "dep_fn_feed_km"}});
    CHECK(plan.needed == std::vector<std::string>{"pkg/libdep.so"});
    CHECK_FALSE(plan.symmap.count("dep_fn"));
    // The renamed object refers to the dependency's renamed name.
    std::string renamed = rename_object(plan.inputs[0], plan);
    auto undefined = read_object(renamed, "m.o").undefined;
    CHECK(std::count(undefined.begin(), undefined.end(), "dep_fn_feed_km") == 1);
    // The generated registration lists the dependency.
    CHECK(emit_symbols_c(plan).find("static const char *const km_needed[] = {\n    \"pkg/libdep.so\",") !=
          std::string::npos);
    // A package-local .so that is not part of the build cannot be held.
    CHECK_THROWS_WITH(plan_shared_object(link, "pkg/m.so", d, "x", "d", {}),
                      "pkg/m.so: links against libdep.so, a shared library the package builds but does not install; "
                      "python.km can only hold .so files that are part of the installed package");
}

TEST_CASE("rename_plan: a Rust library outside the package is the .so's own, its lib.rmeta left out") {
    // An .rlib (Rust's standard library in the toolchain's rustlib/) is an
    // ar archive with a member that is not an object; it belongs to each .so
    // that links it and is renamed with it.
    test::TempDir pkg, toolchain;
    test::compile_c(toolchain.path(), "alloc.c",
                    "int __rust_alloc_shim(int n) { return n + 1; }\n", {"-c", "-fPIC"}, "std-1.std.0.rcgu.o");
    write_file_atomic(toolchain / "lib.rmeta", "rust\x00\x00\x00\x06 metadata, not an object");
    test::run({"ar", "rcD", "libstd-1.rlib", "std-1.std.0.rcgu.o", "lib.rmeta"}, toolchain.path());
    test::compile_c(pkg.path(), "m.c", "extern int __rust_alloc_shim(int);\nint PyInit_m(void) { return __rust_alloc_shim(1); }\n",
                    {"-c", "-fPIC"}, "m.o");
    fs::path rlib = toolchain / "libstd-1.rlib";
    test::run({"gcc", "-shared", "m.o", rlib.string(), "-o", "m.so"}, pkg.path());
    CaptureRecord r;
    r.cwd = pkg.path();
    r.argv = {"cc", "-shared", "m.o", "-Wl,-Bstatic", rlib.string(), "-Wl,-Bdynamic", "-lgcc_s", "-lc", "-o", "m.so"};
    LinkInputs link = parse_link(r, pkg.path(), {});
    REQUIRE(link.archives.size() == 1);
    CHECK(link.archives[0].path == rlib);
    CHECK(link.system_archives.empty());
    std::string md5 = md5_file(pkg / "m.so");
    SoPlan plan = plan_shared_object(link, "pkg/m.so", pkg.path(), md5, md5);
    REQUIRE(plan.inputs.size() == 2); // m.o and the one object of the .rlib
    CHECK(plan.inputs[1].member == "std-1.std.0.rcgu.o");
    CHECK(plan.symmap.at("__rust_alloc_shim") == "__rust_alloc_shim_" + md5 + "_km");
    CHECK(plan.system_libs == std::vector<std::string>{"gcc_eh", "gcc", "c"});

    // Bitcode embedded beside the code (rustc's std has it) is dropped: it
    // still has the old names, and nm and GNU ld read it through LLVMgold.
    write_file_atomic(toolchain / "bc", "BC\xc0\xde not really bitcode");
    test::run({"objcopy", "--add-section", ".llvmbc=bc", "--set-section-flags", ".llvmbc=exclude",
               "std-1.std.0.rcgu.o", "with-bc.o"}, toolchain.path());
    plan.inputs[1].bytes = read_file(toolchain / "with-bc.o");
    CHECK(read_object(plan.inputs[1].bytes, "with-bc.o").sections.size() >
          read_object(read_file(toolchain / "std-1.std.0.rcgu.o"), "plain.o").sections.size());
    write_file_atomic(toolchain / "renamed.o", rename_object(plan.inputs[1], plan));
    std::string sections = test::run({"readelf", "-SW", (toolchain / "renamed.o").string()});
    CHECK(sections.find(".llvmbc") == std::string::npos);
    CHECK(test::run({"nm", (toolchain / "renamed.o").string()}).find("__rust_alloc_shim_" + md5 + "_km") !=
          std::string::npos);
}

TEST_CASE("rename_plan: a link option names paths below the module's directory relative to it") {
    fs::path root = "/b/e2e/modules/kmrusta";
    CHECK(recorded_option("-Wl,--version-script=/b/e2e/modules/kmrusta/rust-temp/link-x.so/list", root) ==
          "-Wl,--version-script=rust-temp/link-x.so/list");
    CHECK(recorded_option("-Wl,-rpath,/b/e2e/modules/kmrusta/lib:/b/e2e/modules/kmrusta/x", root) ==
          "-Wl,-rpath,lib:x");
    CHECK(recorded_option("-Wl,--as-needed", root) == "-Wl,--as-needed");
    // Not a path of the module: another directory whose name begins the same, or one
    // that only ends with it.
    CHECK(recorded_option("-Wl,-T,/b/e2e/modules/kmrustab/l.ld", root) == "-Wl,-T,/b/e2e/modules/kmrustab/l.ld");
    CHECK(recorded_option("-Wl,-T,/x/b/e2e/modules/kmrusta/l.ld", root) == "-Wl,-T,/x/b/e2e/modules/kmrusta/l.ld");
}
