// The link of python.km as a plan and a command line, compared as argv:
// nothing is compiled or linked.
#include "kmpack/link_command.h"

#include "kmpack/build_record.h"
#include "kmpack/error.h"
#include "kmpack/link_plan.h"

#include <catch2/catch.hpp>

using namespace kmpack;

namespace {

SoRecord so(const std::string &path, const std::string &id, std::vector<std::string> libs = {}, bool cxx = false) {
    SoRecord r;
    r.path = path;
    r.id = id;
    r.artifacts = "modules/m/lib/" + path.substr(0, path.size() - 3) + ".km";
    r.libs = std::move(libs);
    r.cxx = cxx;
    return r;
}

BuildRecord sample_record() {
    BuildRecord r;
    r.python.version = "3.11";
    r.python.libpl = "/usr/lib/python3.11/config-3.11-x86_64-linux-gnu";
    r.python.library = "libpython3.11.a";
    r.python.link_libs = {"-lexpat", "-lz", "-lm"};
    ModuleRecord a{"a", "a", "k", "modules/a/lib", "modules/a/build.log", {}, {}};
    a.shared_objects = {so("pa/_x.so", "_x_1_km", {"yaml", "z"}), so("pa/sub/_x.so", "_x_2_km", {"z"}, true)};
    a.shared_objects[0].lib_dirs = {"/opt/yaml/lib"};
    a.shared_objects[1].system_archives = {"/opt/libfoo.a"};
    ModuleRecord b{"b", "b", "k", "modules/b/lib", "modules/b/build.log", {}, {so("pb/_y.so", "_y_3_km", {"stdc++"})}};
    r.modules = {a, b};
    return r;
}

ArtifactRecord artifact_exporting(const std::string &name, const std::string &renamed) {
    ArtifactRecord a;
    a.exports = {{"helper", "helper_r", "function", "global", 0, "x.o"}, {name, renamed, "function", "global", 0, "x.o"}};
    return a;
}

} // namespace

TEST_CASE("link_plan: ids, the finder's modules and the system libraries, each once") {
    LinkOptions o;
    LinkPlan plan = plan_link(sample_record(), "/b", o, [](const SoRecord &) -> ArtifactRecord {
        throw Error("registry mode reads no artifact");
    });
    CHECK(plan.sos.size() == 3);
    CHECK(plan.ids.at("pa/sub/_x.so") == "_x_2_km");
    CHECK(plan.finder_modules.at("pa.sub._x") == "pa/sub/_x.so");
    CHECK(plan.main_object == "/usr/lib/python3.11/config-3.11-x86_64-linux-gnu/python.o");
    CHECK(plan.system.libs == std::vector<std::string>{"yaml", "z", "stdc++"});
    CHECK(plan.system.needed_by.at("z") == std::vector<std::string>{"pa/_x.so", "pa/sub/_x.so"});
    CHECK(plan.system.lib_dirs == std::vector<fs::path>{"/opt/yaml/lib"});
    CHECK(plan.system.cxx);

    o.only_modules = {"b"};
    CHECK(plan_link(sample_record(), "/b", o, nullptr).sos.size() == 1);
    o.only_modules = {"c"};
    CHECK_THROWS_WITH(plan_link(sample_record(), "/b", o, nullptr), "--modules: no module 'c' in this build "
                                                                    "(/b/kmpack-build.json)");
    o.only_modules.clear();
    o.cpython_tree = "/src/Python-3.11.2";
    CHECK(plan_link(sample_record(), "/b", o, nullptr).libpython == "/src/Python-3.11.2/libpython3.11.a");
}

TEST_CASE("link_plan: the library lines' prefixes first, -L relative to the build directory") {
    LinkOptions o;
    BuildRecord r = sample_record();
    r.libraries = {"modules/libx/prefix", "modules/liby/prefix"};
    r.modules[0].shared_objects[0].lib_dirs = {"/b/modules/liby/prefix/lib", "/opt/yaml/lib"};
    LinkPlan plan = plan_link(r, "/b", o, nullptr);
    CHECK(plan.system.lib_dirs == std::vector<fs::path>{"/b/modules/libx/prefix/lib", "/b/modules/liby/prefix/lib",
                                                       "/opt/yaml/lib"});
    CHECK(plan.system.pkg_config_dirs ==
          std::vector<fs::path>{"/b/modules/libx/prefix/lib/pkgconfig", "/b/modules/libx/prefix/share/pkgconfig",
                                "/b/modules/liby/prefix/lib/pkgconfig", "/b/modules/liby/prefix/share/pkgconfig"});
    auto line = link_command(plan, o, "/b", "/b/dist/python.km", "/m.o", {});
    auto at = std::find(line.begin(), line.end(), "-Lmodules/libx/prefix/lib");
    REQUIRE(at != line.end());
    CHECK(*(at + 1) == "-Lmodules/liby/prefix/lib");
    CHECK(*(at + 2) == "-L/opt/yaml/lib");
}

TEST_CASE("link_plan: built-in mode puts each module's renamed PyInit in the inittab") {
    LinkOptions o;
    o.mode = LinkMode::Builtin;
    LinkPlan plan = plan_link(sample_record(), "/b", o, [](const SoRecord &s) {
        return s.path == "pb/_y.so" ? ArtifactRecord{} : artifact_exporting("PyInit__x", "PyInit__x_" + s.id);
    });
    REQUIRE(plan.inittab.size() == 2); // pb/_y.so exports no PyInit: a library, not a module
    CHECK(plan.inittab[1].name == "pa.sub._x");
    CHECK(plan.inittab[1].init == "PyInit__x__x_2_km");

    BuildRecord twice = sample_record();
    twice.modules[1].shared_objects = {so("pa/_x.so", "_x_9_km")};
    CHECK_THROWS_WITH(plan_link(twice, "/b", o,
                                [](const SoRecord &s) { return artifact_exporting("PyInit__x", "r" + s.id); }),
                      Catch::Contains("pa/_x.so and pa/_x.so are both module 'pa._x'"));
}

TEST_CASE("link_command: the link line, in the order every linker accepts") {
    LinkOptions o;
    o.cc = {"gcc", "-static"};
    o.linker = {"lld", "-fuse-ld=lld", "the fastest installed"};
    o.link_args = {"-Wl,--gc-sections"};
    LinkPlan plan = plan_link(sample_record(), "/b", o, nullptr);
    auto line = link_command(plan, o, "/b", "/b/dist/.python.km.tmp.1", "/b/payload/km_python_main.o",
                             {"/b/payload/km_dl.o", "/b/modules/a/lib/pa/_x.km.symbols.o", "/elsewhere/t.o"},
                             /*export_dynamic=*/true);
    CHECK(line == std::vector<std::string>{
                      "gcc", "-static", "-fuse-ld=lld", "-o", "dist/.python.km.tmp.1",
                      "/b/payload/km_python_main.o", "payload/km_dl.o", "modules/a/lib/pa/_x.km.symbols.o",
                      "/elsewhere/t.o", "-Wl,--whole-archive", "modules/m/lib/pa/_x.km.lib.a",
                      "modules/m/lib/pa/sub/_x.km.lib.a", "modules/m/lib/pb/_y.km.lib.a", "-Wl,--no-whole-archive",
                      "/usr/lib/python3.11/config-3.11-x86_64-linux-gnu/libpython3.11.a", "-L/opt/yaml/lib",
                      "-Wl,--start-group", "-lyaml", "-lz", "/opt/libfoo.a", "-Wl,--end-group", "-lexpat", "-lz",
                      "-lm", "-lstdc++", "-lm", "-Wl,--export-dynamic", "-Wl,--gc-sections"});
    // The shipped link (the second, or the only one) exports nothing: no .dynamic section.
    o.linker = {"default", "", "the compiler's own"};
    line = link_command(plan, o, "/b", "/b/dist/python.km", "/m.o", {});
    CHECK(std::find(line.begin(), line.end(), "-Wl,--export-dynamic") == line.end());
    CHECK(line[2] == "-o");
}

TEST_CASE("link_command: generated C compiles from the build directory") {
    LinkOptions o;
    o.cc = {"musl-gcc", "-static"};
    CHECK(compile_command(o, "/b", "/b/payload/km_dl.c", "/b/payload/km_dl.o") ==
          std::vector<std::string>{"musl-gcc", "-static", "-c", "-O2", "-std=gnu11", "-I", "payload",
                                   "payload/km_dl.c", "-o", "payload/km_dl.o"});
    CHECK(compile_command(o, "/b", "/b/payload/main.c", "/b/payload/main.o", false) ==
          std::vector<std::string>{"musl-gcc", "-static", "-c", "-O2", "payload/main.c", "-o", "payload/main.o"});
    // --onefile's main also finds Python.h, searched before payload/.
    CHECK(compile_command(o, "/b", "/b/payload/km_onefile_main.c", "/b/payload/km_onefile_main.o", true,
                          {"/usr/include/python3.11", "/b/tree/Include"}) ==
          std::vector<std::string>{"musl-gcc", "-static", "-c", "-O2", "-I", "/usr/include/python3.11", "-I",
                                   "tree/Include", "-std=gnu11", "-I", "payload", "payload/km_onefile_main.c", "-o",
                                   "payload/km_onefile_main.o"});
}

TEST_CASE("link_command: the launcher goes in front of the compiles, never the link, and in no key") {
    LinkOptions o;
    o.cc = {"gcc", "-static"};
    LinkOptions launched = o;
    launched.launcher = {{"/usr/bin/ccache"}, "--launcher"};
    CHECK(compile_command(launched, "/b", "/b/payload/main.c", "/b/payload/main.o", false) ==
          std::vector<std::string>{"/usr/bin/ccache", "gcc", "-static", "-c", "-O2", "payload/main.c", "-o",
                                   "payload/main.o"});
    LinkPlan plan = plan_link(sample_record(), "/b", o, nullptr);
    CHECK(link_command(plan, launched, "/b", "/b/dist/python.km", "/m.o", {"/b/payload/km_dl.o"}) ==
          link_command(plan, o, "/b", "/b/dist/python.km", "/m.o", {"/b/payload/km_dl.o"}));
    // A relink with a launcher, or without, is not a change.
    CHECK(link_key("record", launched, "/b/dist") == link_key("record", o, "/b/dist"));
    o.cc = {"clang", "-static"};
    CHECK(link_key("record", o, "/b/dist") != link_key("record", launched, "/b/dist"));
}

TEST_CASE("link_command: weak references bound with --undefined, before the archives") {
    LinkOptions o;
    LinkPlan plan = plan_link(sample_record(), "/b", o, nullptr);
    plan.undefined = {"pthread_equal", "statx"};
    auto line = link_command(plan, o, "/b", "/b/dist/python.km", "/m.o", {"/b/payload/km_dl.o"});
    auto at = std::find(line.begin(), line.end(), "payload/km_dl.o");
    REQUIRE(line.end() - at > 3);
    CHECK(std::vector<std::string>(at + 1, at + 4) ==
          std::vector<std::string>{"-Wl,--undefined=pthread_equal", "-Wl,--undefined=statx", "-Wl,--whole-archive"});
}

TEST_CASE("link_command: --libc is in the link key") {
    LinkOptions o;
    LinkOptions used = o;
    used.libc = LibcExports::Used;
    CHECK(o.libc == LibcExports::All); // the default
    CHECK(link_key("record", used, "/b/dist") != link_key("record", o, "/b/dist"));
    CHECK(std::string(libc_exports_name(used.libc)) == "used");
}
