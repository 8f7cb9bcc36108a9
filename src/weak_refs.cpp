#include "kmpack/weak_refs.h"

#include "kmpack/conventions.h"
#include "kmpack/elf_symbols.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/libc_exports.h"
#include "kmpack/parallel.h"
#include "kmpack/static_deps.h"
#include "kmpack/system_libs.h"

#include <algorithm>
#include <fstream>
#include <map>

namespace kmpack {

namespace {

// Weak references no library answers, dynamically either: the linker's own
// symbols, and the hooks of profiling and transactional memory that crt
// files test.
bool linker_provided(const std::string &name) {
    static const std::set<std::string> names = {
        "__gmon_start__", "_ITM_deregisterTMCloneTable", "_ITM_registerTMCloneTable", "_Jv_RegisterClasses",
        "__ehdr_start", "__executable_start", "__dso_handle", "_DYNAMIC", "_GLOBAL_OFFSET_TABLE_", "__bss_start",
        "_end", "_edata", "_etext", "end", "edata", "etext", "__init_array_start", "__init_array_end",
        "__fini_array_start", "__fini_array_end", "__preinit_array_start", "__preinit_array_end",
        "__rela_iplt_start", "__rela_iplt_end", "__TMC_END__"};
    return names.count(name) || name.starts_with("__start_") || name.starts_with("__stop_");
}

void absorb(WeakScan &scan, ObjectSymbols &&symbols) {
    for (auto &w : symbols.weak_undefined)
        scan.weak.insert(std::move(w));
    for (auto &d : symbols.defined)
        scan.defined.insert(std::move(d.name));
}

std::string joined(const std::vector<std::string> &items, const std::string &sep) {
    std::string out;
    for (const auto &i : items)
        out += (out.empty() ? "" : sep) + i;
    return out;
}

void add_once(std::vector<fs::path> &files, const fs::path &file) {
    if (std::find(files.begin(), files.end(), file) == files.end())
        files.push_back(file);
}

// The archives of -l`name` on `search` (a linker script's), or none.
std::vector<fs::path> library_files(const std::string &name, const std::vector<fs::path> &search) {
    fs::path file = find_static_library(name, search);
    if (file.empty())
        return {};
    try {
        return static_archive_files(file, search);
    } catch (const Error &) {
        return {}; // unreadable: the link itself says so
    }
}

} // namespace

WeakScan scan_weak_references(const fs::path &file) {
    WeakScan scan;
    char magic[8] = {};
    std::ifstream(file, std::ios::binary).read(magic, sizeof magic);
    if (std::string_view(magic, sizeof magic) == "!<arch>\n") {
        for_each_archive_member(file, [&](const std::string &name, std::string_view bytes) {
            try {
                absorb(scan, read_object(bytes, file.string() + "(" + name + ")"));
            } catch (const Error &) {
                // not an ELF object (LTO byte-code, a text member): no symbols we can read
            }
        });
        return scan;
    }
    absorb(scan, read_object(read_file(file), file.string()));
    return scan;
}

std::vector<WeakReference> resolve_weak_references(const std::vector<std::pair<std::string, WeakScan>> &sources,
                                                   const std::vector<std::pair<std::string, WeakScan>> &libraries,
                                                   const std::set<std::string> &linked_anyway) {
    std::map<std::string, WeakReference> refs;
    for (const auto &[who, scan] : sources)
        for (const auto &symbol : scan.weak) {
            if (linked_anyway.count(symbol) || is_renamed(symbol) || linker_provided(symbol))
                continue;
            WeakReference &r = refs[symbol];
            r.symbol = symbol;
            if (std::find(r.from.begin(), r.from.end(), who) == r.from.end())
                r.from.push_back(who);
        }
    std::vector<WeakReference> out;
    for (auto &[symbol, r] : refs) {
        for (const auto &[name, scan] : libraries)
            if (scan.defined.count(symbol)) {
                r.library = name;
                break;
            }
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<WeakSource> weak_sources(const LinkPlan &plan, const fs::path &build_dir,
                                     const std::vector<fs::path> &search) {
    std::vector<WeakSource> sources;
    std::set<std::string> linked;
    for (const auto &so : plan.sos)
        linked.insert(so.artifacts);
    for (const auto &m : plan.modules)
        for (const auto &so : m.shared_objects)
            if (linked.count(so.artifacts))
                sources.push_back({m.name + ": " + so.path, build_dir / artifact_at(so.artifacts, Artifact::Archive)});
    sources.push_back({plan.libpython.filename().string(), plan.libpython});
    for (const auto &l : plan.system.libs) {
        // The C++ runtime, and the C runtime every static link has (libc.a,
        // libgcc.a: a .so that names -lc, as rustc's do, adds nothing).
        if (is_cxx_runtime(l) || is_implicit_library(l))
            continue;
        auto users = plan.system.needed_by.find(l);
        std::string why = users != plan.system.needed_by.end() ? " for " + joined(users->second, ", ")
                          : plan.system.chain.count(l)     ? ", needed by " + describe_need(plan.system, l)
                                                            : "";
        for (const auto &file : library_files(l, search))
            sources.push_back({file.filename().string() + " (-l" + l + why + ")", file});
    }
    for (const auto &a : plan.system.archives)
        sources.push_back({a.filename().string(), a});
    return sources;
}

std::vector<WeakLibrary> weak_libraries(const LinkPlan &plan, const std::vector<fs::path> &search) {
    std::vector<WeakLibrary> libraries;
    std::vector<fs::path> seen;
    auto add = [&](const std::string &name, const std::vector<fs::path> &files) {
        WeakLibrary lib{name, {}};
        for (const auto &f : files)
            if (std::find(seen.begin(), seen.end(), f) == seen.end())
                seen.push_back(f), lib.files.push_back(f);
        if (!lib.files.empty())
            libraries.push_back(std::move(lib));
    };
    auto add_lib = [&](const std::string &l) {
        add(l.starts_with(":") ? l.substr(1) : "lib" + l + ".a", library_files(l, search));
    };
    add(plan.libpython.filename().string(), {plan.libpython});
    for (const auto &l : plan.system.libs)
        if (!is_cxx_runtime(l))
            add_lib(l);
    for (const auto &a : plan.system.archives)
        add(a.filename().string(), {a});
    for (const auto &arg : plan.python.link_libs)
        if (arg.starts_with("-l") && arg.size() > 2)
            add_lib(arg.substr(2));
    if (plan.system.cxx)
        add_lib("stdc++");
    for (const char *l : {"m", "c", "gcc", "gcc_eh"})
        add_lib(l);
    return libraries;
}

void bind_weak_references(LinkPlan &plan, const fs::path &build_dir, const std::vector<fs::path> &search,
                          const std::vector<fs::path> &objects, unsigned jobs, Host &host) {
    std::vector<WeakSource> sources = weak_sources(plan, build_dir, search);
    std::vector<WeakLibrary> libraries = weak_libraries(plan, search);
    std::vector<fs::path> files;
    for (const auto &s : sources)
        add_once(files, s.file);
    for (const auto &l : libraries)
        for (const auto &f : l.files)
            add_once(files, f);
    for (const auto &o : objects)
        add_once(files, o);
    std::vector<WeakScan> scans(files.size());
    parallel_for(files.size(), jobs, [&](size_t i) {
        std::error_code ec;
        if (fs::is_regular_file(files[i], ec))
            scans[i] = scan_weak_references(files[i]);
    });
    auto scan_of = [&](const fs::path &f) -> const WeakScan & {
        return scans[std::find(files.begin(), files.end(), f) - files.begin()];
    };
    std::vector<std::pair<std::string, WeakScan>> source_scans, library_scans;
    for (const auto &s : sources)
        source_scans.push_back({s.who, scan_of(s.file)});
    for (const auto &l : libraries) {
        WeakScan merged;
        for (const auto &f : l.files)
            merged.defined.insert(scan_of(f).defined.begin(), scan_of(f).defined.end());
        library_scans.push_back({l.name, std::move(merged)});
    }
    std::set<std::string> linked_anyway;
    for (const auto &o : objects)
        linked_anyway.insert(scan_of(o).defined.begin(), scan_of(o).defined.end());

    plan.undefined.clear();
    for (const auto &r : resolve_weak_references(source_scans, library_scans, linked_anyway)) {
        if (r.library.empty()) {
            host.status.note("python.km: warning: " + joined(r.from, "; ") + ": weak reference to " + r.symbol +
                             ", which no library python.km links defines: it is 0 in python.km, as it is "
                             "dynamically when no loaded library defines it");
            continue;
        }
        plan.undefined.push_back(r.symbol);
        host.status.note("python.km: weak reference to " + r.symbol + " bound to " + r.library +
                             "'s definition, as a dynamic link binds it (from " + joined(r.from, "; ") + ")",
                         true);
    }
    if (!plan.undefined.empty())
        host.status.note("python.km: " + std::to_string(plan.undefined.size()) + " weak reference" +
                             (plan.undefined.size() == 1 ? "" : "s") + " bound to their libraries' definitions",
                         true);
}

} // namespace kmpack
