// The whole pipeline on small packages written by the tests themselves.
#include "kmpack/error.h"
#include "kmpack/pipeline.h"
#include "fake_runner.h"
#include "test_util.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace kmpack;
namespace fs = std::filesystem;

namespace {

BuildOptions options_for(const test::TempDir &dir) {
    BuildOptions o;
    o.manifest = dir / "modules.txt";
    o.build_dir = dir / "kb";
    o.python = KMPACK_TEST_PYTHON;
    o.system_stdlib = true; // --python's own libpython: the interpreter from source is e2e_build's
    o.cache_dir = dir / "cache"; // a module cache of its own, empty
    o.jobs = 2;
    o.capture_tool = KMPACK_CAPTURE_TOOL;
    return o;
}

std::string build_error(const BuildOptions &o) {
    test::SystemHost host;
    try {
        run_build(o, host);
    } catch (const Error &e) {
        return e.what();
    }
    return "(no error)";
}

// A one-module package: setup.py building PKG/_m from m.c, with `extra` in Extension(...).
void write_package(const fs::path &dir, const std::string &c_source, const std::string &extra = "",
                   const std::string &pkg = "pkg") {
    write_file_atomic(dir / "setup.py", "from setuptools import setup, Extension\n"
                                        "setup(name='" + pkg + "', version='1.0', packages=['" + pkg + "'],\n"
                                        "      ext_modules=[Extension('" + pkg + "._m', ['m.c']" + extra + ")])\n");
    write_file_atomic(dir / pkg / "__init__.py", "");
    write_file_atomic(dir / "m.c", c_source);
}

const char *kModule = "#include <Python.h>\n"
                      "static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, \"_m\", 0, -1, 0};\n"
                      "PyMODINIT_FUNC PyInit__m(void) { return PyModule_Create(&def); }\n";

} // namespace

TEST_CASE("pipeline: a pip build gives the same artifacts as setup.py") {
    test::TempDir dir;
    write_package(dir / "pkg", kModule);
    write_file_atomic(dir / "modules.txt", "pkg pkg build=pip\n");
    BuildOptions o = options_for(dir);
    o.link = false;
    test::SystemHost host;
    BuildResult r = run_build(o, host);
    REQUIRE(r.modules.size() == 1);
    REQUIRE(r.modules[0].shared_objects.size() == 1);
    const auto &so = r.modules[0].shared_objects[0];
    CHECK(so.path == "pkg/_m.cpython-311-x86_64-linux-gnu.so");
    CHECK(so.exports == 1);
    CHECK(host.out.str().find("pkg: build/pip") != std::string::npos);
    auto build = nlohmann::json::parse(read_file(dir / "kb/kmpack-build.json"));
    std::string stem = build["modules"][0]["shared_objects"][0]["artifacts"];
    for (const char *what : {".json", ".symmap", ".symbols.c", ".lib.a"})
        CHECK(fs::exists(dir / "kb" / (stem + what)));
    CHECK(read_file(dir / "kb" / (stem + ".symmap")).rfind("PyInit__m PyInit__m_", 0) == 0);
}

TEST_CASE("pipeline: an invalid modules.txt builds nothing") {
    test::TempDir dir;
    write_package(dir / "pkg", kModule);
    write_file_atomic(dir / "modules.txt", "pkg pkg\nother pkg subdri=x\n");
    BuildOptions o = options_for(dir);
    CHECK(build_error(o) == (dir / "modules.txt").string() +
                                ":2: unknown setting 'subdri' (did you mean 'subdir'?)");
    CHECK_FALSE(fs::exists(dir / "kb"));
}

TEST_CASE("pipeline: two modules installing the same package path are an error naming both lines") {
    test::TempDir dir;
    write_package(dir / "a", kModule);
    write_package(dir / "b", kModule); // a fork of a under another name: the same pkg/_m
    write_file_atomic(dir / "modules.txt", "a a\nb b\n");
    BuildOptions o = options_for(dir);
    std::string manifest = (dir / "modules.txt").string();
    CHECK(build_error(o) == manifest + ":2: module 'b' installs pkg/_m.cpython-311-x86_64-linux-gnu.so, as module 'a' (" +
                                manifest + ":1) does; python.km holds one library per path: remove one of the lines, "
                                           "or add skip=pkg/_m.cpython-311-x86_64-linux-gnu.so to one");
    CHECK_FALSE(fs::exists(dir / "kb/dist/python.km"));
    // With -k: 'b' fails with that error, 'a' is built, nothing is linked.
    o.keep_going = true;
    test::SystemHost host;
    BuildResult r = run_build(o, host);
    REQUIRE(r.modules.size() == 2);
    CHECK(r.modules[0].state == ModuleState::Built);
    CHECK(r.modules[1].failed());
    CHECK_THAT(r.modules[1].error, Catch::Contains("as module 'a'"));
    CHECK_FALSE(fs::exists(dir / "kb/dist/python.km"));
    // Skipping it in one of them builds and links.
    write_file_atomic(dir / "modules.txt", "a a\nb b skip=pkg/_m.cpython-311-x86_64-linux-gnu.so\n");
    o.keep_going = false;
    CHECK(build_error(o) == "(no error)");
    CHECK(fs::exists(dir / "kb/dist/python.km"));
}

TEST_CASE("pipeline: a failing package build names the module, the status and the log") {
    test::TempDir dir;
    write_package(dir / "pkg", "#error this package does not compile\n");
    write_file_atomic(dir / "modules.txt", "pkg pkg\n");
    std::string e = build_error(options_for(dir));
    CHECK(e.rfind("pkg: the package's build failed (exit status 1)", 0) == 0);
    CHECK(e.find("this package does not compile") != std::string::npos); // the log's tail
    CHECK(e.find("full log: " + (dir / "kb/modules/pkg/build.log").string()) != std::string::npos);
}

TEST_CASE("pipeline: a package with no extension module is pure Python, shipped as it is") {
    test::TempDir dir;
    write_file_atomic(dir / "pure/setup.py", "from setuptools import setup\nsetup(name='pure', py_modules=['p'])\n");
    write_file_atomic(dir / "pure/p.py", "ANSWER = 42\n");
    write_file_atomic(dir / "modules.txt", "pure pure\n");
    BuildOptions o = options_for(dir);
    test::SystemHost host;
    BuildResult r = run_build(o, host);
    REQUIRE(r.modules.size() == 1);
    CHECK(r.modules[0].pure);
    CHECK(r.modules[0].status() == "built, pure Python");
    CHECK(r.modules[0].shared_objects.empty());
    CHECK(r.linked);
    CHECK(read_file(dir / "kb/dist/lib/p.py") == "ANSWER = 42\n");
    CHECK(test::run({(dir / "kb/dist/python.km").string(), "-c", "import p; print(p.ANSWER)"}, dir.path()) == "42\n");
    // Again: up to date, still pure.
    r = run_build(o, host);
    CHECK(r.modules[0].status() == "up to date, pure Python");
}

TEST_CASE("pipeline: a .so linked outside the capture wrapper is named as such, not taken for pure Python") {
    // As cargo links when nothing routes it: with its own `cc`, not $CC or $LDSHARED.
    test::TempDir dir;
    write_file_atomic(dir / "pkg/setup.py",
                      "import os, subprocess\n"
                      "from setuptools import setup\n"
                      "from setuptools.command.build_py import build_py\n"
                      "class build_so(build_py):\n"
                      "    def run(self):\n"
                      "        super().run()\n"
                      "        out = os.path.join(self.build_lib, 'pkg', '_m.so')\n"
                      "        subprocess.check_call(['gcc', '-shared', '-fPIC', '-o', out, 'm.c'])\n"
                      "setup(name='pkg', version='1.0', packages=['pkg'], cmdclass={'build_py': build_so})\n");
    write_file_atomic(dir / "pkg/pkg/__init__.py", "");
    write_file_atomic(dir / "pkg/m.c", "int f(void) { return 1; }\n");
    write_file_atomic(dir / "modules.txt", "pkg pkg\n");
    CHECK(build_error(options_for(dir)) ==
          (dir / "modules.txt").string() + ":1: no extension module of 'pkg' is left to link:\n"
          "  pkg/_m.so: in the installed package, but kmpack saw no link make it (linked outside the capture "
          "wrapper, or copied in ready-made): it has no objects to take apart\n"
          "  (kmpack sets CC, CXX, LDSHARED and, for cargo, rustc's linker to its capture wrapper; a build tool "
          "that links some other way must be pointed at kmpack-capture)");
}

TEST_CASE("pipeline: a system library with no static archive stops the link with a clear message") {
    test::TempDir dir;
    // libkmonlyshared exists only as a .so, outside the package.
    test::compile_c(dir.path(), "only.c", "int only_shared(void) { return 1; }\n", {"-shared", "-fPIC"},
                    "libkmonlyshared.so");
    test::compile_c(dir.path(), "too.c", "int only_too(void) { return 2; }\n", {"-shared", "-fPIC"},
                    "libkmonlytoo.so");
    write_package(dir / "pkg",
                  std::string(kModule) +
                      "extern int only_shared(void), only_too(void);\nint use(void) { return only_shared() + only_too(); }\n",
                  ", libraries=['kmonlyshared', 'kmonlytoo'], library_dirs=['" + dir.path().string() + "']");
    write_file_atomic(dir / "modules.txt", "pkg pkg\n");
    std::string e = build_error(options_for(dir));
    // Both in one run, each with the .so that needs it.
    CHECK(e.rfind("2 of the libraries python.km links have no static archive for python.km", 0) == 0);
    CHECK(e.find("\n  -lkmonlytoo: no libkmonlytoo.a, needed by pkg/_m.cpython-311-x86_64-linux-gnu.so\n") !=
          std::string::npos);
    CHECK(e.find("\n  -lkmonlyshared: no libkmonlyshared.a, needed by pkg/_m.cpython-311-x86_64-linux-gnu.so\n") !=
          std::string::npos);
    CHECK(e.find("searched:\n    " + dir.path().string()) != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "kb/dist/python.km"));
    // The modules were built: the error carries them, for the summary.
    test::SystemHost host;
    try {
        run_build(options_for(dir), host);
        FAIL("the link succeeded");
    } catch (const LinkFailed &failed) {
        REQUIRE(failed.result.modules.size() == 1);
        CHECK(failed.result.modules[0].name == "pkg");
        CHECK(failed.result.modules[0].status() == "up to date");
        CHECK(std::string(failed.what()) == e);
    }
}

TEST_CASE("pipeline: a build directory inside a directory source is refused before anything runs") {
    test::TempDir dir;
    write_package(dir / "pkg", kModule);
    write_file_atomic(dir / "modules.txt", "pkg pkg\n");
    BuildOptions o = options_for(dir);
    o.build_dir = dir / "pkg/kb";
    CHECK(build_error(o) == (dir / "modules.txt").string() + ":1: the build directory " + (dir / "pkg/kb").string() +
                                " is inside the source of 'pkg', which is copied into it; choose another with -B");
    CHECK_FALSE(fs::exists(dir / "pkg/kb"));
}

namespace {

BuildResult build(const BuildOptions &o) {
    test::SystemHost host;
    return run_build(o, host);
}

// Two small packages, a and b, each with one extension module (pa._m, pb._m).
void write_two_packages(const test::TempDir &dir) {
    write_package(dir / "a", kModule, "", "pa");
    write_package(dir / "b", kModule, "", "pb");
}

} // namespace

TEST_CASE("pipeline: a second build with nothing changed does no work") {
    test::TempDir dir;
    write_two_packages(dir);
    write_file_atomic(dir / "modules.txt", "a a\nb b\n");
    BuildOptions o = options_for(dir);
    BuildResult first = build(o);
    CHECK(first.packages_built == 2);
    CHECK(first.objects_renamed == 2);
    CHECK(first.linked);
    // What a kmpack killed while linking left (no process has this pid):
    // swept although nothing is linked again.
    write_file_atomic(dir / "kb/dist/.python.km.tmp.2147480000.0", "half a link");
    BuildResult again = build(o);
    CHECK(again.packages_built == 0);
    CHECK(again.objects_renamed == 0);
    CHECK_FALSE(again.linked);
    CHECK(to_string(again.modules[0].state) == "up to date");
    CHECK(fs::exists(dir / "kb/dist/python.km"));
    CHECK_FALSE(fs::exists(dir / "kb/dist/.python.km.tmp.2147480000.0"));
}

TEST_CASE("pipeline: adding a module builds only it and relinks") {
    test::TempDir dir;
    write_two_packages(dir);
    write_file_atomic(dir / "modules.txt", "a a\n");
    BuildOptions o = options_for(dir);
    build(o);
    write_file_atomic(dir / "modules.txt", "a a\nb b\n");
    BuildResult r = build(o);
    CHECK(r.packages_built == 1);
    CHECK(r.objects_renamed == 1);
    CHECK(r.linked);
    CHECK(to_string(r.modules[0].state) == "up to date");
    CHECK(to_string(r.modules[1].state) == "built");
}

TEST_CASE("pipeline: a changed source, setting or --force rebuilds that module only") {
    test::TempDir dir;
    write_two_packages(dir);
    write_file_atomic(dir / "modules.txt", "a a\nb b\n");
    BuildOptions o = options_for(dir);
    build(o);
    write_file_atomic(dir / "b/m.c", std::string(kModule) + "int added_later;\n");
    BuildResult changed = build(o);
    CHECK(changed.packages_built == 1);
    CHECK(to_string(changed.modules[1].state) == "built");
    CHECK(changed.linked);

    write_file_atomic(dir / "modules.txt", "a a env=KM_TEST=1\nb b\n");
    CHECK(build(o).packages_built == 1);

    o.force = {"b"};
    BuildResult forced = build(o);
    CHECK(forced.packages_built == 1);
    CHECK(to_string(forced.modules[1].state) == "built");
    o.force = {"nosuch"};
    CHECK(build_error(o) == "--force=nosuch: no such module in " + (dir / "modules.txt").string());
}

TEST_CASE("pipeline: switching --mode relinks, and built-in mode makes the module a built-in one") {
    test::TempDir dir;
    write_package(dir / "pkg", kModule); // PyModule_Create with the short name "_m"
    write_file_atomic(dir / "modules.txt", "pkg pkg\n");
    BuildOptions o = options_for(dir);
    std::string python_km = (dir / "kb/dist/python.km").string();
    std::string probe = "import sys, pkg._m as m\n"
                        "from _frozen_importlib import BuiltinImporter\n"
                        "print('pkg._m' in sys.builtin_module_names, m.__name__, m.__spec__.loader is BuiltinImporter)\n";
    CHECK(build(o).linked);
    CHECK(test::run({python_km, "-c", probe}) == "False pkg._m False\n");

    o.link_options.mode = LinkMode::Builtin;
    BuildResult builtin = build(o);
    CHECK(builtin.linked);
    CHECK(builtin.packages_built == 0);
    CHECK_FALSE(build(o).linked);
    // The full name, though the module asked for "_m": the init function sets
    // the package context, as CPython's extension loader does.
    CHECK(test::run({python_km, "-c", probe}) == "True pkg._m True\n");
    CHECK(read_file(dir / "kb/payload/km_inittab.c").find("{\"pkg._m\", km_init0},") != std::string::npos);

    o.link_options.mode = LinkMode::Registry;
    CHECK(build(o).linked);
    CHECK(test::run({python_km, "-c", probe}) == "False pkg._m False\n");

    // 'kmpack link' into the same directory: the next build links again.
    LinkOptions link;
    link.mode = LinkMode::Builtin;
    test::SystemHost host;
    link_python(dir / "kb", link, host);
    CHECK(test::run({python_km, "-c", probe}) == "True pkg._m True\n");
    CHECK(build(o).linked);
    CHECK(test::run({python_km, "-c", probe}) == "False pkg._m False\n");
}

TEST_CASE("pipeline: --keep-going builds what it can, reports the failure and links nothing") {
    test::TempDir dir;
    write_package(dir / "good", kModule);
    write_package(dir / "broken", "#error broken on purpose\n");
    write_file_atomic(dir / "modules.txt", "broken broken\ngood good\n");
    BuildOptions o = options_for(dir);
    o.keep_going = true;
    BuildResult r = build(o);
    CHECK_FALSE(r.ok());
    CHECK(to_string(r.modules[0].state) == "failed");
    CHECK(r.modules[0].error.find("broken: the package's build failed") == 0);
    CHECK(r.modules[0].log == dir / "kb/modules/broken/build.log");
    CHECK(to_string(r.modules[1].state) == "built");
    CHECK_FALSE(r.linked);
    CHECK_FALSE(fs::exists(dir / "kb/dist/python.km"));
    // Without it, the first failure stops the build.
    o.keep_going = false;
    CHECK(build_error(o).find("broken: the package's build failed") == 0);
}

TEST_CASE("pipeline: paths with spaces, quotes and non-ASCII characters") {
    test::TempDir dir;
    fs::path src = dir / "my src 'quoted' \xc3\xa9t\xc3\xa9";
    write_package(src / "pkg", kModule);
    write_file_atomic(dir / "modules.txt", "\"odd\" \"my src 'quoted' \xc3\xa9t\xc3\xa9/pkg\"\n");
    BuildOptions o = options_for(dir);
    o.build_dir = dir / "build dir \"q\" \xc3\xa9";
    BuildResult r = build(o);
    REQUIRE(r.linked);
    Command c;
    c.argv = {r.link.python_km.string(), "-c", "import pkg._m; print('imported', pkg._m.__name__)"};
    CHECK(read_output(test::system_runner(), c) == "imported pkg._m\n");
    // The recorded link line re-links through a shell, quoting intact.
    fs::remove(r.link.python_km);
    Command relink;
    relink.argv = {"sh", r.link.link_line_file.string()};
    relink.output = dir / "relink.log";
    SystemRunner runner;
    REQUIRE(runner.run(relink).ok());
    CHECK(read_output(test::system_runner(), c) == "imported pkg._m\n");
}

TEST_CASE("pipeline: one build directory, one kmpack at a time") {
    test::TempDir dir;
    write_package(dir / "pkg", kModule);
    write_file_atomic(dir / "modules.txt", "pkg pkg\n");
    BuildOptions o = options_for(dir);
    FileLock held(dir / "kb/.kmpack.lock", "test");
    CHECK(build_error(o) == "the build directory " + (dir / "kb").string() + " is in use by another kmpack (" +
                                (dir / "kb/.kmpack.lock").string() + " is locked); wait for it to finish");
}

TEST_CASE("pipeline: two modules installing one file with different content is an error, the same content is not") {
    test::TempDir dir;
    for (const char *name : {"a", "b"}) {
        write_file_atomic(dir / name / "setup.py",
                          std::string("from setuptools import setup\nsetup(name='") + name + "', packages=['ns'])\n");
        write_file_atomic(dir / name / "ns/__init__.py", "# a namespace, the same in both\n");
    }
    write_file_atomic(dir / "a/ns/mod.py", "FROM = 'a'\n");
    write_file_atomic(dir / "b/ns/mod.py", "FROM = 'b'\n");
    write_file_atomic(dir / "modules.txt", "a a\nb b\n");
    std::string e = build_error(options_for(dir));
    CHECK(e == (dir / "modules.txt").string() + ":2: module 'b' installs ns/mod.py, as module 'a' (" +
                   (dir / "modules.txt").string() +
                   ":1) does, with other content; python.km's lib/ holds one file per path: remove one of the lines");
    write_file_atomic(dir / "b/ns/mod.py", "FROM = 'a'\n");
    CHECK(build_error(options_for(dir)) == "(no error)");
}

namespace {

// The one file below `dir` whose name ends with `suffix`.
fs::path find_one(const fs::path &dir, const std::string &suffix) {
    std::vector<fs::path> found;
    for (const auto &e : fs::recursive_directory_iterator(dir))
        if (e.path().filename().string().ends_with(suffix))
            found.push_back(e.path());
    REQUIRE(found.size() == 1);
    return found.front();
}

} // namespace

TEST_CASE("pipeline: an artifact damaged in place or an emptied capture log is named, made again, and relinked") {
    test::TempDir dir;
    write_two_packages(dir);
    write_file_atomic(dir / "modules.txt", "a a\nb b\n");
    BuildOptions o = options_for(dir);
    REQUIRE(build(o).linked);
    fs::path archive = find_one(dir / "kb/modules/a/lib", ".km.lib.a");
    std::string good = read_file(archive);
    std::string bad = good;
    bad.replace(bad.size() / 2, 64, std::string(64, '\xcc')); // same size: only the content says
    write_file_atomic(archive, bad);

    // kmpack link trusts nothing its stamp does not vouch for.
    test::SystemHost link_host;
    CHECK_THROWS_WITH(link_python(o.build_dir, o.link_options, link_host),
                      archive.string() + ": damaged since kmpack wrote it (same size, another MD5); run 'kmpack build' "
                                         "to write it again");

    test::SystemHost host;
    BuildResult r = run_build(o, host);
    CHECK(r.damaged == 1);
    CHECK(r.packages_built == 0);
    CHECK(r.objects_renamed == 1);
    CHECK(r.linked); // python.km may hold what the damaged archive held
    CHECK(to_string(r.modules[0].state) == "built");
    CHECK(to_string(r.modules[1].state) == "up to date");
    std::string so = relative_below(archive, dir / "kb/modules/a/lib");
    so.replace(so.size() - std::string(".km.lib.a").size(), std::string::npos, ".so");
    CHECK_THAT(host.out.str(), Catch::Contains("a: " + archive.string() +
                                               ": damaged since kmpack wrote it (same size, another MD5); writing the "
                                               "artifacts of " + so + " again"));
    CHECK(read_file(archive) == good);
    Command c;
    c.argv = {r.link.python_km.string(), "-c", "import pa._m, pb._m; print('imported')"};
    CHECK(read_output(test::system_runner(), c) == "imported\n");

    fs::path capture = dir / "kb/modules/b/capture.jsonl";
    uintmax_t size = fs::file_size(capture);
    write_file_atomic(capture, "");
    o.module_cache = false; // built again in place (with the cache: fetched, below)
    test::SystemHost host2;
    BuildResult r2 = run_build(o, host2);
    CHECK(r2.damaged == 1);
    CHECK(r2.packages_built == 1);
    CHECK(to_string(r2.modules[1].state) == "built");
    CHECK_THAT(host2.out.str(), Catch::Contains("b: " + capture.string() + ": damaged since kmpack wrote it (0 bytes, " +
                                                std::to_string(size) + " when written); building b again"));
    CHECK(fs::file_size(capture) > 0); // not the same size: its map's name holds a process id
    CHECK(read_output(test::system_runner(), c) == "imported\n");

    BuildResult r3 = build(o);
    CHECK(r3.damaged == 0);
    CHECK(r3.packages_built == 0);
    CHECK(r3.objects_renamed == 0);
    CHECK_FALSE(r3.linked);

    // With the module cache, the damaged module comes from its entry.
    write_file_atomic(capture, "");
    o.module_cache = true;
    BuildResult r4 = build(o);
    CHECK(r4.damaged == 1);
    CHECK(r4.packages_built == 0);
    CHECK(r4.fetched == 1);
    CHECK(to_string(r4.modules[1].state) == "fetched from cache");
    CHECK(fs::file_size(capture) > 0);
    CHECK(read_output(test::system_runner(), c) == "imported\n");
}

TEST_CASE("pipeline: a relink compiles only the generated C that changed, and an object damaged since again") {
    test::TempDir dir;
    write_two_packages(dir);
    write_file_atomic(dir / "modules.txt", "a a\nb b\n");
    BuildOptions o = options_for(dir);
    REQUIRE(build(o).linked);
    auto relink = [&](const fs::path &out) {
        test::RecordingStatus status;
        Host host{test::system_runner(), status};
        LinkOptions l = o.link_options;
        l.output_dir = out;
        link_python(o.build_dir, l, host);
        std::string reused;
        for (const auto &line : status.lines())
            if (line.find("generated C files compiled already") != std::string::npos)
                reused = line;
        return reused;
    };
    // Into another directory: every object is the one the build's link made.
    std::string all = relink(dir / "other");
    CHECK(all.rfind("python.km: ", 0) == 0);
    size_t total = std::stoul(all.substr(all.find(" of ") + 4));
    CHECK(all.find(": " + std::to_string(total) + " of ") != std::string::npos);
    // One object damaged in place: that one is compiled again, and python.km runs.
    fs::path object = find_one(dir / "kb/modules/a/lib", ".km.symbols.o");
    std::string bytes = read_file(object);
    bytes[bytes.size() / 2] ^= 1;
    write_file_atomic(object, bytes);
    CHECK(relink(dir / "third") ==
          "python.km: " + std::to_string(total - 1) + " of " + std::to_string(total) +
              " generated C files compiled already, as they are");
    CHECK(read_file(object) != bytes);
    CHECK(test::run({(dir / "third/python.km").string(), "-c", "import pa._m, pb._m; print('ok')"}) == "ok\n");
    // Another compiler command (here: --cc with one more flag) compiles everything again.
    LinkOptions changed = o.link_options;
    changed.cc.push_back("-DKMPACK_TEST_FLAG=1");
    changed.output_dir = dir / "fourth";
    test::RecordingStatus status;
    Host host{test::system_runner(), status};
    link_python(o.build_dir, changed, host);
    for (const auto &line : status.lines())
        CHECK(line.find("generated C files compiled already") == std::string::npos);
}

namespace {

// The artifacts of every .so of a build, by their path below the build directory.
std::map<std::string, std::string> artifact_bytes(const fs::path &build_dir) {
    std::map<std::string, std::string> out;
    auto record = nlohmann::json::parse(read_file(build_dir / "kmpack-build.json"));
    for (const auto &m : record["modules"])
        for (const auto &so : m["shared_objects"])
            for (const char *what : {".json", ".symmap", ".symbols.c", ".lib.a", ".stamp"}) {
                std::string rel = so["artifacts"].get<std::string>() + what;
                out[rel] = read_file(build_dir / rel);
            }
    return out;
}

} // namespace

TEST_CASE("pipeline: a fresh build directory fetches every module from the module cache, byte for byte") {
    test::TempDir dir;
    write_two_packages(dir);
    write_file_atomic(dir / "modules.txt", "a a\nb b\n");
    BuildOptions o = options_for(dir);
    BuildResult first = build(o);
    CHECK(first.packages_built == 2);
    CHECK(first.fetched == 0);

    o.build_dir = dir / "kb2";
    // What a kmpack killed while fetching left: swept.
    write_file_atomic(dir / "kb2/modules/.a.tmp.2147480000.0/lib/half", "half a fetch");
    test::SystemHost host;
    BuildResult second = run_build(o, host);
    CHECK_FALSE(fs::exists(dir / "kb2/modules/.a.tmp.2147480000.0"));
    CHECK(second.packages_built == 0);
    CHECK(second.fetched == 2);
    CHECK(second.objects_renamed == 0);
    CHECK(to_string(second.modules[0].state) == "fetched from cache");
    CHECK(to_string(second.modules[1].state) == "fetched from cache");
    CHECK(second.linked);
    CHECK(host.out.str().find("a: build") == std::string::npos);
    CHECK(artifact_bytes(dir / "kb2") == artifact_bytes(dir / "kb"));
    CHECK(test::run({(dir / "kb2/dist/python.km").string(), "-c", "import pa._m, pb._m; print('ok')"}) == "ok\n");

    // Then it is the build directory's own: up to date.
    BuildResult third = build(o);
    CHECK(third.fetched == 0);
    CHECK(to_string(third.modules[0].state) == "up to date");

    // --no-module-cache: built.
    o.build_dir = dir / "kb3";
    o.module_cache = false;
    CHECK(build(o).packages_built == 2);
}

TEST_CASE("pipeline: a damaged or partial module cache entry is named, built over and stored again") {
    test::TempDir dir;
    write_two_packages(dir);
    write_file_atomic(dir / "modules.txt", "a a\nb b\n");
    BuildOptions o = options_for(dir);
    build(o);
    std::vector<fs::path> entries;
    for (const auto &e : fs::directory_iterator(dir / "cache/modules"))
        entries.push_back(e.path());
    REQUIRE(entries.size() == 2);
    // One with an archive damaged in place, one without its manifest.
    for (const auto &f : fs::recursive_directory_iterator(entries[0] / "tree"))
        if (f.path().string().ends_with(".km.lib.a"))
            write_file_atomic(f.path(), std::string(fs::file_size(f.path()), '\0'));
    fs::remove(entries[1] / "kmpack-cache.json");

    o.build_dir = dir / "kb2";
    test::SystemHost host;
    BuildResult r = run_build(o, host);
    CHECK(r.packages_built == 2);
    CHECK(r.fetched == 0);
    std::string out = host.out.str();
    CHECK(out.find("warning: the module cache's entry " + entries[0].string() + " is bad (") != std::string::npos);
    CHECK(out.find(".km.lib.a: another MD5 than when stored); building ") != std::string::npos);
    CHECK(out.find("warning: the module cache's entry " + entries[1].string() + " is bad (" +
                   (entries[1] / "kmpack-cache.json").string() + ": missing)") != std::string::npos);
    CHECK(test::run({(dir / "kb2/dist/python.km").string(), "-c", "import pa._m, pb._m; print('ok')"}) == "ok\n");

    // Stored again, whole: the next fresh build directory fetches both.
    o.build_dir = dir / "kb3";
    CHECK(build(o).fetched == 2);
}
