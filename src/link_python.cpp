#include "kmpack/link_python.h"

#include "kmpack/bytecode.h"
#include "kmpack/elf_symbols.h"
#include "kmpack/emit_c.h"
#include "kmpack/emit_finder.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/link_graph.h"
#include "kmpack/parallel.h"
#include "kmpack/payload_files.h"
#include "kmpack/process.h"
#include "kmpack/static_deps.h"

#include <functional>
#include <map>
#include <set>

namespace kmpack {

namespace {

struct SoEntry {
    std::string module;
    std::string path;      // package-relative
    fs::path artifacts;    // "<dir>/<base>.km", relative to the build dir
    std::vector<std::string> libs;
    std::vector<fs::path> lib_dirs;
    std::vector<fs::path> system_archives;
    bool cxx = false;
};

struct ModuleEntry {
    std::string name;
    fs::path lib_dir; // relative to the build dir
    std::vector<std::string> skipped;
};

fs::path with_suffix(const fs::path &stem, const std::string &suffix) { return fs::path(stem.string() + suffix); }

// Runs `command` (cwd: the build dir) with the command line and its output
// in `log`; Error with the output's tail on failure.
void run_step(const Command &command, const std::string &what, const fs::path &log) {
    std::string line = shell_quote(command.argv);
    append_file(log, "$ " + line + "\n");
    SystemRunner runner;
    auto result = runner.run(command);
    if (!result.ok())
        throw Error(what + " failed (" + result.describe() + ")\n" + log_tail(log, 12) + "  command and output: " +
                    log.string());
}

// Writes `content` unless the file already holds exactly that (keeps mtimes stable).
void write_if_changed(const fs::path &path, std::string_view content) {
    std::error_code ec;
    if (fs::exists(path, ec) && read_file(path) == content)
        return;
    write_file_atomic(path, content);
}

// A name kmpack gave a .so's global ("<name>_<32 hex digits>_km").
bool is_renamed(const std::string &name) {
    if (name.size() < 37 || !name.ends_with("_km") || name[name.size() - 36] != '_')
        return false;
    return std::all_of(name.end() - 35, name.end() - 3, [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

// kmpack's own files beside a .so (and temporary ones a killed run left),
// which the run-time tree does not need.
bool is_artifact(const std::string &name) {
    for (std::string_view suffix : {".km.json", ".km.symmap", ".km.symbols.c", ".km.symbols.o", ".km.lib.a", ".km.stamp"})
        if (name.ends_with(suffix))
            return true;
    return name.starts_with(".") && name.find(".tmp.") != std::string::npos;
}

// The run-time tree: every module's Python files (not the build's
// __pycache__), with a placeholder and a .km.id file at each .so's place.
// It is made in a staging directory beside `lib`, which `finish` completes
// (kmpack's own files, the byte-code); only then does it replace `lib`, so a
// failure leaves the previous tree as it was.
void lay_out(const fs::path &build_dir, const std::vector<ModuleEntry> &modules,
             const std::map<std::string, std::string> &ids, const fs::path &lib,
             const std::function<void(const fs::path &staging)> &finish) {
    fs::path staging = temporary_sibling(lib);
    std::error_code ec;
    try {
        fs::create_directories(staging);
        for (const auto &m : modules) {
            fs::path root = build_dir / m.lib_dir;
            for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
                const auto &entry = *it;
                if (entry.is_directory() && entry.path().filename() == "__pycache__") {
                    it.disable_recursion_pending(); // the build's own byte-code: compiled afresh below
                    continue;
                }
                if (!entry.is_regular_file())
                    continue;
                std::string rel = relative_below(entry.path(), root);
                std::string name = entry.path().filename().string();
                if (is_artifact(name))
                    continue;
                fs::path target = staging / rel;
                fs::create_directories(target.parent_path());
                auto id = ids.find(rel);
                if (name.ends_with(".so")) {
                    if (id == ids.end())
                        continue; // skipped, or not linked: it could not load anyway
                    std::string base = name.substr(0, name.size() - 3);
                    write_file_atomic(target, "kmpack placeholder: this extension module is linked into python.km as " +
                                                  id->second + "\n");
                    write_file_atomic(target.parent_path() / (base + ".km.id"), id->second + "\n");
                    continue;
                }
                fs::copy_file(entry.path(), target, fs::copy_options::overwrite_existing);
            }
        }
        finish(staging);
    } catch (...) {
        fs::remove_all(staging, ec);
        throw;
    }
    fs::remove_all(lib, ec);
    fs::rename(staging, lib);
}

// The renamed init function of the module `name` that a .so's km.json
// describes (its export PyInit_<last component of name>), or "" when it has
// none: a plain C library of the package, or a module whose init function
// CPython would look up as PyInitU_ (a non-ASCII name), which then imports
// through the registry only.
std::string renamed_init(const nlohmann::json &artifact, const std::string &name) {
    std::string want = "PyInit_" + name.substr(name.rfind('.') + 1);
    for (const auto &e : artifact.at("exports"))
        if (e.at("name") == want)
            return e.at("renamed");
    return {};
}

// The file names dlopen() may give the system libraries linked into
// python.km: glibc's sonames (all of it is in libc.a), and each -l library's
// libNAME.so and its soname, where the shared library is there to tell it.
std::vector<std::string> linked_library_names(const std::vector<std::string> &libs, bool cxx,
                                              const std::vector<fs::path> &search) {
    std::vector<std::string> names = {"libc.so.6",  "libm.so.6",  "libpthread.so.0",
                                      "libdl.so.2", "librt.so.1", "libutil.so.1"};
    std::vector<std::string> all = libs;
    if (cxx)
        all.push_back("stdc++");
    for (const auto &l : all) {
        if (l.starts_with(":"))
            continue;
        std::string file = "lib" + l + ".so";
        for (const auto &dir : search) {
            std::error_code ec;
            if (!fs::exists(dir / file, ec))
                continue;
            std::string soname = read_soname(dir / file);
            for (const auto &name : {file, soname})
                if (!soname.empty() && std::find(names.begin(), names.end(), name) == names.end())
                    names.push_back(name);
            break;
        }
    }
    return names;
}

} // namespace

std::vector<fs::path> library_search_path(const std::vector<std::string> &cc, const std::vector<fs::path> &extra) {
    std::vector<fs::path> dirs = extra;
    for (auto &d : compiler_search_dirs(cc.at(0)))
        dirs.push_back(d);
    return dirs;
}

fs::path find_static_library(const std::string &name, const std::vector<fs::path> &dirs) {
    std::string file = name.starts_with(":") ? name.substr(1) : "lib" + name + ".a";
    for (const auto &d : dirs) {
        std::error_code ec;
        if (fs::exists(d / file, ec))
            return d / file;
    }
    return {};
}

LinkResult link_python(const fs::path &build_dir, const LinkOptions &options, Progress &progress) {
    fs::path manifest_path = build_dir / "kmpack-build.json";
    std::error_code ec;
    if (!fs::exists(manifest_path, ec))
        throw Error(manifest_path.string() + ": no build here; run 'kmpack build modules.txt' first");
    nlohmann::json build = nlohmann::json::parse(read_file(manifest_path));
    const auto &py = build.at("python");
    fs::path libpl = py.at("libpl").get<std::string>();
    std::string library = py.at("library").get<std::string>();

    std::vector<ModuleEntry> modules;
    std::vector<SoEntry> sos;
    std::set<std::string> wanted(options.only_modules.begin(), options.only_modules.end());
    std::set<std::string> known;
    for (const auto &m : build.at("modules")) {
        std::string name = m.at("name");
        known.insert(name);
        if (!wanted.empty() && !wanted.count(name))
            continue;
        modules.push_back({name, m.at("lib_dir").get<std::string>(), {}});
        for (const auto &s : m.at("shared_objects")) {
            SoEntry e;
            e.module = name;
            e.path = s.at("path");
            e.artifacts = s.at("artifacts").get<std::string>();
            e.libs = s.at("libs").get<std::vector<std::string>>();
            for (const auto &d : s.at("lib_dirs"))
                e.lib_dirs.push_back(d.get<std::string>());
            for (const auto &a : s.at("system_archives"))
                e.system_archives.push_back(a.get<std::string>());
            e.cxx = s.at("cxx");
            sos.push_back(std::move(e));
        }
    }
    for (const auto &w : wanted)
        if (!known.count(w))
            throw Error("--modules: no module '" + w + "' in this build (" + manifest_path.string() + ")");

    fs::path out_dir = options.output_dir.empty() ? build_dir / "dist" : options.output_dir;
    FileLock lock(fs::absolute(out_dir) / ".kmpack.lock", "the output directory " + out_dir.string());
    fs::path out_abs = fs::absolute(out_dir);
    fs::create_directories(out_abs);
    fs::path bdir = fs::absolute(build_dir);
    // What the last 'kmpack build' linked may be replaced here (say another
    // --mode into the same directory): its next run must not trust it.
    fs::remove(bdir / "link.key", ec);
    fs::path log = bdir / "link.log";
    write_file_atomic(log, "");
    auto in_build = [&](const fs::path &p) { return is_within(p, bdir) ? fs::path(relative_below(p, bdir)) : p; };

    // Each .so's id; the modules the finder maps; in built-in mode, the
    // entries of the table of built-in modules.
    std::map<std::string, std::string> ids;            // package-relative path -> id
    std::map<std::string, std::string> finder_modules; // module name -> package-relative path
    std::vector<BuiltinModule> builtins;
    for (const auto &s : sos) {
        auto j = nlohmann::json::parse(read_file(bdir / with_suffix(s.artifacts, ".json")));
        ids[s.path] = j.at("id");
        std::string name = extension_module_name(s.path);
        if (options.mode == LinkMode::Registry) {
            finder_modules.emplace(name, s.path);
            continue;
        }
        std::string init = renamed_init(j, name);
        if (init.empty())
            continue; // a library, not a module: dlopen() still finds it
        auto [at, fresh] = finder_modules.emplace(name, s.path);
        if (!fresh)
            throw Error("--mode=builtin: " + at->second + " and " + s.path + " are both module '" + name +
                        "'; skip one of them (skip=) or link with --mode=registry");
        builtins.push_back({name, ids[s.path], init});
    }

    // The payload runtime, compiled with the linking compiler.
    progress.phase("python.km", "compile");
    fs::path payload = bdir / "payload";
    std::vector<fs::path> payload_sources;
    for (const auto &f : payload_files()) {
        write_if_changed(payload / f.name, f.content);
        if (f.name.ends_with(".c"))
            payload_sources.push_back(payload / f.name);
    }
    if (options.mode == LinkMode::Builtin) {
        fs::path inittab_c = payload / "km_inittab.c";
        write_if_changed(inittab_c, emit_inittab_c(builtins, py.at("version").get<std::string>()));
        payload_sources.push_back(inittab_c);
    }
    std::vector<std::pair<fs::path, fs::path>> compiles; // source, object
    for (const auto &src : payload_sources)
        compiles.push_back({src, with_suffix(payload / src.stem(), ".o")});
    for (const auto &s : sos)
        compiles.push_back({bdir / with_suffix(s.artifacts, ".symbols.c"), bdir / with_suffix(s.artifacts, ".symbols.o")});
    std::vector<fs::path> objects(compiles.size());
    parallel_for(compiles.size(), options.jobs, [&](size_t i) {
        Command c;
        c.argv = options.cc;
        c.argv.insert(c.argv.end(), {"-c", "-O2", "-std=gnu11", "-I", "payload",
                                     in_build(compiles[i].first).string(), "-o",
                                     in_build(compiles[i].second).string()});
        c.cwd = bdir;
        c.output = log;
        run_step(c, "compiling " + compiles[i].first.string(), log);
        objects[i] = compiles[i].second;
    });

    // The interpreter's main: python.o, or a generated one; and libpython.
    fs::path main_object = libpl / "python.o";
    fs::path libpython = libpl / library;
    if (!options.cpython_tree.empty()) {
        fs::path tree = fs::absolute(options.cpython_tree);
        main_object = tree / "Programs" / "python.o";
        libpython = tree / ("libpython" + py.at("version").get<std::string>() + ".a");
        if (!fs::exists(libpython, ec))
            throw Error(tree.string() + ": no " + libpython.filename().string() +
                        " (--cpython-tree wants a CPython tree built with ./configure --disable-shared && make)");
    }
    if (!fs::exists(main_object, ec)) {
        fs::path main_c = payload / "km_python_main.c";
        write_if_changed(main_c, "/* Generated by kmpack: the interpreter's main. */\n"
                                 "int Py_BytesMain(int argc, char **argv);\n"
                                 "int main(int argc, char **argv) { return Py_BytesMain(argc, argv); }\n");
        main_object = payload / "km_python_main.o";
        Command c;
        c.argv = options.cc;
        c.argv.insert(c.argv.end(), {"-c", "-O2", in_build(main_c).string(), "-o", in_build(main_object).string()});
        c.cwd = bdir;
        c.output = log;
        run_step(c, "compiling the interpreter's main", log);
    }
    if (!fs::exists(libpython, ec))
        throw Error(libpython.string() + ": the interpreter " + py.at("executable").get<std::string>() +
                    " has no static libpython; use an interpreter built with a static library "
                    "(Debian: apt-get install libpython3-dev), or give a CPython build tree with --cpython-tree");

    // System libraries: static archives only, each once.
    std::vector<fs::path> extra_dirs;
    std::vector<std::string> libs;
    std::map<std::string, std::vector<std::string>> needed_by;
    std::vector<fs::path> system_archives;
    bool cxx = false;
    for (const auto &s : sos) {
        cxx = cxx || s.cxx;
        for (const auto &d : s.lib_dirs)
            if (std::find(extra_dirs.begin(), extra_dirs.end(), d) == extra_dirs.end())
                extra_dirs.push_back(d);
        for (const auto &l : s.libs) {
            if (!needed_by.count(l))
                libs.push_back(l);
            needed_by[l].push_back(s.path);
        }
        for (const auto &a : s.system_archives)
            if (std::find(system_archives.begin(), system_archives.end(), a) == system_archives.end())
                system_archives.push_back(a);
    }
    // A static archive does not name what it needs (readline: tinfo).
    for (const auto &l : with_static_companions(libs))
        if (!needed_by.count(l)) {
            libs.push_back(l);
            needed_by[l].push_back("the static archives of other -l libraries (pkg-config --static)");
        }
    std::vector<fs::path> search = library_search_path(options.cc, extra_dirs);
    for (const auto &l : libs) {
        if (l == "stdc++" || l == "c++")
            continue; // added once at the end
        if (find_static_library(l, search).empty()) {
            std::string places;
            for (const auto &d : search)
                places += "\n    " + d.string();
            std::string users;
            for (const auto &u : needed_by[l])
                users += (users.empty() ? "" : ", ") + u;
            throw Error("-l" + l + ": no static library lib" + l + ".a for " + users +
                        " (a static python.km needs one; install the library's -dev package that ships it, "
                        "or skip the .so with skip=). Searched:" + places);
        }
    }

    fs::path target = out_abs / "python.km";
    fs::path tmp = temporary_sibling(target);
    // The link line, with `extra` objects after the registration objects.
    auto link_line = [&](const std::vector<fs::path> &extra) {
        std::vector<std::string> line = options.cc;
        if (!options.linker.flag.empty())
            line.push_back(options.linker.flag);
        line.insert(line.end(), {"-o", in_build(tmp).string(), main_object.string()});
        for (const auto &o : objects)
            line.push_back(in_build(o).string());
        for (const auto &o : extra)
            line.push_back(in_build(o).string());
        line.push_back("-Wl,--whole-archive");
        for (const auto &s : sos)
            line.push_back(with_suffix(s.artifacts, ".lib.a").string());
        line.push_back("-Wl,--no-whole-archive");
        line.push_back(libpython.string());
        for (const auto &d : extra_dirs)
            line.push_back("-L" + d.string());
        // A group: static archives that need each other, in any order.
        line.push_back("-Wl,--start-group");
        for (const auto &l : libs)
            if (l != "stdc++" && l != "c++")
                line.push_back("-l" + l);
        for (const auto &a : system_archives)
            line.push_back(a.string());
        line.push_back("-Wl,--end-group");
        for (const auto &l : py.at("link_libs"))
            line.push_back(l.get<std::string>());
        if (cxx)
            line.push_back("-lstdc++");
        line.push_back("-lm");
        // Keeps the program's globals global in its symbol table, which the
        // main table is read from: mold localizes them otherwise. A static
        // link gets no dynamic section from it (CPython links with it too).
        if (options.main_table)
            line.push_back("-Wl,--export-dynamic");
        line.insert(line.end(), options.link_args.begin(), options.link_args.end());
        Command link;
        link.argv = line;
        link.cwd = bdir;
        link.output = log;
        try {
            run_step(link, "linking python.km", log);
        } catch (const Error &e) {
            fs::remove(tmp, ec);
            if (options.linker.flag.empty())
                throw;
            // kmpack put the -fuse-ld= there: say so, and how to do without.
            throw Error(std::string(e.what()) + "\n  the linker was " + options.linker.name + " (" +
                        options.linker.why + "); --ld default links with the compiler's own");
        } catch (...) {
            fs::remove(tmp, ec);
            throw;
        }
        return line;
    };

    progress.phase("python.km", "link");
    progress.note("python.km: linking with " + options.linker.name + " (" + options.linker.why + ")");
    std::vector<std::string> line = link_line({});
    if (options.main_table) {
        // dlopen(NULL) and RTLD_DEFAULT see the whole program: read what the
        // first link defines, register it as the main program's table, and
        // link again with that table.
        progress.phase("python.km", "relink");
        std::vector<ElfSymbol> program;
        for (auto &sym : read_program_symbols(tmp))
            if (!is_renamed(sym.name))
                program.push_back(std::move(sym));
        fs::path table_c = payload / "km_main_table.c", table_o = payload / "km_main_table.o";
        write_if_changed(table_c, emit_main_table_c(program, linked_library_names(libs, cxx, search)));
        Command c;
        c.argv = options.cc;
        c.argv.insert(c.argv.end(), {"-c", "-O2", "-std=gnu11", "-I", "payload", in_build(table_c).string(), "-o",
                                     in_build(table_o).string()});
        c.cwd = bdir;
        c.output = log;
        run_step(c, "compiling the main program's table", log);
        line = link_line({table_o});
    }
    fs::rename(tmp, target);

    LinkResult result;
    result.python_km = target;
    result.link_line = line;
    for (auto &arg : result.link_line)
        if (arg == in_build(tmp).string())
            arg = in_build(target).string();
    result.link_line_file = out_abs / "python.km.linkline";
    write_file_atomic(result.link_line_file,
                      "#!/bin/sh\n# The link of python.km, written by kmpack. Runs from the build directory.\n"
                      "set -e\ncd \"$(dirname \"$0\")\"/" +
                          shell_quote({bdir.lexically_relative(out_abs).generic_string()}) + "\n" +
                          shell_quote(result.link_line) + "\n");

    progress.phase("python.km", "byte-compile");
    lay_out(bdir, modules, ids, out_abs / "lib", [&](const fs::path &lib) {
        write_file_atomic(lib / "_kmpack_finder.py", emit_finder_py(finder_modules, options.mode));
        write_file_atomic(lib / "sitecustomize.py", emit_sitecustomize_py());
        BytecodeResult bytecode = compile_bytecode(py.at("executable").get<std::string>(), lib, log);
        for (const auto &f : bytecode.failed)
            progress.note("python.km: lib/" + f.file + " does not compile (" + f.reason +
                          "); left as source, its import fails as it would anywhere");
        progress.note("python.km: " + std::to_string(bytecode.compiled) + " .py files byte-compiled", true);
    });
    write_file_atomic(out_abs / "python.km._pth",
                      "lib\n" + py.at("stdlib").get<std::string>() + "\nimport site\n");
    std::string linked = "linked, " + std::to_string(sos.size()) + " extension module" + (sos.size() == 1 ? "" : "s");
    if (options.mode == LinkMode::Builtin)
        linked += ", " + std::to_string(builtins.size()) + " built-in";
    progress.finish("python.km", linked);
    return result;
}

} // namespace kmpack
