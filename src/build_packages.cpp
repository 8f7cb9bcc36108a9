#include "kmpack/build_packages.h"

#include "kmpack/build_cache.h"
#include "kmpack/build_hints.h"
#include "kmpack/c_library.h"
#include "kmpack/capture.h"
#include "kmpack/cpython_build.h"
#include "kmpack/disk_space.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/parallel.h"
#include "kmpack/rust_build.h"
#include "kmpack/source.h"
#include "kmpack/wheel.h"

#include <cstdlib>
#include <llvm/ADT/StringRef.h>

namespace kmpack {

namespace {

std::string wrapped(const fs::path &capture, const std::vector<std::string> &tool) {
    std::vector<std::string> argv = {capture.string()};
    argv.insert(argv.end(), tool.begin(), tool.end());
    return shell_quote(argv);
}

bool uses_meson_python(const fs::path &package_dir) {
    std::error_code ec;
    fs::path pyproject = package_dir / "pyproject.toml";
    return fs::exists(pyproject, ec) && read_file(pyproject).find("mesonpy") != std::string::npos;
}

// What the whole log says is missing (a build tool's module, a header), with
// the Debian package that provides it; the tail may have missed it.
std::string log_hint(const fs::path &log) {
    try {
        return missing_package_hint(read_file(log));
    } catch (const Error &) {
        return {};
    }
}

// A pip build leaves a wheel; its content is the installed package.
void unpack_wheels(const ModuleWork &m) {
    for (const auto &entry : fs::directory_iterator(m.dirs.wheel()))
        if (entry.path().extension() == ".whl")
            extract_archive(entry.path(), m.dirs.lib());
}

void run_package_build(ModuleWork &m, const Toolchain &toolchain, const ModuleOptions &options, Host &host) {
    BuildKind kind = package_build_kind(m);
    host.status.phase(m.spec->name, kind == BuildKind::SetupPy ? "build" : "build/pip");
    Command c = package_build_command(m, kind, toolchain.python, toolchain.tools(), options.capture_tool,
                                      options.launcher);
    if (uses_cargo(m.package_dir))
        prepare_cargo(m.dirs, options.capture_tool);
    CommandResult result = host.runner.run(c);
    if (!result.ok()) {
        std::string tail = log_tail(m.dirs.log(), 15);
        std::string failed = m.spec->name + ": the package's build failed (" + result.describe() + ")";
        if (says_no_space(tail))
            throw NoSpaceError(failed + ": " + no_space_text(fullest({m.dirs.work, temp_dir()})) + "\n" + tail +
                               "  full log: " + m.dirs.log().string());
        throw Error(failed + "\n" + tail + log_hint(m.dirs.log()) + launcher_hint(options.launcher) +
                    "  full log: " + m.dirs.log().string());
    }
    if (kind == BuildKind::Pip)
        unpack_wheels(m);
}

// A library line: configure, build and install into its prefix, then
// check that it installed a static archive.
void run_library_build(ModuleWork &m, const Toolchain &toolchain, const ModuleOptions &options, Host &host) {
    const ModuleSpec &spec = *m.spec;
    std::string how = library_build_name(spec.build);
    if (spec.detected)
        append_file(m.dirs.log(), "kmpack: " + spec.origin + ": a C library, built with " + how + " (its " +
                                      library_build_file(spec.build) + ")\n");
    for (const auto &[phase, command] :
         library_build_commands(spec, spec.build, m.package_dir, m.dirs.work, options.capture_tool,
                                toolchain.python.cc, toolchain.python.cxx, build_environment(m, options.launcher),
                                options.jobs, m.dirs.log())) {
        host.status.phase(spec.name, how + " " + phase);
        CommandResult result = host.runner.run(command);
        if (result.ok())
            continue;
        std::string tail = log_tail(m.dirs.log(), 15);
        std::string failed = spec.origin + ": " + spec.name + ": the library's " + how + " " + phase + " failed (" +
                             result.describe() + ")";
        std::string rest = "\n" + tail + log_hint(m.dirs.log()) + launcher_hint(options.launcher) +
                           "  full log: " + m.dirs.log().string() + "\n  command: " + shell_quote(command.argv);
        if (says_no_space(tail))
            throw NoSpaceError(failed + ": " + no_space_text(fullest({m.dirs.work, temp_dir()})) + rest);
        throw Error(failed + rest);
    }
    std::vector<std::string> removed;
    for (const auto &archive : finish_installed_library(spec, spec.build, library_prefix(m.dirs.work), removed))
        append_file(m.dirs.log(), "kmpack: installed " + archive.string() + "\n");
    for (const auto &r : removed)
        append_file(m.dirs.log(), "kmpack: removed " + r + ": a shared library, which python.km cannot link\n");
}

// The library lines after `m` in `work` whose name (less a leading "lib":
// "xslt" for libxslt) its build log mentions, for a failed build's message:
// its build did not see them.
std::string later_libraries_hint(const ModuleWork &m, const std::vector<ModuleWork> &work) {
    std::string log;
    try {
        log = llvm::StringRef(read_file(m.dirs.log())).lower();
    } catch (const Error &) {
        return "";
    }
    std::string names;
    bool after = false;
    for (const auto &w : work) {
        if (&w == &m) {
            after = true;
            continue;
        }
        std::string stem = llvm::StringRef(w.spec->name).lower();
        if (stem.size() > 3 && stem.starts_with("lib"))
            stem.erase(0, 3);
        if (after && w.library() && log.find(stem) != std::string::npos)
            names += (names.empty() ? "" : ", ") + w.spec->origin + " (" + w.spec->name + ")";
    }
    if (names.empty())
        return "";
    return "  note: the library lines " + names + " come after " + m.spec->origin +
           ", so its build did not see them; if it needs one, move that line above it\n";
}

// The module's entry in the module cache, fetched into its work directory
// in place of a build: true when it was, with a record of this key.
bool fetch_from_cache(ModuleWork &m, const ModuleOptions &options, Host &host) {
    if (!options.module_cache || options.forced(m.spec->name))
        return false;
    host.status.phase(m.spec->name, "fetch from cache");
    if (!options.module_cache->fetch(m.spec->name, m.key, m.dirs.work))
        return false;
    auto recorded = recorded_build(m.dirs.work);
    if (!recorded || recorded->key != m.key)
        return false; // not an entry this kmpack stored: built over
    m.package_dir = m.dirs.work / recorded->package_dir;
    m.cached = m.fetched = true;
    return true;
}

} // namespace

std::map<std::string, std::string> build_environment(const ModuleWork &m, const Launcher &launcher) {
    const ModuleSpec &spec = *m.spec;
    std::map<std::string, std::string> env = spec.env;
    env[kCaptureLogEnv] = m.dirs.capture_log().string();
    env[kCaptureMapDirEnv] = m.dirs.maps().string();
    // Set even when empty, so that one in kmpack's own environment is not inherited.
    env[kCaptureLauncherEnv] = launcher_env_value(launcher.argv);
    env["PYTHONDONTWRITEBYTECODE"] = "1";
    std::vector<fs::path> prefixes;
    for (const ModuleWork *library : m.libraries)
        prefixes.push_back(library_prefix(library->dirs.work));
    if (!std::getenv("SOURCE_DATE_EPOCH") && !spec.env.count("SOURCE_DATE_EPOCH"))
        env["SOURCE_DATE_EPOCH"] = "315532800";
    // Keep the build directory out of the objects, so ids do not depend on it.
    // The same for the libraries' prefixes, whose headers it compiles with;
    // also as a path relative to where its compiles run, which is how ccache
    // with CCACHE_BASEDIR rewrites an -I below the build directory.
    std::string prefix_map;
    std::vector<std::pair<std::string, std::string>> maps = {{m.dirs.work.string(), spec.name}};
    for (const ModuleWork *library : m.libraries) {
        maps.emplace_back(library->dirs.work.string(), library->spec->name);
        for (const fs::path &cwd : {m.package_dir, m.dirs.meson_build()})
            if (!cwd.empty() && cwd.is_absolute())
                if (std::string rel = library->dirs.work.lexically_relative(cwd).string(); rel.starts_with(".."))
                    maps.emplace_back(rel, library->spec->name);
    }
    for (const auto &[dir, name] : maps)
        if (dir.find_first_of(" \t\n'\"\\") == std::string::npos)
            prefix_map += (prefix_map.empty() ? "" : " ") + ("-ffile-prefix-map=" + dir + "=/kmpack/" + name);
    if (!prefix_map.empty()) {
        for (const char *var : {"CFLAGS", "CXXFLAGS", "FFLAGS", "FCFLAGS"}) {
            const char *inherited = std::getenv(var);
            std::string flags = spec.env.count(var) ? spec.env.at(var) : inherited ? inherited : "";
            env[var] = flags.empty() ? prefix_map : flags + " " + prefix_map;
        }
    }
    add_library_environment(env, prefixes);
    return env;
}

BuildKind package_build_kind(const ModuleWork &m) {
    if (m.spec->build != BuildKind::Auto)
        return m.spec->build;
    std::error_code ec;
    return fs::exists(m.package_dir / "setup.py", ec) ? BuildKind::SetupPy : BuildKind::Pip;
}

Command package_build_command(const ModuleWork &m, BuildKind kind, const PythonInfo &py, const PythonInfo *tools,
                              const fs::path &capture, const Launcher &launcher) {
    Command c;
    c.cwd = m.package_dir;
    c.output = m.dirs.log();
    c.env = build_environment(m, launcher);
    c.env["CC"] = wrapped(capture, py.cc);
    c.env["CXX"] = wrapped(capture, py.cxx);
    c.env["LDSHARED"] = wrapped(capture, py.ldshared);
    c.env["LDCXXSHARED"] = wrapped(capture, py.ldcxxshared.empty() ? py.ldshared : py.ldcxxshared);
    // Fortran, for builds that compile it (f2py, meson, a setup.py calling
    // $FC): the line's own FC, else the environment's, else gfortran.
    const char *fc = std::getenv("FC");
    std::string fortran = m.spec->env.count("FC") ? m.spec->env.at("FC") : fc && *fc ? fc : "gfortran";
    c.env["FC"] = wrapped(capture, split_words(fortran));
    if (tools && tools->version == py.version && !m.spec->env.count("PYTHONPATH")) {
        std::string path;
        for (const auto &dir : tools->site_packages)
            path += (path.empty() ? "" : ":") + dir;
        c.env["PYTHONPATH"] = path;
    }
    // A Rust extension: cargo offline, rustc's links through the wrapper.
    if (uses_cargo(m.package_dir)) {
        for (auto &[var, value] :
             rust_environment(m.dirs, m.spec->name, find_rust_tools(m.spec->env), m.dirs.rust_linker(), m.spec->env))
            c.env[var] = value;
        c.env[kCaptureLinkerEnv] = launcher_env_value(py.cc); // what the link named kCaptureLinkerName runs
    }
    if (kind == BuildKind::SetupPy) {
        c.argv = {py.executable, "setup.py",       "build", "--build-lib", m.dirs.lib().string(),
                  "--build-temp", m.dirs.temp().string()};
        return c;
    }
    c.env["PIP_NO_INDEX"] = "1";
    c.env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1";
    c.argv = {py.executable, "-m",          "pip",        "wheel",
              "--no-build-isolation", "--no-deps", "--no-index", "--wheel-dir",
              m.dirs.wheel().string()};
    // meson-python builds in a temporary directory it deletes, objects and
    // all; kmpack needs them after the build, so it names the directory.
    if (uses_meson_python(m.package_dir))
        c.argv.push_back("--config-settings=builddir=" + m.dirs.meson_build().string());
    c.argv.insert(c.argv.end(), {"--", m.package_dir.string()});
    return c;
}

void prepare_module(ModuleWork &m, const Toolchain &toolchain, const ModuleOptions &options, Host &host) {
    const ModuleSpec &spec = *m.spec;
    host.status.phase(spec.name, "check");
    std::vector<std::string> library_keys;
    for (const ModuleWork *library : m.libraries)
        library_keys.push_back(library->key);
    m.key = chained_key(current_key(host.runner, spec, toolchain.identity), library_keys);
    m.cached = false;
    if (auto recorded = recorded_build(m.dirs.work); recorded && recorded->key == m.key && !options.forced(spec.name)) {
        std::string damage = damaged_build_file(m.dirs.work, *recorded);
        std::error_code ec;
        if (damage.empty() && m.library() && !fs::is_directory(library_prefix(m.dirs.work) / "lib", ec))
            damage = (library_prefix(m.dirs.work) / "lib").string() + ": missing, its archives with it";
        if (damage.empty()) {
            m.package_dir = m.dirs.work / recorded->package_dir;
            // An earlier kmpack's record (an interpreter in the per-user
            // cache) is trusted as it is and left alone: the cache is shared
            // with other kmpacks, and not written after its build.
            m.cached = true;
            return;
        }
        host.status.note(spec.name + ": " + damage + "; building " + spec.name + " again");
        m.damaged = true;
    }
    // Not a library line: its prefix (.pc files, *-config scripts) names
    // the build directory it was installed into.
    if (spec.build != BuildKind::CPython && !m.library()) {
        m.cache_key = m.key;
        m.cache_tree = m.dirs.work;
        if (fetch_from_cache(m, options, host))
            return;
    }
    std::error_code rm;
    fs::remove_all(m.dirs.work, rm);
    fs::create_directories(m.dirs.maps());
    write_file_atomic(m.dirs.log(), "");
    if (spec.kind == SourceKind::Wheel) {
        host.status.phase(spec.name, "unpack");
        auto wheel = parse_wheel_name(spec.local_path.filename().string()); // the manifest checked the name
        if (std::string why = wheel_refusal(*wheel, toolchain.python.version); !why.empty())
            throw Error(spec.origin + ": " + spec.local_path.string() + " is " + why);
        std::vector<std::string> notes;
        install_wheel(spec.local_path, m.dirs.lib(), spec.origin, notes);
        for (const auto &note : notes)
            append_file(m.dirs.log(), note + "\n");
        m.package_dir = m.dirs.lib();
        return;
    }
    host.status.phase(spec.name, "fetch");
    m.package_dir = fetch_source(spec, m.dirs.source(), host.runner, m.dirs.log());
    if (spec.build == BuildKind::CPython) {
        check_cpython_version(spec, m.package_dir, toolchain.python);
        build_cpython(spec, m.package_dir, m.dirs.work, options.capture_tool, options.launcher,
                      build_environment(m, options.launcher), options.jobs, m.dirs.log(), host.runner, host.status);
    } else if (m.library()) {
        run_library_build(m, toolchain, options, host);
    } else {
        run_package_build(m, toolchain, options, host);
    }
}

void build_packages(std::vector<ModuleWork> &work, size_t first, const Toolchain &toolchain,
                    const ModuleOptions &options, Outcomes &outcomes, Host &host) {
    // A library line is built alone, after the lines before it and before
    // the lines after it (its own build runs `options.jobs` at a time); the
    // packages between two library lines, `options.jobs` at a time.
    for (size_t start = first; start < work.size();) {
        size_t end = start + 1;
        if (!work[start].library())
            while (end < work.size() && !work[end].library())
                ++end;
        parallel_for(end - start, work[start].library() ? 1 : options.jobs, [&](size_t k) {
            size_t i = start + k;
            outcomes.work(i, [&] {
                try {
                    prepare_module(work[i], toolchain, options, host);
                } catch (const NoSpaceError &) {
                    throw;
                } catch (const Error &e) {
                    std::string hint = work[i].library() ? "" : later_libraries_hint(work[i], work);
                    if (hint.empty())
                        throw;
                    throw Error(std::string(e.what()) + "\n" + hint.substr(0, hint.size() - 1));
                }
            });
            outcomes.end_build(i, !work[i].cached);
        });
        start = end;
    }
}

} // namespace kmpack
