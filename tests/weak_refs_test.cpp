// Weak references: read from objects and archives compiled here, resolved
// against libraries, bound in a real static link.
#include "kmpack/weak_refs.h"

#include "fake_runner.h"
#include "kmpack/link_inputs.h"
#include "kmpack/system_libs.h"
#include "test_util.h"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace kmpack;

namespace {

// libxml2's threads.c, reduced: a weak pthread_equal decides.
const char *kThreads = R"(
#include <pthread.h>
#include <stddef.h>
#pragma weak pthread_equal
extern int km_nowhere(void) __attribute__((weak));
extern void __gmon_start__(void) __attribute__((weak));
int threaded(void) { return pthread_equal != NULL; }
int nowhere(void) { return km_nowhere ? km_nowhere() : -1; }
int profiled(void) { return __gmon_start__ != NULL; }
int strong(void) { return (int)(size_t)pthread_self(); }
)";

WeakScan scan(std::set<std::string> weak, std::set<std::string> defined = {}) {
    return WeakScan{std::move(weak), std::move(defined)};
}

bool contains(const std::vector<std::string> &lines, const std::string &part) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string &l) { return l.find(part) != l.npos; });
}

} // namespace

TEST_CASE("weak_refs: an object's weak undefined references, and an archive's members'") {
    test::TempDir dir;
    auto obj = test::compile_c(dir.path(), "t.c", kThreads, {"-c", "-fPIC", "-O1"}, "t.o");
    WeakScan s = scan_weak_references(obj);
    CHECK(s.weak == std::set<std::string>{"__gmon_start__", "km_nowhere", "pthread_equal"});
    CHECK(s.defined.count("threaded") == 1);
    CHECK(s.weak.count("pthread_self") == 0); // a strong reference

    test::compile_c(dir.path(), "u.c", "extern int weakly(void) __attribute__((weak));\n"
                                        "int u(void) { return weakly ? weakly() : 0; }\n",
                    {"-c", "-fPIC"}, "u.o");
    write_file_atomic(dir / "notes.txt", "not an object\n");
    test::run({"ar", "rcS", "libt.a", "t.o", "u.o", "notes.txt"}, dir.path());
    WeakScan a = scan_weak_references(dir / "libt.a");
    CHECK(a.weak == std::set<std::string>{"__gmon_start__", "km_nowhere", "pthread_equal", "weakly"});
    CHECK(a.defined.count("u") == 1);
}

TEST_CASE("weak_refs: bound to the first library that defines them, else nothing does") {
    std::vector<std::pair<std::string, WeakScan>> sources = {
        {"kmweak: kmweak/_threads.so", scan({"pthread_equal", "km_nowhere", "__gmon_start__", "__start_km_x"})},
        {"libxml2.a (-lxml2 for lxml/etree.so)", scan({"pthread_equal", "strtoflt128", "kmpack_own"})},
        {"renamed", scan({"helper_0123456789abcdef0123456789abcdef_km"})},
    };
    std::vector<std::pair<std::string, WeakScan>> libraries = {
        {"libpython3.11.a", scan({}, {"Py_Initialize"})},
        {"libquadmath.a", scan({}, {"strtoflt128"})},
        {"libc.a", scan({}, {"pthread_equal", "strtoflt128"})},
    };
    auto refs = resolve_weak_references(sources, libraries, {"kmpack_own"});
    REQUIRE(refs.size() == 3); // sorted by symbol; the linker's own, renamed and always linked ones left out
    CHECK(refs[0].symbol == "km_nowhere");
    CHECK(refs[0].library.empty());
    CHECK(refs[0].from == std::vector<std::string>{"kmweak: kmweak/_threads.so"});
    CHECK(refs[1].symbol == "pthread_equal");
    CHECK(refs[1].library == "libc.a");
    CHECK(refs[1].from == std::vector<std::string>{"kmweak: kmweak/_threads.so", "libxml2.a (-lxml2 for lxml/etree.so)"});
    CHECK(refs[2].symbol == "strtoflt128");
    CHECK(refs[2].library == "libquadmath.a"); // the first in link order
}

TEST_CASE("weak_refs: a static link binds them as a dynamic one does, and names what nothing defines") {
    test::TempDir dir;
    test::compile_c(dir.path(), "t.c", kThreads, {"-c", "-O1"}, "t.o");
    test::run({"ar", "rcs", "libkmthr.km.lib.a", "t.o"}, dir.path());
    test::compile_c(dir.path(), "py.c", "int Py_Initialize(void) { return 0; }\n", {"-c"}, "py.o");
    test::run({"ar", "rcS", "libpython3.11.a", "py.o"}, dir.path());
    auto main_o = test::compile_c(dir.path(), "main.c",
                                  "#include <stdio.h>\n"
                                  "int threaded(void); int nowhere(void); int strong(void);\n"
                                  "int main(void) { strong(); printf(\"%d %d\\n\", threaded(), nowhere()); return 0; }\n",
                                  {"-c"}, "main.o");

    LinkPlan plan;
    ModuleRecord m{"kmweak", "kmweak", "k", "lib", "build.log", {}, {}};
    SoRecord so;
    so.path = "kmweak/_threads.so";
    so.artifacts = "libkmthr.km";
    m.shared_objects = {so};
    plan.modules = {m};
    plan.sos = {so};
    plan.libpython = dir / "libpython3.11.a";
    std::vector<fs::path> search = library_search_path(test::system_runner(), {"gcc"}, {});
    test::RecordingStatus status;
    Host host{test::system_runner(), status};
    bind_weak_references(plan, dir.path(), search, {main_o}, 2, host);
    CHECK(plan.undefined == std::vector<std::string>{"pthread_equal"});
    CHECK(contains(status.lines(), "python.km: weak reference to pthread_equal bound to libc.a's definition, as a "
                                   "dynamic link binds it (from kmweak: kmweak/_threads.so)"));
    CHECK(contains(status.lines(), "python.km: warning: kmweak: kmweak/_threads.so: weak reference to km_nowhere, "
                                   "which no library python.km links defines"));
    CHECK_FALSE(contains(status.lines(), "__gmon_start__"));

    // Without the binding pthread_equal stays 0 in a static link; with it, libc.a's.
    std::vector<std::string> link = {"gcc", "-static", "-o", "plain", "main.o", "libkmthr.km.lib.a"};
    test::run(link, dir.path());
    CHECK(test::run({(dir / "plain").string()}) == "0 -1\n");
    link[3] = "bound";
    link.push_back("-Wl,--undefined=" + plan.undefined[0]);
    test::run(link, dir.path());
    CHECK(test::run({(dir / "bound").string()}) == "1 -1\n");
}
