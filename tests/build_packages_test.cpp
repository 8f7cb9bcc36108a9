// The package builds kmpack runs, checked by argv and environment with a
// fake runner: no compiler or Python starts.
#include "kmpack/build_packages.h"

#include "kmpack/build_cache.h"
#include "kmpack/capture.h"
#include "kmpack/error.h"
#include "kmpack/launcher.h"
#include "kmpack/fs.h"
#include "kmpack/manifest.h"
#include "kmpack/rust_build.h"
#include "fake_runner.h"
#include "test_util.h"

#include <catch2/catch.hpp>

using namespace kmpack;

namespace {

struct Fixture {
    test::TempDir dir;
    ModuleSpec spec;
    ModuleWork work;
    PythonInfo py;
    Fixture() {
        spec.name = "pkg";
        spec.origin = "modules.txt:1";
        spec.local_path = dir / "src";
        spec.env = {{"FOO", "bar"}};
        work.spec = &spec;
        work.dirs = ModuleLayout{dir / "kb/modules/pkg"};
        work.package_dir = dir / "src";
        work.lib_dir = work.dirs.lib();
        py.executable = "/opt/py/bin/python3";
        py.version = "3.11";
        py.cc = {"gcc", "-pthread"};
        py.cxx = {"g++", "-pthread"};
        py.ldshared = {"gcc", "-pthread", "-shared"};
        fs::create_directories(dir / "src");
    }
};

} // namespace

TEST_CASE("build_packages: setup.py builds into the module's lib/ under the capture wrapper") {
    Fixture f;
    write_file_atomic(f.dir / "src/setup.py", "");
    REQUIRE(package_build_kind(f.work) == BuildKind::SetupPy);
    Command c = package_build_command(f.work, BuildKind::SetupPy, f.py, nullptr, "/k/kmpack-capture", {});
    CHECK(c.argv == std::vector<std::string>{"/opt/py/bin/python3", "setup.py", "build", "--build-lib",
                                             f.work.dirs.lib().string(), "--build-temp", f.work.dirs.temp().string()});
    CHECK(c.cwd == f.dir / "src");
    CHECK(c.output == f.work.dirs.log());
    CHECK(c.env.at("CC") == "/k/kmpack-capture gcc -pthread");
    CHECK(c.env.at("LDSHARED") == "/k/kmpack-capture gcc -pthread -shared");
    CHECK(c.env.at("LDCXXSHARED") == "/k/kmpack-capture gcc -pthread -shared"); // none of its own
    CHECK(c.env.at(kCaptureLogEnv) == f.work.dirs.capture_log().string());
    CHECK(c.env.at(kCaptureLauncherEnv).empty()); // none, and not one kmpack inherited
    CHECK(c.env.at("FOO") == "bar");
    CHECK(c.env.at("PYTHONDONTWRITEBYTECODE") == "1");
    CHECK(c.env.at("CFLAGS").find("-ffile-prefix-map=" + f.work.dirs.work.string() + "=/kmpack/pkg") !=
          std::string::npos);
    CHECK(c.env.at("FFLAGS").find("-ffile-prefix-map=" + f.work.dirs.work.string() + "=/kmpack/pkg") !=
          std::string::npos);
    CHECK_FALSE(c.env.count("PYTHONPATH"));
    CHECK_FALSE(c.env.count("PIP_NO_INDEX"));
}

TEST_CASE("build_packages: Fortran compiles go through the capture wrapper too") {
    Fixture f;
    write_file_atomic(f.dir / "src/setup.py", "");
    ::unsetenv("FC");
    Command c = package_build_command(f.work, BuildKind::SetupPy, f.py, nullptr, "/k/kmpack-capture", {});
    CHECK(c.env.at("FC") == "/k/kmpack-capture gfortran");
    // The line's own FC is the compiler the wrapper runs.
    ModuleSpec spec = *f.work.spec;
    spec.env["FC"] = "gfortran-12 -fno-underscoring";
    ModuleWork work = f.work;
    work.spec = &spec;
    c = package_build_command(work, BuildKind::SetupPy, f.py, nullptr, "/k/kmpack-capture", {});
    CHECK(c.env.at("FC") == "/k/kmpack-capture gfortran-12 -fno-underscoring");
}

TEST_CASE("build_packages: pip builds a wheel offline, and meson-python keeps its build directory") {
    Fixture f;
    write_file_atomic(f.dir / "src/pyproject.toml", "[build-system]\nrequires = ['setuptools']\n");
    REQUIRE(package_build_kind(f.work) == BuildKind::Pip);
    PythonInfo tools = f.py;
    tools.site_packages = {"/usr/lib/python3/dist-packages", "/usr/local/lib/python3.11/dist-packages"};
    Command c = package_build_command(f.work, BuildKind::Pip, f.py, &tools, "cap", {});
    std::vector<std::string> pip = {"/opt/py/bin/python3", "-m", "pip", "wheel", "--no-build-isolation", "--no-deps",
                                    "--no-index", "--wheel-dir", f.work.dirs.wheel().string()};
    std::vector<std::string> want = pip;
    want.insert(want.end(), {"--", (f.dir / "src").string()});
    CHECK(c.argv == want);
    CHECK(c.env.at("PIP_NO_INDEX") == "1");
    CHECK(c.env.at("PYTHONPATH") == "/usr/lib/python3/dist-packages:/usr/local/lib/python3.11/dist-packages");

    write_file_atomic(f.dir / "src/pyproject.toml", "[build-system]\nbuild-backend = 'mesonpy'\n");
    c = package_build_command(f.work, BuildKind::Pip, f.py, nullptr, "cap", {});
    want = pip;
    want.insert(want.end(), {"--config-settings=builddir=" + f.work.dirs.meson_build().string(), "--",
                             (f.dir / "src").string()});
    CHECK(c.argv == want);

    // Build tools of another Python version, or a PYTHONPATH of the line's own, are not lent.
    tools.version = "3.12";
    CHECK_FALSE(package_build_command(f.work, BuildKind::Pip, f.py, &tools, "cap", {}).env.count("PYTHONPATH"));
    tools.version = "3.11";
    f.spec.env["PYTHONPATH"] = "/mine";
    CHECK(package_build_command(f.work, BuildKind::Pip, f.py, &tools, "cap", {}).env.at("PYTHONPATH") == "/mine");
}

TEST_CASE("build_packages: a module runs its build once, then is current until its source changes") {
    Fixture f;
    write_file_atomic(f.dir / "src/setup.py", "print('hi')\n");
    test::FakeRunner runner;
    test::RecordingStatus status;
    Host host{runner, status};
    runner.on({f.py.executable, "setup.py", "build"}, {"built\n", {}, nullptr});
    Toolchain t;
    t.python = f.py;
    t.identity = "toolchain";
    ModuleOptions options;

    prepare_module(f.work, t, options, host);
    CHECK_FALSE(f.work.cached);
    CHECK(runner.matching({f.py.executable, "setup.py"}).size() == 1);
    CHECK(read_file(f.work.dirs.log()) == "built\n");
    CHECK(read_file(f.work.dirs.source() / "setup.py") == "print('hi')\n"); // the copy is what is built
    record_module(f.work.dirs.work, f.work.key, f.work.package_dir);

    ModuleWork again = f.work;
    prepare_module(again, t, options, host);
    CHECK(again.cached);
    CHECK(runner.matching({f.py.executable, "setup.py"}).size() == 1);

    options.force = {"pkg"};
    prepare_module(again, t, options, host);
    CHECK_FALSE(again.cached);
    CHECK(runner.matching({f.py.executable, "setup.py"}).size() == 2);

    runner.on({f.py.executable, "setup.py", "build"}, {"error: no compiler\n", {1, 0}, nullptr});
    write_file_atomic(f.dir / "src/setup.py", "print('changed')\n");
    CHECK_THROWS_WITH(prepare_module(again, t, {}, host),
                      Catch::StartsWith("pkg: the package's build failed (exit status 1)") &&
                          Catch::Contains("| error: no compiler") && Catch::Contains(f.work.dirs.log().string()));
}

TEST_CASE("build_packages: a build that fails for want of mypyc names the package, its log and python3-mypy") {
    Fixture f;
    write_file_atomic(f.dir / "src/setup.py", "");
    test::FakeRunner runner;
    test::RecordingStatus status;
    Host host{runner, status};
    // The import fails first; 20 lines of other output follow it, past the tail the error quotes.
    std::string out = "Traceback (most recent call last):\n  File \"setup.py\", line 7, in <module>\n"
                      "    from mypyc.build import mypycify\nModuleNotFoundError: No module named 'mypyc'\n";
    for (int i = 0; i < 20; ++i)
        out += "later line " + std::to_string(i) + "\n";
    runner.on({f.py.executable, "setup.py", "build"}, {out, {1, 0}, nullptr});
    Toolchain t;
    t.python = f.py;
    t.identity = "toolchain";
    CHECK_THROWS_WITH(prepare_module(f.work, t, {}, host),
                      Catch::StartsWith("pkg: the package's build failed (exit status 1)") &&
                          !Catch::Contains("No module named 'mypyc'") &&
                          Catch::Contains("  the build needs mypyc, from Debian's python3-mypy: apt-get install "
                                          "python3-mypy\n  full log: " +
                                          f.work.dirs.log().string()));
    runner.on({f.py.executable, "setup.py", "build"}, {"error: no compiler\n", {1, 0}, nullptr});
    CHECK_THROWS_WITH(prepare_module(f.work, t, {}, host), !Catch::Contains("apt-get install"));
}

TEST_CASE("build_packages: a launcher reaches the capture wrapper only; the build sees the same CC") {
    Fixture f;
    write_file_atomic(f.dir / "src/setup.py", "");
    Launcher launcher{{"/usr/bin/ccache"}, "--launcher"};
    Command plain = package_build_command(f.work, BuildKind::SetupPy, f.py, nullptr, "/k/kmpack-capture", {});
    Command with = package_build_command(f.work, BuildKind::SetupPy, f.py, nullptr, "/k/kmpack-capture", launcher);
    CHECK(parse_launcher_env(with.env.at(kCaptureLauncherEnv)) == launcher.argv);
    with.env.erase(kCaptureLauncherEnv);
    plain.env.erase(kCaptureLauncherEnv);
    CHECK(with.env == plain.env); // CC, CXX, LDSHARED and the flags are those without a launcher
    CHECK(with.argv == plain.argv);
    CHECK(with.env.at("CC") == "/k/kmpack-capture gcc -pthread");
}

TEST_CASE("build_packages: a build that fails under a launcher says the compiles ran through it") {
    Fixture f;
    write_file_atomic(f.dir / "src/setup.py", "");
    test::FakeRunner runner;
    test::RecordingStatus status;
    Host host{runner, status};
    runner.on({f.py.executable, "setup.py", "build"}, {"distcc[1] ERROR: failed to distribute\n", {1, 0}, nullptr});
    Toolchain t;
    t.python = f.py;
    t.identity = "toolchain";
    ModuleOptions options;
    options.capture_tool = "/k/kmpack-capture";
    options.launcher = {{"/usr/bin/distcc"}, "KMPACK_LAUNCHER"};
    CHECK_THROWS_WITH(prepare_module(f.work, t, options, host),
                      Catch::StartsWith("pkg: the package's build failed (exit status 1)") &&
                          Catch::Contains("| distcc[1] ERROR: failed to distribute") &&
                          Catch::Contains("the compiles ran through the launcher /usr/bin/distcc (KMPACK_LAUNCHER)") &&
                          Catch::Contains(f.work.dirs.log().string()));
    auto builds = runner.matching({f.py.executable, "setup.py"});
    REQUIRE(builds.size() == 1);
    CHECK(builds[0].env.at(kCaptureLauncherEnv) == "[\"/usr/bin/distcc\"]");
    CHECK_FALSE(std::filesystem::exists(f.work.dirs.record())); // nothing recorded as built
}

TEST_CASE("build_packages: the interpreter's configure, make and make install carry the launcher too") {
    Fixture f;
    f.spec.build = BuildKind::CPython;
    write_file_atomic(f.dir / "src/configure", "#!/bin/sh\n");
    write_file_atomic(f.dir / "src/Include/patchlevel.h", "#define PY_MAJOR_VERSION 3\n#define PY_MINOR_VERSION 11\n");
    test::FakeRunner runner;
    test::RecordingStatus status;
    Host host{runner, status};
    runner.on({"./configure"}, {"", {}, nullptr});
    runner.on({"make"}, {"", {}, nullptr});
    runner.on({"make", "install"}, {"gcc: fatal error: no input files\n", {2, 0}, nullptr});
    ModuleOptions options;
    options.capture_tool = "/k/kmpack-capture";
    options.launcher = {{"/usr/bin/ccache"}, "--launcher"};
    Toolchain own;
    own.python = f.py;
    own.identity = "gcc 12";
    CHECK_THROWS_WITH(prepare_module(f.work, own, options, host),
                      Catch::StartsWith("pkg: CPython's install failed (exit status 2)") &&
                          Catch::Contains("the compiles ran through the launcher /usr/bin/ccache (--launcher)"));
    std::vector<std::vector<std::string>> steps = {{"./configure"}, {"make", "-j1"}, {"make", "install"}};
    for (const auto &step : steps) {
        auto ran = runner.matching(step);
        INFO(step.front() << " " << step.back());
        REQUIRE(ran.size() == 1);
        CHECK(ran[0].env.at(kCaptureLauncherEnv) == "[\"/usr/bin/ccache\"]");
        for (const auto &arg : ran[0].argv)
            CHECK(arg.find("ccache") == std::string::npos); // CC stays the wrapper and the compiler
    }
}

TEST_CASE("build_packages: a CPython source of another minor version is refused before configure runs") {
    Fixture f;
    f.spec.name = "python";
    f.spec.build = BuildKind::CPython;
    write_file_atomic(f.dir / "src/configure", "#!/bin/sh\n");
    write_file_atomic(f.dir / "src/Include/patchlevel.h", "/* Version parsed out into numeric values */\n"
                                                           "#define PY_MAJOR_VERSION\t\t3\n"
                                                           "#define PY_MINOR_VERSION\t\t12\n"
                                                           "#define PY_MICRO_VERSION\t\t1\n");
    test::FakeRunner runner;
    test::RecordingStatus status;
    Host host{runner, status};
    Toolchain t;
    t.python = f.py;
    CHECK_THROWS_WITH(prepare_module(f.work, t, {}, host),
                      "modules.txt:1: the source is CPython 3.12, --python /opt/py/bin/python3 is 3.11 (python.km is "
                      "the one, the package builds borrow the other's tools): give a 3.11 source, or --python a "
                      "Python 3.12");
    CHECK(runner.matching({"./configure"}).empty());

    // The same minor version goes on to configure (which the fake runner fails).
    write_file_atomic(f.dir / "src/Include/patchlevel.h", "#define PY_MAJOR_VERSION 3\n#define PY_MINOR_VERSION 11\n");
    CHECK_THROWS_WITH(prepare_module(f.work, t, {}, host), Catch::Contains("CPython's configure failed"));
    CHECK(runner.matching({"./configure"}).size() == 1);
}

TEST_CASE("build_packages: a local source is keyed by its content, not by how its path is written") {
    test::TempDir dir;
    write_file_atomic(dir / "proj/pkg/setup.py", "print('hi')\n");
    Manifest relative = parse_manifest("pkg pkg\n", "modules.txt", dir / "proj");
    Manifest absolute = parse_manifest("pkg " + (dir / "proj/pkg").string() + "\n", "modules.txt", dir / "proj");
    test::FakeRunner runner;
    std::string key = current_key(runner, relative.modules[0], "toolchain");
    CHECK(current_key(runner, absolute.modules[0], "toolchain") == key);
    // The project moved: the same content elsewhere is the same build.
    fs::rename(dir / "proj", dir / "moved");
    Manifest moved = parse_manifest("pkg pkg\n", "modules.txt", dir / "moved");
    CHECK(current_key(runner, moved.modules[0], "toolchain") == key);
    // Its content is what counts.
    write_file_atomic(dir / "moved/pkg/setup.py", "print('changed')\n");
    CHECK(current_key(runner, moved.modules[0], "toolchain") != key);
    CHECK(runner.commands().empty());
}

TEST_CASE("build_packages: a Rust package's cargo runs offline and links through the capture wrapper") {
    Fixture f;
    write_file_atomic(f.dir / "src/setup.py", "");
    write_file_atomic(f.dir / "src/Cargo.toml", "[package]\nname = \"pkg\"\n");
    f.spec.env["RUSTFLAGS"] = "-C opt-level=2  -g";
    Command c = package_build_command(f.work, BuildKind::SetupPy, f.py, nullptr, "/k/kmpack-capture", {});
    const ModuleLayout &dirs = f.work.dirs;
    CHECK(c.env.at("CARGO_ENCODED_RUSTFLAGS") ==
          "-C\x1fopt-level=2\x1f-g\x1f-C\x1flinker=" + dirs.rust_linker().string() + "\x1f-C\x1fsave-temps\x1f" +
              "--remap-path-prefix=" + dirs.work.string() + "=/kmpack/pkg");
    CHECK(dirs.rust_linker().filename() == "kmpack-link-gcc");
    CHECK(c.env.at(kCaptureLinkerEnv) == "[\"gcc\",\"-pthread\"]");
    CHECK(c.env.at("TMPDIR") == dirs.rust_temp().string());
    CHECK(c.env.at("CC") == "/k/kmpack-capture gcc -pthread"); // the C compiles as before

    // cargo's configuration above the source, and the wrapper's link.
    prepare_cargo(dirs, "/k/kmpack-capture");
    CHECK(fs::read_symlink(dirs.rust_linker()) == "/k/kmpack-capture");
    CHECK(dirs.cargo_config() == dirs.work / ".cargo/config.toml"); // cargo looks in the source's parents
    CHECK(read_file(dirs.cargo_config()).find("[net]\noffline = true\n") != std::string::npos);

    // A package with no Cargo.toml gets none of it.
    fs::remove(f.dir / "src/Cargo.toml");
    Command plain = package_build_command(f.work, BuildKind::SetupPy, f.py, nullptr, "/k/kmpack-capture", {});
    CHECK_FALSE(plain.env.count("CARGO_ENCODED_RUSTFLAGS"));
    CHECK_FALSE(plain.env.count(kCaptureLinkerEnv));
}

TEST_CASE("build_packages: cargo's configuration replaces crates.io with the local registry, quoted") {
    CHECK(cargo_config_text("/usr/share/cargo/registry") ==
          "# Written by kmpack: the package's crates come from a local registry, offline.\n"
          "[net]\noffline = true\n\n"
          "[source.crates-io]\nreplace-with = \"kmpack-local\"\n\n"
          "[source.kmpack-local]\ndirectory = \"/usr/share/cargo/registry\"\n");
    CHECK(cargo_config_text("/r/a\"b\\c").find("directory = \"/r/a\\\"b\\\\c\"\n") != std::string::npos);
    CHECK(cargo_config_text("") == "# Written by kmpack: the package's crates come from a local registry, offline.\n"
                                   "[net]\noffline = true\n");
    // $CARGO and $RUSTC of the module line first; else cargo on its PATH and the rustc beside it.
    test::TempDir bin;
    for (const char *tool : {"cargo", "rustc"}) {
        write_file_atomic(bin / tool, "#!/bin/sh\n");
        fs::permissions(bin / tool, fs::perms::owner_all);
    }
    // Debian's cargo when Debian's registry is there, whatever is on PATH.
    test::TempDir debian;
    fs::create_directories(debian / "bin");
    fs::create_directories(debian / "registry");
    for (const char *tool : {"cargo", "rustc"}) {
        write_file_atomic(debian / "bin" / tool, "#!/bin/sh\n");
        fs::permissions(debian / "bin" / tool, fs::perms::owner_all);
    }
    RustTools tools = find_rust_tools({{"PATH", bin.path().string()}}, debian / "bin/cargo", debian / "registry");
    CHECK(tools.cargo == (debian / "bin/cargo").string());
    CHECK(tools.rustc == (debian / "bin/rustc").string());
    tools = find_rust_tools({{"PATH", bin.path().string()}}, debian / "bin/cargo", debian / "none");
    CHECK(tools.cargo == (bin / "cargo").string());
    CHECK(tools.rustc == (bin / "rustc").string());
    tools = find_rust_tools({{"CARGO", "/opt/rust/bin/cargo"}, {"RUSTC", "/opt/rust/bin/rustc"}});
    CHECK(tools.cargo == "/opt/rust/bin/cargo");
    CHECK(tools.rustc == "/opt/rust/bin/rustc");
}

TEST_CASE("build_packages: a Rust build missing a crate offline names the package, the crate and its Debian package") {
    Fixture f;
    write_file_atomic(f.dir / "src/setup.py", "");
    write_file_atomic(f.dir / "src/Cargo.toml", "[package]\nname = \"pkg\"\n[dependencies]\nno_such_crate = \"1\"\n");
    test::FakeRunner runner;
    test::RecordingStatus status;
    Host host{runner, status};
    // setuptools-rust's output, as cargo 0.66 (Debian 12) says it offline.
    runner.on({f.py.executable, "setup.py", "build"},
              {"running build_rust\n"
               "error: no matching package named `no_such_crate` found\n"
               "location searched: registry `crates-io`\n"
               "required by package `pkg v1.0.0 (/w/modules/pkg/src)`\n",
               {1, 0}, nullptr});
    Toolchain t;
    t.python = f.py;
    t.identity = "toolchain";
    ModuleOptions options;
    options.capture_tool = "/k/kmpack-capture";
    CHECK_THROWS_WITH(prepare_module(f.work, t, options, host),
                      Catch::StartsWith("pkg: the package's build failed (exit status 1)") &&
                          Catch::Contains("  the build needs the crate no_such_crate, which cargo did not find "
                                          "offline; Debian's librust-no-such-crate-dev provides it, if Debian "
                                          "packages it: apt-get install librust-no-such-crate-dev\n"));
    // cargo was given its configuration and the wrapper's link before the build ran.
    CHECK(fs::exists(f.work.dirs.cargo_config()));
    CHECK(fs::read_symlink(f.work.dirs.rust_linker()) == "/k/kmpack-capture");
    auto builds = runner.matching({f.py.executable, "setup.py", "build"});
    REQUIRE(builds.size() == 1);
    CHECK(builds[0].env.at("CARGO_ENCODED_RUSTFLAGS").find("save-temps") != std::string::npos);
}
