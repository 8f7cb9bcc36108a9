#include "kmpack/cpython_build.h"

#include "kmpack/conventions.h"
#include "kmpack/disk_space.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/libpython_prefix.h"

#include <algorithm>

#include <cctype>

namespace kmpack {

CPythonLayout cpython_layout(const fs::path &source_dir, const fs::path &work) {
    CPythonLayout layout;
    layout.prefix = ModuleLayout{work}.install();
    layout.python = layout.prefix / "bin" / "python3";
    fs::path builddir_file = source_dir / "pybuilddir.txt";
    std::error_code ec;
    if (!fs::exists(builddir_file, ec))
        throw Error(builddir_file.string() + ": missing; the CPython build did not finish (build it again with --force)");
    std::string rel = read_file(builddir_file);
    while (!rel.empty() && std::isspace(static_cast<unsigned char>(rel.back())))
        rel.pop_back();
    if (rel.empty() || fs::path(rel).is_absolute() || rel.find("..") != std::string::npos)
        throw Error(builddir_file.string() + ": unexpected content '" + rel + "'");
    layout.lib_dir = source_dir / rel;
    if (!fs::exists(layout.python, ec))
        throw Error(layout.python.string() + ": missing; the CPython installation did not finish (build it again "
                                             "with --force)");
    return layout;
}

std::vector<std::pair<std::string, Command>> cpython_build_commands(const ModuleSpec &spec, const fs::path &source_dir,
                                                                    const fs::path &work, const fs::path &capture,
                                                                    const std::map<std::string, std::string> &env,
                                                                    unsigned jobs, const fs::path &log) {
    Command base;
    base.cwd = source_dir;
    base.output = log;
    base.env = env;
    // configure records CC in sysconfig, which the packages built later use:
    // it stays the plain compiler there. make gets the wrapped one, and hands
    // it on to setup.py, which links the shared modules.
    std::vector<std::string> wrapped = {"CC=" + shell_quote({capture.string(), kCPythonCC}),
                                        "CXX=" + shell_quote({capture.string(), kCPythonCXX})};
    Command configure = base;
    configure.argv = {"./configure", "--disable-shared", "--prefix=" + ModuleLayout{work}.install().string(),
                      "--with-ensurepip=install", std::string("CC=") + kCPythonCC,
                      std::string("CXX=") + kCPythonCXX};
    configure.argv.insert(configure.argv.end(), spec.configure.begin(), spec.configure.end());
    Command make = base;
    make.argv = {"make", "-j" + std::to_string(std::max(1u, jobs))};
    make.argv.insert(make.argv.end(), wrapped.begin(), wrapped.end());
    Command install = base;
    install.argv = {"make", "install"};
    install.argv.insert(install.argv.end(), wrapped.begin(), wrapped.end());
    return {{"configure", configure}, {"make", make}, {"install", install}};
}

CPythonLayout build_cpython(const ModuleSpec &spec, const fs::path &source_dir, const fs::path &work,
                            const fs::path &capture, const Launcher &launcher,
                            const std::map<std::string, std::string> &env, unsigned jobs, const fs::path &log,
                            CommandRunner &runner, Status &status) {
    for (const auto &[phase, command] : cpython_build_commands(spec, source_dir, work, capture, env, jobs, log)) {
        status.phase(spec.name, phase);
        CommandResult result = runner.run(command);
        if (!result.ok()) {
            std::string tail = log_tail(log, 15);
            std::string failed = spec.name + ": CPython's " + phase + " failed (" + result.describe() + ")";
            std::string rest = "\n" + tail + launcher_hint(launcher) + "  full log: " + log.string() +
                               "\n  command: " + shell_quote(command.argv);
            if (says_no_space(tail))
                throw NoSpaceError(failed + ": " + no_space_text(fullest({work, temp_dir()})) + rest);
            throw Error(failed + rest);
        }
    }
    CPythonLayout layout = cpython_layout(source_dir, work);
    status.phase(spec.name, "neutral prefix");
    for (const auto &lib : installed_libpythons(layout.prefix))
        neutralize_libpython_prefix(ModuleLayout{work}.capture_log(), source_dir, lib, launcher.argv, runner, log);
    return layout;
}

std::string cpython_source_version(const fs::path &source_dir) {
    fs::path header = source_dir / "Include" / "patchlevel.h";
    std::error_code ec;
    if (!fs::exists(header, ec))
        throw Error(header.string() + ": missing; " + source_dir.string() + " is not a CPython source");
    std::string text = read_file(header);
    auto number = [&](const std::string &macro) -> std::string {
        std::string define = "#define " + macro;
        for (size_t at = text.find(define); at != std::string::npos; at = text.find(define, at + 1)) {
            size_t p = at + define.size();
            if (p >= text.size() || (text[p] != ' ' && text[p] != '\t'))
                continue; // a longer name
            while (p < text.size() && (text[p] == ' ' || text[p] == '\t'))
                ++p;
            size_t end = p;
            while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])))
                ++end;
            if (end > p)
                return text.substr(p, end - p);
        }
        throw Error(header.string() + ": no " + macro + "; " + source_dir.string() + " is not a CPython source");
    };
    return number("PY_MAJOR_VERSION") + "." + number("PY_MINOR_VERSION");
}

std::string cpython_version_mismatch(const ModuleSpec &spec, const std::string &source_version,
                                     const PythonInfo &host) {
    return spec.origin + ": the source is CPython " + source_version + ", --python " + host.executable + " is " +
           host.version + " (python.km is the one, the package builds borrow the other's tools): give a " +
           host.version + " source, or --python a Python " + source_version;
}

void check_cpython_version(const ModuleSpec &spec, const fs::path &source_dir, const PythonInfo &host) {
    std::string version = cpython_source_version(source_dir);
    if (version != host.version)
        throw Error(cpython_version_mismatch(spec, version, host));
}

std::vector<fs::path> installed_libpythons(const fs::path &prefix) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(prefix / "lib", ec); it != fs::recursive_directory_iterator();
         ++it) {
        std::string name = it->path().filename().string();
        if (it.depth() == 0 && it->is_directory() && !name.starts_with("python"))
            it.disable_recursion_pending();
        if (it->is_regular_file() && name.starts_with("libpython") && name.ends_with(".a") &&
            it->path().parent_path().filename().string().starts_with("config-"))
            out.push_back(it->path());
        if (it.depth() >= 1 && it->is_directory() && !name.starts_with("config-"))
            it.disable_recursion_pending();
    }
    std::sort(out.begin(), out.end());
    return out;
}

const std::vector<std::pair<std::string, std::string>> &cpython_default_skips() {
    static const std::vector<std::pair<std::string, std::string>> skips = {
        {"_tkinter.*", "Tk's static archive needs X11's, which its link line does not name (Debian ships "
                       "_tkinter apart, in python3-tk)"},
        {"nis.*", "libtirpc's static archive needs GSS-API (Kerberos), which Debian ships no static archive of "
                  "(nis is deprecated, and gone in Python 3.13)"},
    };
    return skips;
}

} // namespace kmpack
