// C libraries from source (build=cmake, autotools, meson): detection, the
// commands and environment each build gets, what later lines see, the
// installed-archive check and the errors, with exact messages.
#include "kmpack/c_library.h"

#include "kmpack/build_cache.h"
#include "kmpack/build_packages.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/manifest.h"
#include "kmpack/source.h"
#include "fake_runner.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace kmpack;

namespace {

std::string error_of(const std::function<void()> &fn) {
    try {
        fn();
    } catch (const Error &e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("c_library: a source's build system, by its files") {
    test::TempDir dir;
    fs::create_directories(dir / "a");
    CHECK(detect_library_build(dir / "a") == BuildKind::Auto); // nothing at all
    write_file_atomic(dir / "a/meson.build", "");
    CHECK(detect_library_build(dir / "a") == BuildKind::Meson);
    write_file_atomic(dir / "a/CMakeLists.txt", "");
    CHECK(detect_library_build(dir / "a") == BuildKind::CMake);
    write_file_atomic(dir / "a/configure", "");
    CHECK(detect_library_build(dir / "a") == BuildKind::Autotools); // a release's configure first
    write_file_atomic(dir / "a/pyproject.toml", "");
    CHECK(detect_library_build(dir / "a") == BuildKind::Auto); // a Python package that builds C with CMake
    CHECK(library_build_name(BuildKind::CMake) == "cmake");
    CHECK(library_build_file(BuildKind::Autotools) == "configure");
    CHECK(is_library_build(BuildKind::Meson));
    CHECK_FALSE(is_library_build(BuildKind::Pip));
    CHECK_FALSE(is_library_build(BuildKind::CPython));
}

TEST_CASE("c_library: modules.txt lines: build= values, detection, configure=") {
    test::TempDir dir;
    fs::create_directories(dir / "lib/sub");
    write_file_atomic(dir / "lib/CMakeLists.txt", "");
    fs::create_directories(dir / "rel/lib-1.0");
    write_file_atomic(dir / "rel/lib-1.0/configure", "");
    fs::create_directories(dir / "pkg");
    write_file_atomic(dir / "pkg/setup.py", "");
    write_file_atomic(dir / "pkg/CMakeLists.txt", "");
    auto m = parse_manifest("a lib\n"
                            "b rel\n"
                            "c pkg\n"
                            "d lib build=meson configure=-Dfoo=true\n"
                            "e lib build=autotools \"configure=--without-python --with-x\"\n",
                            "modules.txt", dir.path(), true);
    REQUIRE(m.modules.size() == 5);
    CHECK(m.modules[0].build == BuildKind::CMake);
    CHECK(m.modules[0].detected);
    CHECK(m.modules[1].build == BuildKind::Autotools); // in the release's one top directory
    CHECK(m.modules[2].build == BuildKind::Auto);      // setup.py: a Python package
    CHECK(m.modules[3].build == BuildKind::Meson);
    CHECK_FALSE(m.modules[3].detected);
    CHECK(m.modules[3].configure == std::vector<std::string>{"-Dfoo=true"});
    CHECK(m.modules[4].configure == std::vector<std::string>{"--without-python", "--with-x"});
    // Without looking at the files, nothing is detected.
    CHECK(parse_manifest("a lib\n", "modules.txt", dir.path(), false).modules[0].build == BuildKind::Auto);

    CHECK(error_of([&] { parse_manifest("a lib build=make\n", "modules.txt", dir.path(), true); }) ==
          "modules.txt:1: build must be auto, setup.py, pip, cpython, cmake, autotools or meson, got 'make'");
    CHECK(error_of([&] { parse_manifest("a pkg configure=--x\n", "modules.txt", dir.path(), true); }) ==
          "modules.txt:1: configure= applies to the interpreter line (build=cpython) and library lines "
          "(build=cmake, autotools or meson) only");
}

TEST_CASE("c_library: a source with no recognisable build system names the line and what was looked for") {
    test::TempDir dir;
    test::FakeRunner runner;
    fs::create_directories(dir / "empty");
    write_file_atomic(dir / "empty/README", "");
    ModuleSpec spec;
    spec.name = "thing";
    spec.origin = "modules.txt:4";
    spec.local_path = dir / "empty";
    CHECK(error_of([&] { fetch_source(spec, dir / "w1", runner, dir / "log"); }) ==
          "modules.txt:4: no setup.py or pyproject.toml (a Python package), nor configure, CMakeLists.txt or "
          "meson.build (a C library), in the source of 'thing' (use subdir= to name the directory that holds it, or "
          "say how to build it with build=)");
    spec.build = BuildKind::CMake;
    CHECK(error_of([&] { fetch_source(spec, dir / "w2", runner, dir / "log"); }) ==
          "modules.txt:4: no CMakeLists.txt in the source of 'thing' (build=cmake) (use subdir= to name the "
          "directory that holds it, or say another build=)");
    write_file_atomic(dir / "empty/configure.ac", "");
    spec.build = BuildKind::Autotools;
    CHECK(error_of([&] { fetch_source(spec, dir / "w3", runner, dir / "log"); }) ==
          "modules.txt:4: no configure in the source of 'thing' (build=autotools); it has configure.ac: generate "
          "configure with 'autoreconf -i' first, or give the release archive, which has it (use subdir= to name the "
          "directory that holds it, or say another build=)");
    // An archive or git source is fetched before kmpack sees what it is: a
    // library there must say so.
    write_file_atomic(dir / "empty/meson.build", "");
    spec.build = BuildKind::Auto;
    CHECK(error_of([&] { fetch_source(spec, dir / "w4", runner, dir / "log"); }) ==
          "modules.txt:4: the source of 'thing' is a C library (it has meson.build, and no setup.py or "
          "pyproject.toml): say build=meson on its line (a library line must be known before its source is "
          "fetched: the lines after it are built against it)");
    spec.build = BuildKind::Meson;
    CHECK(fetch_source(spec, dir / "w5", runner, dir / "log") == dir / "w5");
}

TEST_CASE("c_library: each build system's commands: static-only, position-independent, into the prefix") {
    test::TempDir dir;
    ModuleSpec spec;
    spec.name = "libx";
    spec.origin = "modules.txt:2";
    spec.configure = {"--without-python"};
    fs::path src = dir / "w/src", work = dir / "w", log = dir / "w/build.log";
    std::vector<std::string> cc = {"gcc", "-pthread"}, cxx = {"g++", "-pthread"};
    std::map<std::string, std::string> env = {{"CFLAGS", "-O1"}, {"KMPACK_CAPTURE_LOG", "/c.jsonl"}};
    std::string prefix = (work / "prefix").string(), build = (work / "build").string();

    auto autotools = library_build_commands(spec, BuildKind::Autotools, src, work, "/k/kmpack-capture", cc, cxx,
                                            env, 3, log);
    REQUIRE(autotools.size() == 3);
    CHECK(autotools[0].first == "configure");
    CHECK(autotools[0].second.argv ==
          std::vector<std::string>{"sh", "./configure", "--prefix=" + prefix, "--libdir=" + prefix + "/lib",
                                   "--disable-shared", "--enable-static", "--with-pic", "--without-python"});
    CHECK(autotools[0].second.cwd == src);
    CHECK(autotools[0].second.output == log);
    CHECK(autotools[0].second.env.at("CC") == "/k/kmpack-capture gcc -pthread");
    CHECK(autotools[0].second.env.at("CXX") == "/k/kmpack-capture g++ -pthread");
    CHECK(autotools[0].second.env.at("CFLAGS") == "-fPIC -O1");
    CHECK(autotools[0].second.env.at("KMPACK_CAPTURE_LOG") == "/c.jsonl");
    CHECK(autotools[1].second.argv == std::vector<std::string>{"make", "-j3"});
    CHECK(autotools[2].second.argv == std::vector<std::string>{"make", "install"});

    spec.configure = {"-DWITH_X=OFF"};
    auto cmake = library_build_commands(spec, BuildKind::CMake, src, work, "/k/kmpack-capture", cc, cxx, env, 2, log);
    REQUIRE(cmake.size() == 3);
    CHECK(cmake[0].second.argv ==
          std::vector<std::string>{"cmake", "-S", src.string(), "-B", build, "-DCMAKE_BUILD_TYPE=Release",
                                   "-DCMAKE_INSTALL_PREFIX=" + prefix, "-DCMAKE_INSTALL_LIBDIR=lib",
                                   "-DBUILD_SHARED_LIBS=OFF", "-DCMAKE_POSITION_INDEPENDENT_CODE=ON",
                                   "-DCMAKE_C_COMPILER=gcc", "-DCMAKE_CXX_COMPILER=g++",
                                   "-DCMAKE_C_COMPILER_LAUNCHER=/k/kmpack-capture",
                                   "-DCMAKE_CXX_COMPILER_LAUNCHER=/k/kmpack-capture", "-DWITH_X=OFF"});
    CHECK_FALSE(cmake[0].second.env.count("CC")); // the launcher captures; CMake's checks see the plain compiler
    CHECK(cmake[0].second.env.at("CXXFLAGS").starts_with("-fPIC"));
    CHECK(cmake[1].second.argv == std::vector<std::string>{"cmake", "--build", build, "-j2"});
    CHECK(cmake[2].second.argv == std::vector<std::string>{"cmake", "--install", build});

    spec.configure = {};
    auto meson = library_build_commands(spec, BuildKind::Meson, src, work, "/k/kmpack-capture", cc, cxx, env, 1, log);
    REQUIRE(meson.size() == 3);
    CHECK(meson[0].second.argv == std::vector<std::string>{"meson", "setup", build, src.string(), "--prefix=" + prefix,
                                                           "--libdir=lib", "--buildtype=release",
                                                           "--default-library=static", "-Db_staticpic=true"});
    CHECK(meson[0].second.env.at("CC") == "/k/kmpack-capture gcc -pthread");
    CHECK(meson[1].second.argv == std::vector<std::string>{"meson", "compile", "-C", build, "-j1"});
    CHECK(meson[2].second.argv == std::vector<std::string>{"meson", "install", "-C", build});
}

TEST_CASE("c_library: later lines see the prefixes before the system's") {
    std::map<std::string, std::string> env = {{"LDFLAGS", "-L/mine"}, {"PKG_CONFIG_PATH", "/my/pc"},
                                              {"PATH", "/usr/bin"}, {"CPPFLAGS", ""}, {"CMAKE_PREFIX_PATH", ""}};
    add_library_environment(env, {"/b/modules/a/prefix", "/b/modules/z/prefix"});
    CHECK(env.at("PKG_CONFIG_PATH") == "/b/modules/a/prefix/lib/pkgconfig:/b/modules/a/prefix/share/pkgconfig:"
                                       "/b/modules/z/prefix/lib/pkgconfig:/b/modules/z/prefix/share/pkgconfig:/my/pc");
    CHECK(env.at("PATH") == "/b/modules/a/prefix/bin:/b/modules/z/prefix/bin:/usr/bin");
    CHECK(env.at("CMAKE_PREFIX_PATH") == "/b/modules/a/prefix:/b/modules/z/prefix");
    CHECK(env.at("CPPFLAGS") == "-I/b/modules/a/prefix/include -I/b/modules/z/prefix/include");
    CHECK(env.at("LDFLAGS") == "-L/mine -L/b/modules/a/prefix/lib -L/b/modules/z/prefix/lib");
    std::map<std::string, std::string> none = {{"LDFLAGS", "-L/mine"}};
    add_library_environment(none, {});
    CHECK(none == std::map<std::string, std::string>{{"LDFLAGS", "-L/mine"}});
}

TEST_CASE("c_library: a package built after library lines: their environment, prefix maps and key") {
    test::TempDir dir;
    ModuleSpec lib_spec, pkg_spec;
    lib_spec.name = "libx";
    lib_spec.origin = "modules.txt:1";
    lib_spec.build = BuildKind::CMake;
    pkg_spec.name = "pkg";
    pkg_spec.origin = "modules.txt:2";
    pkg_spec.env = {{"CPPFLAGS", "-DMINE"}};
    ModuleWork lib, pkg;
    lib.spec = &lib_spec;
    lib.dirs = ModuleLayout{dir / "b/modules/libx"};
    pkg.spec = &pkg_spec;
    pkg.dirs = ModuleLayout{dir / "b/modules/pkg"};
    pkg.libraries = {&lib};
    CHECK(lib.library());
    CHECK_FALSE(pkg.library());
    auto env = build_environment(pkg, {});
    std::string prefix = (dir / "b/modules/libx/prefix").string();
    CHECK(env.at("CPPFLAGS") == "-DMINE -I" + prefix + "/include");
    CHECK(env.at("PKG_CONFIG_PATH").starts_with(prefix + "/lib/pkgconfig:"));
    CHECK(env.at("CFLAGS").find("-ffile-prefix-map=" + (dir / "b/modules/libx").string() + "=/kmpack/libx") !=
          std::string::npos);
    // As ccache (CCACHE_BASEDIR) rewrites the -I: relative to where the compiles run.
    pkg.package_dir = dir / "b/modules/pkg/src";
    CHECK(build_environment(pkg, {}).at("CFLAGS").find("-ffile-prefix-map=../../libx=/kmpack/libx") !=
          std::string::npos);
    // A library line's own build sees only the ones before it.
    auto own = build_environment(lib, {});
    CHECK_FALSE(own.count("PKG_CONFIG_PATH"));
    CHECK_FALSE(own.count("LDFLAGS"));
    CHECK(chained_key("k", {}) == "k");
    CHECK(chained_key("k", {"a"}) != "k");
    CHECK(chained_key("k", {"a"}) != chained_key("k", {"b"}));
}

TEST_CASE("c_library: an installed prefix needs a static archive; shared libraries go") {
    test::TempDir dir;
    ModuleSpec spec;
    spec.name = "libx";
    spec.origin = "modules.txt:3";
    fs::path prefix = dir / "prefix";
    std::vector<std::string> removed;
    CHECK(error_of([&] { finish_installed_library(spec, BuildKind::CMake, prefix, removed); }) ==
          "modules.txt:3: the build of 'libx' installed no static archive into " + (prefix / "lib").string() +
              " (kmpack asked for one with BUILD_SHARED_LIBS=OFF); check the project's own option for a static "
              "library and pass it with configure= (python.km links lib*.a archives only)");
    fs::create_directories(prefix / "lib/pkgconfig");
    write_file_atomic(prefix / "lib/libx.so.1.0", "");
    CHECK(error_of([&] { finish_installed_library(spec, BuildKind::Autotools, prefix, removed); }).find(
              "kmpack asked for one with --enable-static") != std::string::npos);
    write_file_atomic(prefix / "lib/libx.a", "!<arch>\n");
    write_file_atomic(prefix / "lib/liby.a", "!<arch>\n");
    removed.clear();
    CHECK(finish_installed_library(spec, BuildKind::Meson, prefix, removed) ==
          std::vector<fs::path>{prefix / "lib/libx.a", prefix / "lib/liby.a"});
    CHECK(removed == std::vector<std::string>{(prefix / "lib/libx.so.1.0").string()});
    CHECK_FALSE(fs::exists(prefix / "lib/libx.so.1.0"));
}

TEST_CASE("c_library: a library line after a package that links it") {
    test::TempDir dir;
    fs::create_directories(dir / "prefix/lib");
    write_file_atomic(dir / "prefix/lib/libxslt.a", "!<arch>\n");
    ModuleSpec pkg, lib, other;
    pkg.name = "lxml";
    pkg.origin = "modules.txt:2";
    lib.name = "libxslt";
    lib.origin = "modules.txt:5";
    other.name = "libother";
    other.origin = "modules.txt:4";
    std::vector<std::pair<const ModuleSpec *, fs::path>> later = {{&other, dir / "none"}, {&lib, dir / "prefix"}};
    CHECK(library_order_error(pkg, "lxml/etree.so", {"xml2", "xslt", "z"}, later) ==
          "modules.txt:2: lxml: lxml/etree.so links -lxslt, which the library line modules.txt:5 (libxslt) builds "
          "after it, so its build linked another -lxslt (the system's) or none; move modules.txt:5 above "
          "modules.txt:2");
    CHECK(library_order_error(pkg, "lxml/etree.so", {"xml2", "z"}, later).empty());
}

TEST_CASE("c_library: a real autotools-style library built, captured and installed static-only") {
    // A hand-written POSIX configure script, as small projects have: it
    // honours --prefix, --disable-shared and CC, and writes a Makefile.
    test::TempDir dir;
    fs::path src = dir / "libtiny";
    fs::create_directories(src);
    write_file_atomic(src / "tiny.c", "int tiny_answer(void) { return 42; }\n");
    write_file_atomic(src / "tiny.h", "int tiny_answer(void);\n");
    write_file_atomic(src / "configure",
                      "#!/bin/sh\nprefix=/usr/local\nshared=yes\nfor a; do case $a in --prefix=*) "
                      "prefix=${a#--prefix=};; --disable-shared) shared=no;; esac; done\n"
                      "printf 'CC=%s\\nPREFIX=%s\\nSHARED=%s\\n' \"${CC:-cc}\" \"$prefix\" \"$shared\" > config.mk\n"
                      "cat > Makefile <<'EOF'\ninclude config.mk\nall: libtiny.a\nlibtiny.a: tiny.o\n\tar rcD $@ "
                      "tiny.o\ntiny.o: tiny.c\n\t$(CC) $(CFLAGS) -c tiny.c -o tiny.o\ninstall: all\n\tmkdir -p "
                      "$(PREFIX)/lib $(PREFIX)/include\n\tcp libtiny.a $(PREFIX)/lib/\n\tcp tiny.h "
                      "$(PREFIX)/include/\nEOF\n");
    ModuleSpec spec;
    spec.name = "libtiny";
    spec.origin = "modules.txt:1";
    fs::path work = dir / "b/modules/libtiny";
    fs::create_directories(work);
    write_file_atomic(work / "build.log", "");
    ModuleWork m;
    m.spec = &spec;
    m.dirs = ModuleLayout{work};
    auto env = build_environment(m, {});
    env.erase("KMPACK_CAPTURE_LOG"); // no capture wrapper here: a stand-in that runs the compiler
    write_file_atomic(dir / "wrap", "#!/bin/sh\necho \"$@\" >> \"" + (dir / "compiles").string() + "\"\nexec \"$@\"\n");
    fs::permissions(dir / "wrap", fs::perms::owner_all);
    test::SystemHost host;
    for (const auto &[phase, command] : library_build_commands(spec, BuildKind::Autotools, src, work, dir / "wrap",
                                                               {"gcc"}, {"g++"}, env, 1, work / "build.log")) {
        INFO(phase << ": " << read_file(work / "build.log"));
        REQUIRE(host.host.runner.run(command).ok());
    }
    std::vector<std::string> removed;
    CHECK(finish_installed_library(spec, BuildKind::Autotools, library_prefix(work), removed) ==
          std::vector<fs::path>{work / "prefix/lib/libtiny.a"});
    CHECK(fs::exists(work / "prefix/include/tiny.h"));
    std::string compiles = read_file(dir / "compiles");
    CHECK(compiles.find("gcc -fPIC") != std::string::npos); // position-independent, through the wrapper
    CHECK(compiles.find("-ffile-prefix-map=" + work.string() + "=/kmpack/libtiny") != std::string::npos);
}

TEST_CASE("c_library: a failing library build names its line, step, log and command, and records nothing") {
    test::TempDir dir;
    fs::create_directories(dir / "libx");
    write_file_atomic(dir / "libx/CMakeLists.txt", "");
    ModuleSpec spec;
    spec.name = "libx";
    spec.origin = "modules.txt:1";
    spec.local_path = dir / "libx";
    spec.build = BuildKind::CMake;
    ModuleWork m;
    m.spec = &spec;
    m.dirs = ModuleLayout{dir / "b/modules/libx"};
    m.lib_dir = m.dirs.lib();
    Toolchain toolchain;
    toolchain.python.cc = {"gcc"};
    toolchain.python.cxx = {"g++"};
    toolchain.identity = "t";
    ModuleOptions options{"/k/kmpack-capture", {}, 1, false, {}, dir / "cache"};
    test::FakeRunner runner;
    runner.on({"cmake", "-S"}, {"CMake Error at CMakeLists.txt:1: boom\n", {1, 0}, nullptr});
    test::RecordingStatus status;
    Host host{runner, status};
    std::string log = m.dirs.log().string();
    std::string error = error_of([&] { prepare_module(m, toolchain, options, host); });
    REQUIRE(runner.matching({"cmake", "-S"}).size() == 1);
    CHECK(error ==
          "modules.txt:1: libx: the library's cmake configure failed (exit status 1)\n"
          "  | CMake Error at CMakeLists.txt:1: boom\n"
          "  full log: " + log + "\n  command: " +
              shell_quote(runner.matching({"cmake", "-S"}).at(0).argv));
    CHECK_FALSE(fs::exists(m.dirs.record()));
    CHECK(runner.matching({"cmake", "--build"}).empty());
}
