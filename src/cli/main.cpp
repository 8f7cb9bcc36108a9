// kmpack: put Python packages with C/C++ extensions into a static python.km.
// A thin driver: flags become option structs, the library does the work, and
// errors are reported once, here.
#include "kmpack/error.h"
#include "kmpack/pipeline.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <sstream>
#include <thread>

namespace {

// "gcc -static" -> {"gcc", "-static"}: split on blanks, no shell involved.
std::vector<std::string> split_words(const std::string &s) {
    std::istringstream in(s);
    std::vector<std::string> out;
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

unsigned default_jobs() { return std::max(1u, std::thread::hardware_concurrency()); }

struct LinkFlags {
    std::string cc = "gcc -static";
    std::vector<std::string> link_args;
    std::string output;
    std::string cpython_tree;

    void add_to(CLI::App *app) {
        app->add_option("--cc", cc,
                        "Compiler driver that compiles the registration code and links python.km, split on "
                        "blanks (e.g. 'musl-gcc -static', 'gcc -static -fuse-ld=mold')")
            ->capture_default_str();
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
        o.cc = split_words(cc);
        if (o.cc.empty())
            throw kmpack::Error("--cc: empty compiler command");
        o.link_args = link_args;
        o.output_dir = output;
        o.cpython_tree = cpython_tree;
        return o;
    }
};

} // namespace

int main(int argc, char **argv) {
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
    app.footer("Run 'kmpack SUBCOMMAND --help' for the options of each subcommand.");

    kmpack::BuildOptions build;
    build.jobs = default_jobs();
    LinkFlags build_link;
    bool no_link = false;
    auto *build_cmd = app.add_subcommand(
        "build", "Build every module of a modules.txt and link python.km");
    build_cmd->add_option("modules", build.manifest, "The module list (see README: modules.txt)")
        ->capture_default_str();
    build_cmd->add_option("-B,--build-dir", build.build_dir, "Work directory")->capture_default_str();
    build_cmd->add_option("--python", build.python,
                          "Interpreter whose headers, libpython and python.o are used")
        ->capture_default_str();
    build_cmd->add_option("-j,--jobs", build.jobs, "Parallel jobs")->capture_default_str()->check(CLI::PositiveNumber);
    build_cmd->add_flag("--no-link", no_link, "Stop after the per-.so artifacts and archives");
    build_link.add_to(build_cmd);
    build_cmd->footer("Examples:\n"
                      "  kmpack build modules.txt --python /usr/bin/python3\n"
                      "  kmpack build modules.txt -B /tmp/kb --no-link\n"
                      "  kmpack build modules.txt --cc 'gcc -static' --link-arg=-fuse-ld=mold\n\n"
                      "Writes, beside each built .so: <base>.km.json, <base>.km.symmap, <base>.km.symbols.c "
                      "and <base>.km.lib.a;\nthen <build-dir>/dist/python.km, python.km._pth, "
                      "python.km.linkline and lib/.");

    std::string link_dir = "kmpack-build";
    std::string only;
    LinkFlags link_flags;
    unsigned link_jobs = default_jobs();
    auto *link_cmd = app.add_subcommand("link", "Link python.km again from an existing build");
    link_cmd->add_option("-B,--build-dir", link_dir, "Work directory of a previous 'kmpack build'")
        ->capture_default_str();
    link_cmd->add_option("--modules", only, "Comma-separated module names to link (default: all)");
    link_cmd->add_option("-j,--jobs", link_jobs, "Parallel compile jobs")->capture_default_str()->check(CLI::PositiveNumber);
    link_flags.add_to(link_cmd);
    link_cmd->footer("Examples:\n"
                     "  kmpack link\n"
                     "  kmpack link --modules kmhello,kmzlib -o /tmp/small\n"
                     "  kmpack link --cc 'gcc -static -fuse-ld=mold'");

    CLI11_PARSE(app, argc, argv);
    try {
        if (build_cmd->parsed()) {
            build.link = !no_link;
            build.link_options = build_link.options();
            auto result = kmpack::run_build(build, std::cout);
            if (build.link)
                std::cout << "done: " << result.link.python_km.string() << "\n";
            else
                std::cout << "done: artifacts in " << build.build_dir.string() << "\n";
        } else if (link_cmd->parsed()) {
            kmpack::LinkOptions o = link_flags.options();
            o.jobs = link_jobs;
            std::stringstream names(only);
            for (std::string n; std::getline(names, n, ',');)
                if (!n.empty())
                    o.only_modules.push_back(n);
            auto result = kmpack::link_python(link_dir, o, std::cout);
            std::cout << "done: " << result.python_km.string() << "\n";
        }
    } catch (const kmpack::Error &e) {
        std::cerr << "kmpack: error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception &e) {
        std::cerr << "kmpack: internal error: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
