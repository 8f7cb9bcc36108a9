// kmpack: put Python packages with C/C++ extensions into a static python.km.
// A thin driver: flags become option structs, the library does the work, and
// errors are reported once, here.
#include "kmpack/allocator.h"
#include "kmpack/clean.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/inspect.h"
#include "kmpack/launcher.h"
#include "kmpack/pipeline.h"
#include "kmpack/list.h"
#include "kmpack/progress.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string_view>
#include <thread>
#include <unistd.h>

namespace {

std::vector<std::string> split_commas(const std::string &s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty())
            out.push_back(item);
    return out;
}

unsigned default_jobs() { return std::max(1u, std::thread::hardware_concurrency()); }

const CLI::Range kJobs(1u, 4096u);

struct LinkFlags {
    std::string cc = "gcc -static";
    std::vector<std::string> link_args;
    std::string output;
    std::string cpython_tree;
    std::string mode = "registry";
    std::string ld = "auto";
    bool no_main_table = false;
    std::string libc = "all";
    bool stdlib_extras = false;
    bool debug = false;
    bool onefile = false;
    std::string launcher;
    CLI::Option *launcher_opt = nullptr;

    void add_to(CLI::App *app) {
        app->add_option("--mode", mode,
                        "How python.km imports the extension modules. registry: CPython's extension "
                        "loader dlopen()s each module's package path, answered from the runtime's tables "
                        "(the __file__, loader and constructors of a real .so). builtin: each module is "
                        "also a built-in module under its full name (sys.builtin_module_names), created "
                        "by BuiltinImporter with no dlopen at import; dlopen()/dlsym of the libraries "
                        "still work. See docs/design.md")
            ->check(CLI::IsMember({"registry", "builtin"}))
            ->capture_default_str();
        app->add_flag("--no-main-table", no_main_table,
                      "Link once, without the table of every symbol of python.km that dlopen(NULL) and "
                      "dlsym(RTLD_DEFAULT, ...) answer from (smaller, faster to link)");
        app->add_option("--libc", libc,
                        "all: the main table lists every function the shared libc.so.6 and libm.so.6 export "
                        "that the static libc.a and libm.a define, so dlopen(NULL), ctypes.CDLL('libc.so.6') "
                        "and cffi find any of them, as dynamically (about 1 MB more; see bench/RESULTS.md). "
                        "used: only those python.km calls")
            ->check(CLI::IsMember({"all", "used"}))
            ->capture_default_str();
        app->add_option("--cc", cc,
                        "Compiler driver that compiles the registration code and links python.km, split on "
                        "blanks (e.g. 'musl-gcc -static'); the linker: --ld")
            ->capture_default_str();
        app->add_option("--ld", ld,
                        "Linker for python.km. auto: the fastest installed, ld.lld then mold (measured in "
                        "bench/RESULTS.md), else the compiler's own; a -fuse-ld= in --cc or --link-arg wins. default: the compiler's own "
                        "(GNU ld). lld, mold, gold, bfd: that one, an error when it is not installed")
            ->check(CLI::IsMember(kmpack::linker_words()))
            ->capture_default_str();
        app->add_flag("--stdlib-extras", stdlib_extras,
                      "Also ship the parts of the standard library an application does not import: its "
                      "test suites (test/, ctypes/test, ...), idlelib, tkinter, turtledemo, ensurepip");
        app->add_flag("--debug", debug,
                      "Keep python.km's debug information in it. Without it python.km is stripped and the "
                      "debug information goes to .debug/python.km.debug in the output directory, where gdb "
                      "finds it through python.km's .gnu_debuglink; leave .debug/ out of what you ship");
        app->add_flag("--onefile", onefile,
                      "Make python.km one file: the standard library, the packages' Python files and data "
                      "and the finder are a zip archive appended to it, imported from there (nothing is "
                      "unpacked), so the output directory holds python.km alone (and .debug/). Do not strip "
                      "it: the archive would go. See docs/design.md for packages that open files beside "
                      "their __file__");
        launcher_opt =
            app->add_option("--launcher", launcher,
                            "Run every compile through this launcher, split on blanks: ccache, sccache, distcc, "
                            "icecc, ... (never a link). kmpack records and keys the compiler's own command, so "
                            "python.km is the same with it or without; the launcher's own settings (CCACHE_*, "
                            "DISTCC_HOSTS, ...) pass through untouched. An empty value: none "
                            "[$KMPACK_LAUNCHER, else none]")
                ->allow_extra_args(false);
        app->add_option("--link-arg", link_args, "Extra argument for the final link (repeatable)")
            ->allow_extra_args(false);
        app->add_option("-o,--output", output, "Directory for python.km and its run-time tree [<build-dir>/dist]");
        app->add_option("--cpython-tree", cpython_tree,
                        "A CPython build tree (./configure --disable-shared && make) whose libpython3.X.a and "
                        "Programs/python.o are linked instead of the interpreter's LIBPL ones")
            ->check(CLI::ExistingDirectory);
    }
    kmpack::LinkOptions options() const {
        kmpack::LinkOptions o;
        o.cc = kmpack::split_words(cc);
        if (o.cc.empty())
            throw kmpack::Error("--cc: empty compiler command");
        o.link_args = link_args;
        const char *path = std::getenv("PATH");
        o.linker = kmpack::choose_linker(ld, o.cc, o.link_args, path ? path : "");
        o.output_dir = output;
        o.cpython_tree = cpython_tree;
        o.main_table = !no_main_table;
        o.libc = libc == "used" ? kmpack::LibcExports::Used : kmpack::LibcExports::All;
        o.stdlib_extras = stdlib_extras;
        o.debug = debug;
        o.onefile = onefile;
        o.mode = *kmpack::parse_link_mode(mode); // CLI11 checked the word
        o.launcher = kmpack::resolve_launcher(launcher_opt->count() ? std::optional<std::string>(launcher)
                                                                    : std::nullopt,
                                              std::getenv(kmpack::kLauncherEnv), path ? path : "");
        return o;
    }
};

struct OutputFlags {
    bool quiet = false;
    bool verbose = false;
    std::string progress = "auto";

    void add_to(CLI::App *app) {
        app->add_flag("-q,--quiet", quiet, "Only errors and the final line");
        app->add_flag("-v,--verbose", verbose, "Also each .so's analysis and notes");
        app->add_option("--progress", progress,
                        "auto: live lines on a terminal, plain elsewhere; live; plain: a line per event")
            ->check(CLI::IsMember({"auto", "live", "plain"}))
            ->capture_default_str();
    }
    kmpack::ProgressStyle style() const {
        bool tty = ::isatty(STDOUT_FILENO) && std::getenv("TERM") && std::string(std::getenv("TERM")) != "dumb";
        if (progress == "plain" || (progress == "auto" && !tty))
            return kmpack::ProgressStyle::Plain;
        return kmpack::ProgressStyle::Live;
    }
    kmpack::Verbosity verbosity() const {
        return quiet ? kmpack::Verbosity::Quiet : verbose ? kmpack::Verbosity::Verbose : kmpack::Verbosity::Normal;
    }
    bool color() const {
        const char *no_color = std::getenv("NO_COLOR");
        return ::isatty(STDOUT_FILENO) && !(no_color && *no_color);
    }
};

void print_summary(const kmpack::BuildResult &r, kmpack::Status &progress) {
    progress.note("");
    char line[512];
    // Each module's own work, not its wait for the others: its build stage
    // (the time its "built" line said), then its analysis and renaming.
    std::snprintf(line, sizeof line, "%-20s %5s %9s %8s %8s  %s", "module", ".so", "renamed", "build", "rename",
                  "status");
    progress.note(line);
    for (const auto &m : r.modules) {
        size_t renamed = 0;
        for (const auto &so : m.shared_objects)
            renamed += so.renamed;
        std::snprintf(line, sizeof line, "%-20s %5zu %9zu %7.1fs %7.1fs  %s", m.name.c_str(),
                      m.shared_objects.size(), renamed, m.build_seconds, m.seconds - m.build_seconds,
                      m.status().c_str());
        progress.note(line);
    }
}

// One subcommand: its flags, then what it does once they are parsed.
struct BuildCommand {
    kmpack::BuildOptions build;
    LinkFlags link;
    OutputFlags out;
    bool no_link = false;
    bool no_module_cache = false;
    std::string stdlib = "source";
    std::vector<std::string> force;
    CLI::Option *force_opt = nullptr;
    CLI::App *cmd = nullptr;

    void add_to(CLI::App &app) {
        build.jobs = default_jobs();
        cmd = app.add_subcommand("build", "Build every module of a modules.txt and link python.km");
        cmd->add_option("modules", build.manifest, "The module list (see docs/modules-txt.md)")->capture_default_str();
        cmd->add_option("-B,--build-dir", build.build_dir, "Work directory")->capture_default_str();
        cmd->add_option("--python", build.python,
                        "The Python python.km is: its release is the CPython built from source (see --stdlib), "
                        "and its build tools (setuptools, Cython, pip, meson-python) serve the package builds. "
                        "With --stdlib=system its own headers, libpython and python.o are linked")
            ->capture_default_str();
        cmd->add_option("--stdlib", stdlib,
                        "source: python.km has the complete standard library, on an interpreter built from "
                        "CPython source (--cpython, a build=cpython line, or else Debian's source of --python's "
                        "release, fetched with apt-get source), once per machine into the cache. system: "
                        "--python's own static libpython, which on Debian lacks some thirty standard modules "
                        "(asyncio, ssl, ctypes, ...; the build lists them)")
            ->check(CLI::IsMember({"source", "system"}))
            ->capture_default_str();
        cmd->add_option("--cpython", build.cpython,
                        "A CPython source (directory, tarball or git URL) to build the interpreter from instead "
                        "of Debian's: configure --disable-shared, make, make install, once per source into the "
                        "cache; its shared standard modules go into python.km like any extension, and every "
                        "module is built with it");
        cmd->add_option("--cache-dir", build.cache_dir,
                        "Where built interpreters, fetched CPython sources and built modules are kept, shared "
                        "by every build directory and project [$KMPACK_CACHE_DIR, else $XDG_CACHE_HOME/kmpack, "
                        "else ~/.cache/kmpack]");
        cmd->add_flag("--no-module-cache", no_module_cache,
                      "Neither fetch built modules from the cache nor store them there: build each one in the "
                      "build directory [$KMPACK_NO_MODULE_CACHE=1]");
        cmd->add_option("-j,--jobs", build.jobs, "Modules and extension modules processed at once")
            ->capture_default_str()
            ->check(kJobs);
        cmd->add_flag("--no-link", no_link, "Stop after the per-.so artifacts and archives");
        force_opt = cmd->add_option("--force", force,
                                    "Rebuild everything, or with =a,b only those modules, even when nothing changed")
                        ->expected(0, 1)
                        ->allow_extra_args(false);
        cmd->add_flag("-k,--keep-going", build.keep_going,
                      "Build every module that can be built even when one fails (exit status is still 1)");
        link.add_to(cmd);
        out.add_to(cmd);
        cmd->footer("Examples:\n"
                    "  kmpack build modules.txt --python /usr/bin/python3\n"
                    "  kmpack build modules.txt -B /tmp/kb --no-link\n"
                    "  kmpack build modules.txt --force=psutil -k\n"
                    "  kmpack build modules.txt --cc 'gcc -static -fuse-ld=mold' --progress=plain\n"
                    "  kmpack build modules.txt --mode=builtin -o dist-builtin\n"
                    "  kmpack build modules.txt --cpython python3.11_3.11.2.orig.tar.gz\n"
                    "  kmpack build modules.txt --launcher ccache\n"
                    "  DISTCC_HOSTS='host1/4 host2/4' kmpack build modules.txt --launcher distcc\n\n"
                    "A second run redoes only what changed: a module is rebuilt when its modules.txt line, its\n"
                    "source content (directory or archive digest, git commit), the interpreter or the compiler\n"
                    "changed; python.km is relinked when any artifact or link option (--mode too) changed.\n"
                    "A module built before with the same key, in any build directory, is fetched from the\n"
                    "module cache (<cache-dir>/modules) instead of built; --no-module-cache turns that off.\n\n"
                    "Writes, beside each built .so: <base>.km.json, <base>.km.symmap, <base>.km.symbols.c and\n"
                    "<base>.km.lib.a; then <build-dir>/dist/python.km, python.km._pth, lib/ (packages) and lib/python3.X (the standard\n"
                    "library), and .debug/ (python.km.debug and python.km.linkline: for debugging, not shipping).\n\n"
                    "--mode=registry (default): python.km's dlopen() answers CPython's extension loader from\n"
                    "the registry. --mode=builtin: the modules are built-in modules under their full names\n"
                    "(payload/km_inittab.c); the registry is linked too.");
    }

    int run(kmpack::CommandRunner &runner) {
        build.link = !no_link;
        const char *no_cache = std::getenv("KMPACK_NO_MODULE_CACHE");
        build.module_cache = !no_module_cache && !(no_cache && *no_cache && std::string(no_cache) != "0");
        build.system_stdlib = stdlib == "system";
        if (build.system_stdlib && !build.cpython.empty())
            throw kmpack::Error("--stdlib=system and --cpython contradict each other: --cpython builds the interpreter from source; give one or the other");
        build.link_options = link.options();
        build.launcher = build.link_options.launcher;
        if (force_opt->count() > 0) {
            for (const auto &f : force)
                for (const auto &name : split_commas(f))
                    build.force.insert(name);
            build.force_all = build.force.empty();
        }
        kmpack::Progress progress(std::cout, out.style(), out.verbosity(), out.color());
        kmpack::Host host{runner, progress};
        kmpack::BuildResult result;
        try {
            result = kmpack::run_build(build, host);
        } catch (const kmpack::LinkFailed &e) {
            print_summary(e.result, progress); // what was built, then the error
            throw;
        }
        print_summary(result, progress);
        if (!result.ok()) {
            for (const auto &m : result.modules)
                if (m.failed())
                    std::cerr << "kmpack: error: " << m.error << "\n  log: " << m.log.string() << "\n";
            std::cerr << "kmpack: python.km not linked: a module failed\n";
            return 1;
        }
        if (!result.missing_stdlib.empty()) {
            std::string names;
            for (const auto &n : result.missing_stdlib)
                names += (names.empty() ? "" : ", ") + n;
            progress.always("note: --stdlib=system: python.km lacks the " +
                            std::to_string(result.missing_stdlib.size()) + " standard modules " + build.python +
                            " has as shared libraries: " + names +
                            " (without --stdlib=system python.km has them all)");
        }
        progress.always(build.link ? "done: " + result.link.python_km.string()
                                   : "done: artifacts in " + build.build_dir.string());
        return 0;
    }
};

struct LinkCommand {
    std::string dir = "kmpack-build";
    std::string only;
    LinkFlags link;
    OutputFlags out;
    unsigned jobs = default_jobs();
    CLI::App *cmd = nullptr;

    void add_to(CLI::App &app) {
        cmd = app.add_subcommand("link", "Link python.km again from an existing build");
        cmd->add_option("-B,--build-dir", dir, "Work directory of a previous 'kmpack build'")->capture_default_str();
        cmd->add_option("--modules", only, "Comma-separated module names to link (default: all; a built interpreter's standard modules always)");
        cmd->add_option("-j,--jobs", jobs, "Parallel compile jobs")->capture_default_str()->check(kJobs);
        link.add_to(cmd);
        out.add_to(cmd);
        cmd->footer("Examples:\n"
                    "  kmpack link\n"
                    "  kmpack link --modules kmhello,kmzlib -o /tmp/small\n"
                    "  kmpack link --cc 'gcc -static -fuse-ld=mold'\n"
                    "  kmpack link --mode=builtin -o /tmp/builtin\n\n"
                    "--mode=builtin makes every extension module a built-in module under its full name\n"
                    "(sys.builtin_module_names); --mode=registry (default) imports them by dlopen() of their\n"
                    "package path, answered from the registry. Both keep dlopen()/dlsym of the libraries.");
    }

    int run(kmpack::CommandRunner &runner) {
        kmpack::LinkOptions o = link.options();
        o.jobs = jobs;
        o.only_modules = split_commas(only);
        kmpack::Progress progress(std::cout, out.style(), out.verbosity(), out.color());
        kmpack::Host host{runner, progress};
        auto result = kmpack::link_python(dir, o, host);
        progress.always("done: " + result.python_km.string());
        return 0;
    }
};

struct ListCommand {
    std::string dir = "kmpack-build";
    bool json = false;
    CLI::App *cmd = nullptr;

    void add_to(CLI::App &app) {
        cmd = app.add_subcommand("list", "Show the modules and .so files of a build and whether each is up to date");
        cmd->add_option("-B,--build-dir", dir, "Work directory of a previous 'kmpack build'")->capture_default_str();
        cmd->add_flag("--json", json, "Machine-readable output");
        cmd->footer("States: up to date; changed (its line, source, interpreter or compiler changed: the next\n"
                    "build rebuilds it); not built; not in modules.txt.\n\n"
                    "Examples:\n  kmpack list\n  kmpack list -B /tmp/kb --json");
    }

    int run(kmpack::CommandRunner &runner) {
        kmpack::print_status(kmpack::build_status(runner, dir), json, std::cout);
        return 0;
    }
};

struct InspectCommand {
    std::string path;
    bool json = false;
    CLI::App *cmd = nullptr;

    void add_to(CLI::App &app) {
        cmd = app.add_subcommand("inspect", "Show what kmpack sees in a .so, .o, .a or base.km.json");
        cmd->add_option("file", path, "The file")->required();
        cmd->add_flag("--json", json, "Machine-readable output");
        cmd->footer("For a .so: its exports, and with kmpack's artifacts beside it, its id, renamed names and\n"
                    "the object defining each. For a .o or .a (e.g. a base.km.lib.a): globals, references and\n"
                    "constructor sections, with the original name of each renamed symbol.\n\n"
                    "Examples:\n"
                    "  kmpack inspect kmpack-build/modules/kmhello/lib/kmhello/_hello.cpython-311-x86_64-linux-gnu.so\n"
                    "  kmpack inspect --json build/temp.linux-x86_64-cpython-311/src/common.o");
    }

    int run(kmpack::CommandRunner &) {
        kmpack::inspect_file(path, json, std::cout);
        return 0;
    }
};

struct CleanCommand {
    std::string dir = "kmpack-build";
    bool all = false;
    CLI::App *cmd = nullptr;

    void add_to(CLI::App &app) {
        cmd = app.add_subcommand("clean", "Remove what a build made");
        cmd->add_option("-B,--build-dir", dir, "Work directory")->capture_default_str();
        cmd->add_flag("--all", all, "Also python.km and its tree (dist/): the whole build directory");
        cmd->footer("Without --all, package builds, artifacts and logs go and dist/ stays; the next build\n"
                    "starts from scratch.\n\nExamples:\n  kmpack clean\n  kmpack clean --all -B /tmp/kb");
    }

    int run(kmpack::CommandRunner &) {
        std::error_code ec;
        if (!std::filesystem::exists(dir, ec)) {
            std::cout << "nothing to clean: " << dir << " does not exist\n";
            return 0;
        }
        auto removed = kmpack::clean_build(dir, all);
        for (const auto &p : removed)
            std::cout << "removed " << p.string() << "\n";
        if (removed.empty())
            std::cout << "nothing to clean in " << dir << "\n";
        return 0;
    }
};

// Exit statuses: 0 done; 1 an error of the build or its input ("kmpack:
// error: ..."); 2 a usage error (the command line); 3 an internal error, a
// bug of kmpack's.
enum Exit { kOk = 0, kFailed = 1, kUsage = 2, kInternal = 3 };

// The subcommand that was given, run; errors reported once, here.
template <typename... Commands> int run_parsed(kmpack::CommandRunner &runner, Commands &...commands) {
    try {
        int status = kOk;
        // The first parsed one runs; || stops there.
        (void)((commands.cmd->parsed() ? (status = commands.run(runner), true) : false) || ...);
        return status;
    } catch (const kmpack::Error &e) {
        std::cerr << "kmpack: error: " << e.what() << "\n";
        return kFailed;
    } catch (const std::filesystem::filesystem_error &e) {
        std::cerr << "kmpack: error: " << kmpack::filesystem_error_text(e) << "\n";
        return kFailed;
    } catch (const std::exception &e) {
        std::cerr << "kmpack: internal error: " << e.what() << "\n";
        return kInternal;
    }
}

// A command line CLI11 could not parse, said in kmpack's words: what is
// wrong, and where the usage is.
int usage_error(const CLI::App &app, const CLI::ParseError &e) {
    std::string message = e.what();
    std::string help = "kmpack --help";
    auto given = app.get_subcommands();
    if (!given.empty()) {
        help = "kmpack " + given.front()->get_name() + " --help";
    } else if (std::vector<std::string> extra = app.remaining(); !extra.empty()) {
        std::string names;
        for (const CLI::App *sub : app.get_subcommands({}))
            names += (names.empty() ? "" : ", ") + sub->get_name();
        message = (extra.front().starts_with("-") ? "unknown option '" : "unknown command '") + extra.front() +
                  "' (commands: " + names + ")";
    } else if (dynamic_cast<const CLI::RequiredError *>(&e)) {
        message = "no command given";
    }
    std::cerr << "kmpack: error: " << message << "\nRun '" << help << "' for the usage.\n";
    return kUsage;
}

} // namespace

int main(int argc, char **argv) {
    kmpack::keep_freed_memory();
    CLI::App app{"kmpack: builds Python packages with C/C++ extension modules into a fully static "
                 "python.km.\n\n"
                 "Each package is built with its own build (setup.py or pip); every compile and link is "
                 "captured, each extension module's objects get their globals renamed so no two modules "
                 "clash, and everything is linked into python.km with a runtime that answers "
                 "dlopen/dlsym from tables.\n\n"
                 "Quick start:\n"
                 "  kmpack build modules.txt --python /usr/bin/python3\n"
                 "  kmpack-build/dist/python.km -c 'import kmhello._hello'\n",
                 "kmpack"};
    app.set_version_flag("--version", std::string("kmpack ") + KMPACK_VERSION);
    app.require_subcommand(1);
    app.footer("Run 'kmpack SUBCOMMAND --help' for the options and examples of each subcommand.");
    BuildCommand build;
    LinkCommand link;
    ListCommand list;
    InspectCommand inspect;
    CleanCommand clean;
    build.add_to(app);
    link.add_to(app);
    list.add_to(app);
    inspect.add_to(app);
    clean.add_to(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success &e) { // --help, --version
        return app.exit(e);
    } catch (const CLI::ParseError &e) {
        return usage_error(app, e);
    }
    kmpack::SystemRunner runner;
    return run_parsed(runner, build, link, list, inspect, clean);
}
