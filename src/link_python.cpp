#include "kmpack/link_python.h"

#include <atomic>

#include "kmpack/artifacts.h"
#include "kmpack/conventions.h"
#include "kmpack/debug_split.h"
#include "kmpack/disk_space.h"
#include "kmpack/digest.h"
#include "kmpack/elf_symbols.h"
#include "kmpack/emit_c.h"
#include "kmpack/build_record.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/libc_exports.h"
#include "kmpack/link_command.h"
#include "kmpack/parallel.h"
#include "kmpack/payload_files.h"
#include "kmpack/records.h"
#include "kmpack/runtime_tree.h"
#include "kmpack/system_libs.h"
#include "kmpack/weak_refs.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <set>

namespace kmpack {

namespace {

// The payload's main for --onefile, compiled only then.
constexpr std::string_view kOnefileMain = "km_onefile_main.c";

// Where one link works: the build directory, its payload/ and log, the output.
struct LinkSite {
    BuildLayout layout; // absolute
    fs::path out_dir;   // absolute
    fs::path log;
    fs::path payload() const { return layout.payload(); }
    fs::path temporary;  // python.km while it is linked
};

// Runs `argv` in the build directory with the command line and its output
// in the log; Error with the output's tail (and `hint`) on failure, or a NoSpaceError
// when it ran out of space (ran_out_of_space()) in `writes_in` (the build
// directory when empty), where it may need up to `needed` bytes.
void run_step(const LinkSite &site, const std::vector<std::string> &argv, const std::string &what, Host &host,
              const std::string &hint = "", fs::path writes_in = {}, uintmax_t needed = 0) {
    if (writes_in.empty())
        writes_in = site.layout.root;
    append_file(site.log, "$ " + shell_quote(argv) + "\n");
    std::error_code ec;
    uintmax_t start = fs::file_size(site.log, ec);
    std::optional<uintmax_t> free_before = free_space(writes_in);
    Command c;
    c.argv = argv;
    c.cwd = site.layout.root;
    c.output = site.log;
    auto result = host.runner.run(c);
    if (result.ok())
        return;
    std::optional<uintmax_t> free_after = free_space(writes_in);
    std::string output;
    try {
        output = read_file(site.log); // what it printed (and, compiling in parallel, what the others did)
        output.erase(0, std::min<size_t>(ec ? 0 : start, output.size()));
    } catch (const Error &) {
    }
    if (ran_out_of_space(result, output, free_before, free_after, needed)) {
        // A write that failed says so (in $TMPDIR, maybe); a SIGBUS was the output's.
        fs::path full = says_no_space(output) ? fullest({writes_in, temp_dir()}) : writes_in;
        throw NoSpaceError(what + " failed: " + no_space_text(full, free_space(full), needed) +
                           "\n  command and output: " + site.log.string());
    }
    throw Error(what + " failed (" + result.describe() + ")\n" + log_tail(site.log, 12) + hint +
                "  command and output: " + site.log.string());
}

// The bytes of the files `argv` names (relative to `cwd`): what a link's
// output may need, about, at most (python.km unstripped is about half its
// inputs with the examples).
uintmax_t input_bytes(const std::vector<std::string> &argv, const fs::path &cwd) {
    uintmax_t total = 0;
    for (const auto &arg : argv) {
        if (arg.empty() || arg[0] == '-')
            continue;
        std::error_code ec;
        fs::path p = fs::path(arg).is_absolute() ? fs::path(arg) : cwd / arg;
        if (fs::is_regular_file(p, ec))
            total += fs::file_size(p, ec);
    }
    return total;
}

// The payload runtime (and in built-in mode the inittab) and every .so's
// registration code, compiled with the linking compiler, `jobs` at a time.
std::vector<fs::path> compile_registration(const LinkPlan &plan, const LinkOptions &options, const LinkSite &site,
                                           Host &host) {
    host.status.phase("python.km", "compile");
    std::vector<fs::path> sources;
    for (const auto &f : payload_files()) {
        write_text_if_changed(site.payload() / f.name, std::string(f.content));
        if (f.name.ends_with(".c") && f.name != kOnefileMain)
            sources.push_back(site.payload() / f.name);
    }
    if (options.mode == LinkMode::Builtin) {
        fs::path inittab_c = site.payload() / "km_inittab.c";
        write_text_if_changed(inittab_c, emit_inittab_c(plan.inittab, plan.python.version));
        sources.push_back(inittab_c);
    }
    std::vector<std::pair<fs::path, fs::path>> compiles; // source, object
    for (const auto &src : sources)
        compiles.push_back({src, fs::path(site.payload() / src.stem()).concat(".o")});
    for (const auto &so : plan.sos) {
        fs::path stem = site.layout.root / so.artifacts;
        compiles.push_back({artifact_at(stem, Artifact::SymbolsC), artifact_at(stem, Artifact::SymbolsO)});
    }
    // Every generated C file includes the runtime's headers: they are part of each compile's input.
    std::string headers;
    for (const auto &f : payload_files())
        headers += std::string(f.name) + " " + md5_hex(f.content) + "\n";
    std::vector<fs::path> objects(compiles.size());
    std::atomic<size_t> reused{0};
    parallel_for(compiles.size(), options.jobs, [&](size_t i) {
        // Not a structured binding: clang 14 cannot capture one in the lambda below.
        const fs::path &source = compiles[i].first, &object = compiles[i].second;
        std::vector<std::string> line = compile_command(options, site.layout.root, source, object);
        objects[i] = object;
        // Compiled before from this very source by this very command, and
        // the object as it was then: nothing to do. (The launcher is not
        // in the note: with or without it, the compile gives the same.)
        std::vector<std::string> plain = line;
        plain.erase(plain.begin(), plain.begin() + static_cast<std::ptrdiff_t>(options.launcher.argv.size()));
        fs::path note = fs::path(object).concat(".compiled");
        std::error_code ec;
        auto said = [&] { return shell_quote(plain) + "\n" + headers + md5_file(source) + "\n"; };
        if (fs::exists(object, ec) && fs::exists(note, ec)) {
            try {
                if (read_file(note) == said() + md5_file(object) + "\n") {
                    ++reused;
                    return;
                }
            } catch (const Error &) {
                // unreadable: compile it again
            }
        }
        fs::remove(note, ec);
        run_step(site, line, "compiling " + source.string(), host, launcher_hint(options.launcher));
        write_file_atomic(note, said() + md5_file(object) + "\n");
    });
    if (reused > 0)
        host.status.note("python.km: " + std::to_string(reused) + " of " + std::to_string(compiles.size()) +
                             " generated C files compiled already, as they are",
                         true);
    return objects;
}

// The interpreter's main: with --onefile the payload's, else python.o, or,
// when the interpreter ships none, a generated one calling Py_BytesMain.
fs::path main_object(const LinkPlan &plan, const LinkOptions &options, const LinkSite &site, Host &host) {
    std::error_code ec;
    if (options.onefile) {
        fs::path main_c = site.payload() / kOnefileMain, main_o = fs::path(main_c).replace_extension(".o");
        std::vector<fs::path> includes = {plan.python.include};
        if (!options.cpython_tree.empty())
            includes = {fs::absolute(options.cpython_tree), fs::absolute(options.cpython_tree) / "Include"};
        run_step(site, compile_command(options, site.layout.root, main_c, main_o, true, includes),
                 "compiling python.km's --onefile main", host, launcher_hint(options.launcher));
        return main_o;
    }
    if (fs::exists(plan.main_object, ec))
        return plan.main_object;
    fs::path main_c = site.payload() / "km_python_main.c", main_o = site.payload() / "km_python_main.o";
    write_text_if_changed(main_c, "/* Generated by kmpack: the interpreter's main. */\n"
                             "int Py_BytesMain(int argc, char **argv);\n"
                             "int main(int argc, char **argv) { return Py_BytesMain(argc, argv); }\n");
    run_step(site, compile_command(options, site.layout.root, main_c, main_o, false),
             "compiling the interpreter's main", host, launcher_hint(options.launcher));
    return main_o;
}

void check_libpython(const LinkPlan &plan, const LinkOptions &options) {
    std::error_code ec;
    if (fs::exists(plan.libpython, ec))
        return;
    if (!options.cpython_tree.empty())
        throw Error(fs::absolute(options.cpython_tree).string() + ": no " + plan.libpython.filename().string() +
                    " (--cpython-tree wants a CPython tree built with ./configure --disable-shared && make)");
    throw Error(plan.libpython.string() + ": the interpreter " + plan.python.executable +
                " has no static libpython; use an interpreter built with a static library "
                "(Debian: apt-get install libpython3-dev), or give a CPython build tree with --cpython-tree");
}

// What to do about symbols the link left undefined: the libraries that
// define them are not in it, and which they are only the user can tell.
std::string undefined_symbols_hint(const SystemLibraries &system) {
    std::string hint = "\n  some library python.km needs is not linked: give it with --link-arg=-lNAME (and "
                       "--link-arg=-LDIR where it is), or, for a package's own, in its link";
    if (!system.dropped.empty()) {
        hint += "; left out for want of a static archive:";
        for (const auto &d : system.dropped)
            hint += " -l" + d;
    }
    return hint;
}

// One link into site.temporary; on failure nothing of it is left.
std::vector<std::string> link_once(const LinkPlan &plan, const LinkOptions &options, const LinkSite &site,
                                   const fs::path &main, const std::vector<fs::path> &objects, bool for_table,
                                   Host &host) {
    std::vector<std::string> line =
        link_command(plan, options, site.layout.root, site.temporary, main, objects, for_table);
    try {
        run_step(site, line, "linking python.km", host, "", site.out_dir, input_bytes(line, site.layout.root));
    } catch (const NoSpaceError &) {
        discard_temporary(site.temporary); // not the linker's fault: no --ld hint
        throw;
    } catch (const Error &e) {
        discard_temporary(site.temporary);
        std::string what = e.what();
        // Undefined symbols: a library is missing, which no other linker cures.
        if (what.find("undefined symbol") != std::string::npos ||
            what.find("undefined reference") != std::string::npos)
            throw Error(what + undefined_symbols_hint(plan.system));
        if (options.linker.flag.empty() || !another_linker_may_help(what))
            throw;
        // kmpack put the -fuse-ld= there: say so, and how to do without.
        throw Error(what + "\n  the linker was " + options.linker.name + " (" + options.linker.why +
                    "); --ld default links with the compiler's own");
    } catch (...) {
        discard_temporary(site.temporary);
        throw;
    }
    return line;
}

// --libc=all: every function of libc.so.6 and libm.so.6 that libc.a and
// libm.a define joins `program` (sorted by name), so the table's references
// pull them into the second link.
void add_libc_exports(std::vector<ElfSymbol> &program, const std::vector<fs::path> &search, Host &host) {
    if (!linked_with_static_glibc(program)) {
        host.status.note("python.km: --libc=all: not linked with glibc's static libc (no __libc_setup_tls): "
                         "its functions are only those python.km calls",
                         true);
        return;
    }
    LibcExportTable libc = libc_export_table(search);
    std::set<std::string> have;
    for (const auto &s : program)
        have.insert(s.name);
    size_t added = 0;
    for (auto &f : libc.functions)
        if (have.insert(f.name).second)
            program.push_back(std::move(f)), ++added;
    std::sort(program.begin(), program.end(), [](const ElfSymbol &a, const ElfSymbol &b) { return a.name < b.name; });
    for (const auto &line : libc.read)
        host.status.note("python.km: --libc=all: " + line, true);
    for (const auto &line : libc.missing)
        host.status.note("python.km: --libc=all: " + line + "; its functions are only those python.km calls", true);
    host.status.note("python.km: --libc=all: " + std::to_string(added) +
                         " functions of libc and libm added to the main table, that nothing in python.km calls",
                     true);
}

// dlopen(NULL) and RTLD_DEFAULT see the whole program: what the first link
// defines (less the renamed globals) becomes the main program's table,
// compiled into one more object.
fs::path main_table(const LinkPlan &plan, const LinkOptions &options, const LinkSite &site,
                    const std::vector<fs::path> &search, Host &host) {
    host.status.phase("python.km", "relink");
    std::vector<ElfSymbol> program;
    for (auto &sym : read_program_symbols(site.temporary))
        if (!is_renamed(sym.name))
            program.push_back(std::move(sym));
    if (options.libc == LibcExports::All)
        add_libc_exports(program, search, host);
    fs::path table_c = site.payload() / "km_main_table.c", table_o = site.payload() / "km_main_table.o";
    write_text_if_changed(table_c, emit_main_table_c(program, linked_library_names(plan.system, search)));
    run_step(site, compile_command(options, site.layout.root, table_c, table_o), "compiling the main program's table",
             host, launcher_hint(options.launcher));
    return table_o;
}

// .debug/python.km.linkline: the link as a script that runs from the build directory.
fs::path write_link_line(const LinkSite &site, std::vector<std::string> &line, const fs::path &target) {
    for (auto &arg : line)
        if (arg == in_build(site.temporary, site.layout.root).string())
            arg = in_build(target, site.layout.root).string();
    fs::path file = link_line_path(site.out_dir);
    fs::create_directories(file.parent_path());
    write_file_atomic(file, "#!/bin/sh\n# The link of python.km, written by kmpack. Runs from the build directory.\n"
                            "set -e\ncd \"$(dirname \"$0\")\"/" +
                                shell_quote({site.layout.root.lexically_relative(file.parent_path()).generic_string()}) +
                                "\n" + shell_quote(line) + "\n");
    return file;
}

// The set of artifacts at `stem` as its stamp recorded it, or an Error
// saying which file is not and that a build makes it again.
void check_stamped(const fs::path &stem) {
    std::optional<StampRecord> stamp = read_stamp(stem);
    if (!stamp)
        throw Error(artifact_at(stem, Artifact::Stamp).string() +
                    ": missing or unreadable, so the artifacts beside it are incomplete; run 'kmpack build' to "
                    "write them again");
    if (std::string damaged = damaged_artifact(stem, *stamp); !damaged.empty())
        throw Error(damaged + "; run 'kmpack build' to write it again");
}

} // namespace

LinkResult link_python(const fs::path &build_dir, const LinkOptions &options, Host &host) {
    auto start = std::chrono::steady_clock::now();
    BuildLayout layout{fs::absolute(build_dir)};
    BuildRecord record = load_build_record(layout);
    // Every set the link reads as its stamp recorded it, each checked once.
    std::set<std::string> checked;
    auto check = [&](const SoRecord &so) {
        if (checked.insert(so.artifacts).second)
            check_stamped(layout.root / so.artifacts);
    };
    LinkPlan plan = plan_link(record, layout.root, options, [&](const SoRecord &so) {
        check(so);
        return load_record<ArtifactRecord>(artifact_at(layout.root / so.artifacts, Artifact::Record));
    });
    for (const SoRecord &so : plan.sos)
        check(so);

    fs::path out_dir = fs::absolute(options.output_dir.empty() ? layout.dist() : options.output_dir);
    FileLock lock(out_dir / ".kmpack.lock", "the output directory " + out_dir.string());
    fs::create_directories(out_dir);
    for (const fs::path &stale : remove_stale_temporaries(out_dir))
        host.status.note("removed " + stale.string() + ", left by a kmpack that was killed", true);
    // What the last 'kmpack build' linked may be replaced here (say another
    // --mode into the same directory): its next run must not trust it.
    std::error_code ec;
    fs::remove(layout.link_key(), ec);
    LinkSite site{layout, out_dir, layout.link_log(), temporary_sibling(out_dir / "python.km")};
    write_file_atomic(site.log, "");

    std::vector<fs::path> objects = compile_registration(plan, options, site, host);
    fs::path main = main_object(plan, options, site, host);
    check_libpython(plan, options);
    std::vector<fs::path> dirs = plan.system.lib_dirs;
    for (const auto &d : link_arg_dirs(options.link_args))
        dirs.push_back(d);
    std::vector<fs::path> search = library_search_path(host.runner, options.cc, dirs);
    close_system_libraries(plan.system, host.runner, search);
    for (const auto &line : check_static_libraries(plan.system, search, archive_machine(plan.libpython)))
        host.status.note("python.km: " + line);
    for (const auto &[lib, why] : plan.system.chain)
        host.status.note("python.km: links -l" + lib + ", needed by " + describe_need(plan.system, lib), true);
    std::vector<fs::path> always = objects;
    always.push_back(main);
    bind_weak_references(plan, layout.root, search, always, options.jobs, host);

    host.status.phase("python.km", "link");
    host.status.note("python.km: linking with " + options.linker.name + " (" + options.linker.why + ")");
    // Before the link: too little space shows as a note here (the link may
    // still fit), and as NoSpaceError if the link then runs out of it.
    uintmax_t needed =
        input_bytes(link_command(plan, options, layout.root, site.temporary, main, objects, options.main_table),
                    layout.root);
    if (std::optional<uintmax_t> free = free_space(out_dir); free && *free < needed)
        host.status.note("python.km: only " + size_text(*free) + " free in " + out_dir.string() + "; the link reads " +
                         size_text(needed) + " and its output may need as much");
    std::vector<std::string> line = link_once(plan, options, site, main, objects, options.main_table, host);
    if (options.main_table) {
        objects.push_back(main_table(plan, options, site, search, host));
        line = link_once(plan, options, site, main, objects, false, host);
    }
    if (!options.debug) {
        host.status.phase("python.km", "strip");
        try {
            fs::create_directories(debug_info_path(out_dir).parent_path());
            split_debug_info(site.temporary, debug_info_path(out_dir));
        } catch (...) {
            discard_temporary(site.temporary);
            throw;
        }
    }
    LinkResult result;
    result.python_km = out_dir / "python.km";
    if (options.onefile) {
        try {
            append_runtime_archive(plan, options, layout.root, site.temporary, result.python_km.filename().string(),
                                   site.log, host);
        } catch (...) {
            discard_temporary(site.temporary);
            throw;
        }
    }
    fs::rename(site.temporary, result.python_km);
    result.link_line_file = write_link_line(site, line, result.python_km);
    result.link_line = line;

    if (options.onefile) {
        // A directory-mode link's tree would only mislead: python.km reads
        // neither. Only a lib/ kmpack wrote (with its finder) goes.
        if (fs::exists(out_dir / "lib" / "_kmpack_finder.py", ec))
            fs::remove_all(out_dir / "lib", ec);
        fs::remove(out_dir / "python.km._pth", ec);
    } else {
        write_runtime_tree(plan, options, layout.root, out_dir, site.log, host);
    }
    std::string linked = "linked, " + std::to_string(plan.sos.size()) + " extension module" +
                         (plan.sos.size() == 1 ? "" : "s");
    if (options.mode == LinkMode::Builtin)
        linked += ", " + std::to_string(plan.inittab.size()) + " built-in";
    linked += ", " + size_text(fs::file_size(result.python_km)) + (options.onefile ? " in one file" : "") +
              (options.debug ? " with debug information" : " stripped (debug information: " +
                                                               in_build(debug_info_path(out_dir), out_dir).string() + ")");
    host.status.finish("python.km", linked,
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return result;
}

} // namespace kmpack
