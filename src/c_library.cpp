#include "kmpack/c_library.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/system_libs.h"

#include <algorithm>
#include <cstdlib>

namespace kmpack {

namespace {

// The value of `name` a build would see: the line's or kmpack's own
// setting in `env`, else the inherited environment's.
std::string current(const std::map<std::string, std::string> &env, const std::string &name) {
    if (auto it = env.find(name); it != env.end())
        return it->second;
    const char *inherited = std::getenv(name.c_str());
    return inherited ? inherited : "";
}

// `first` then `rest`, joined by `separator`, leaving out empty parts.
std::string joined(const std::vector<std::string> &first, const std::string &rest, const std::string &separator) {
    std::string out;
    for (const auto &p : first)
        out += (out.empty() ? "" : separator) + p;
    if (!rest.empty())
        out += (out.empty() ? "" : separator) + rest;
    return out;
}

std::string wrapped(const fs::path &capture, const std::vector<std::string> &tool) {
    std::vector<std::string> argv = {capture.string()};
    argv.insert(argv.end(), tool.begin(), tool.end());
    return shell_quote(argv);
}

} // namespace

bool is_library_build(BuildKind kind) {
    return kind == BuildKind::CMake || kind == BuildKind::Autotools || kind == BuildKind::Meson;
}

std::string library_build_name(BuildKind kind) {
    switch (kind) {
    case BuildKind::CMake:
        return "cmake";
    case BuildKind::Autotools:
        return "autotools";
    case BuildKind::Meson:
        return "meson";
    default:
        return "";
    }
}

std::string library_build_file(BuildKind kind) {
    switch (kind) {
    case BuildKind::CMake:
        return "CMakeLists.txt";
    case BuildKind::Autotools:
        return "configure";
    case BuildKind::Meson:
        return "meson.build";
    default:
        return "";
    }
}

BuildKind detect_library_build(const fs::path &dir) {
    std::error_code ec;
    if (fs::exists(dir / "setup.py", ec) || fs::exists(dir / "pyproject.toml", ec))
        return BuildKind::Auto;
    for (BuildKind kind : {BuildKind::Autotools, BuildKind::CMake, BuildKind::Meson})
        if (fs::is_regular_file(dir / library_build_file(kind), ec))
            return kind;
    return BuildKind::Auto;
}

fs::path library_prefix(const fs::path &work) { return work / "prefix"; }

std::vector<std::pair<std::string, Command>>
library_build_commands(const ModuleSpec &spec, BuildKind kind, const fs::path &source_dir, const fs::path &work,
                       const fs::path &capture, const std::vector<std::string> &cc,
                       const std::vector<std::string> &cxx, std::map<std::string, std::string> env, unsigned jobs,
                       const fs::path &log) {
    fs::path prefix = library_prefix(work);
    fs::path build_dir = work / "build";
    std::string j = "-j" + std::to_string(std::max(1u, jobs));
    // Position-independent whatever the build's own option: the archives
    // are linked into the packages' shared objects.
    for (const char *var : {"CFLAGS", "CXXFLAGS"}) {
        std::string flags = current(env, var);
        env[var] = flags.empty() ? "-fPIC" : "-fPIC " + flags;
    }
    Command base;
    base.cwd = source_dir;
    base.output = log;
    base.env = env;
    Command configure = base, build = base, install = base;
    switch (kind) {
    case BuildKind::CMake:
        // The launcher runs every compile through the capture wrapper; the
        // compilers themselves stay plain, as CMake's checks want them.
        configure.argv = {"cmake",
                          "-S",
                          source_dir.string(),
                          "-B",
                          build_dir.string(),
                          "-DCMAKE_BUILD_TYPE=Release",
                          "-DCMAKE_INSTALL_PREFIX=" + prefix.string(),
                          "-DCMAKE_INSTALL_LIBDIR=lib",
                          "-DBUILD_SHARED_LIBS=OFF",
                          "-DCMAKE_POSITION_INDEPENDENT_CODE=ON",
                          "-DCMAKE_C_COMPILER=" + cc.at(0),
                          "-DCMAKE_CXX_COMPILER=" + cxx.at(0),
                          "-DCMAKE_C_COMPILER_LAUNCHER=" + capture.string(),
                          "-DCMAKE_CXX_COMPILER_LAUNCHER=" + capture.string()};
        build.argv = {"cmake", "--build", build_dir.string(), j};
        install.argv = {"cmake", "--install", build_dir.string()};
        break;
    case BuildKind::Meson:
        configure.env["CC"] = wrapped(capture, cc);
        configure.env["CXX"] = wrapped(capture, cxx);
        configure.argv = {"meson",
                          "setup",
                          build_dir.string(),
                          source_dir.string(),
                          "--prefix=" + prefix.string(),
                          "--libdir=lib",
                          "--buildtype=release",
                          "--default-library=static",
                          "-Db_staticpic=true"};
        build.argv = {"meson", "compile", "-C", build_dir.string(), j};
        install.argv = {"meson", "install", "-C", build_dir.string()};
        break;
    case BuildKind::Autotools:
        // configure records CC in the Makefiles; make runs what it recorded.
        configure.env["CC"] = wrapped(capture, cc);
        configure.env["CXX"] = wrapped(capture, cxx);
        configure.argv = {"sh",
                          "./configure",
                          "--prefix=" + prefix.string(),
                          "--libdir=" + (prefix / "lib").string(),
                          "--disable-shared",
                          "--enable-static",
                          "--with-pic"};
        build.argv = {"make", j};
        install.argv = {"make", "install"};
        break;
    default:
        throw Error(spec.origin + ": '" + spec.name + "' is not a library line");
    }
    configure.argv.insert(configure.argv.end(), spec.configure.begin(), spec.configure.end());
    return {{"configure", configure}, {"build", build}, {"install", install}};
}

void add_library_environment(std::map<std::string, std::string> &env, const std::vector<fs::path> &prefixes) {
    if (prefixes.empty())
        return;
    std::vector<std::string> pkg_config, cmake, bin;
    std::string include, lib;
    for (const auto &dir : library_pkg_config_dirs(prefixes))
        pkg_config.push_back(dir.string());
    for (const auto &p : prefixes) {
        cmake.push_back(p.string());
        bin.push_back((p / "bin").string());
        include += (include.empty() ? "" : " ") + ("-I" + (p / "include").string());
        lib += (lib.empty() ? "" : " ") + ("-L" + (p / "lib").string());
    }
    env["PKG_CONFIG_PATH"] = joined(pkg_config, current(env, "PKG_CONFIG_PATH"), ":");
    env["CMAKE_PREFIX_PATH"] = joined(cmake, current(env, "CMAKE_PREFIX_PATH"), ":");
    env["PATH"] = joined(bin, current(env, "PATH"), ":");
    env["CPPFLAGS"] = joined({current(env, "CPPFLAGS")}, include, " ");
    env["LDFLAGS"] = joined({current(env, "LDFLAGS")}, lib, " ");
    for (const char *var : {"CPPFLAGS", "LDFLAGS"})
        if (env[var].starts_with(" "))
            env[var].erase(0, 1);
}

std::vector<fs::path> library_pkg_config_dirs(const std::vector<fs::path> &prefixes) {
    std::vector<fs::path> dirs;
    for (const auto &p : prefixes) {
        dirs.push_back(p / "lib" / "pkgconfig");
        dirs.push_back(p / "share" / "pkgconfig");
    }
    return dirs;
}

std::vector<fs::path> finish_installed_library(const ModuleSpec &spec, BuildKind kind, const fs::path &prefix,
                                               std::vector<std::string> &removed) {
    std::vector<fs::path> archives;
    fs::path lib = prefix / "lib";
    std::error_code ec;
    std::vector<fs::path> shared;
    for (fs::directory_iterator it(lib, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (name.ends_with(".a") && (it->is_regular_file() || it->is_symlink()))
            archives.push_back(it->path());
        else if (name.ends_with(".so") || name.find(".so.") != std::string::npos)
            shared.push_back(it->path());
    }
    if (archives.empty()) {
        std::string option = kind == BuildKind::CMake       ? "BUILD_SHARED_LIBS=OFF"
                             : kind == BuildKind::Meson     ? "default_library=static"
                                                            : "--enable-static";
        throw Error(spec.origin + ": the build of '" + spec.name + "' installed no static archive into " +
                    lib.string() + " (kmpack asked for one with " + option +
                    "); check the project's own option for a static library and pass it with configure= "
                    "(python.km links lib*.a archives only)");
    }
    std::sort(archives.begin(), archives.end());
    std::sort(shared.begin(), shared.end());
    for (const auto &s : shared) {
        fs::remove(s, ec);
        removed.push_back(s.string());
    }
    return archives;
}

std::string library_order_error(const ModuleSpec &package, const std::string &so_path,
                                const std::vector<std::string> &libs,
                                const std::vector<std::pair<const ModuleSpec *, fs::path>> &later) {
    for (const auto &lib : libs)
        for (const auto &[library, prefix] : later)
            if (!find_static_library(lib, {prefix / "lib"}).empty())
                return package.origin + ": " + package.name + ": " + so_path + " links -l" + lib +
                       ", which the library line " + library->origin + " (" + library->name +
                       ") builds after it, so its build linked another -l" + lib + " (the system's) or none; move " +
                       library->origin + " above " + package.origin;
    return "";
}

} // namespace kmpack
