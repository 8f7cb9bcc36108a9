#include "kmpack/rename_plan.h"

#include "kmpack/conventions.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/overrides.h"

#include <algorithm>
#include <set>

namespace kmpack {

namespace {

// Symbols the static linker or crt files provide to every .so; they are not
// the package's and never go in a table.
const std::set<std::string> kLinkerSymbols = {"_init", "_fini", "_edata", "_end", "__bss_start",
                                              "__end__", "_DYNAMIC", "_GLOBAL_OFFSET_TABLE_"};

std::string display_name(const fs::path &path, const fs::path &root) {
    return is_within(path, root) ? relative_below(path, root) : path.string();
}

void plan_sections(SoPlan &plan) {
    struct Entry {
        int order;
        std::string from;
        DeferredSection to;
        bool init;
    };
    std::map<std::string, Entry> found;
    for (const auto &input : plan.inputs) {
        for (const auto &name : input.symbols.sections) {
            auto section = parse_ctor_section(name);
            if (!section || found.count(name))
                continue;
            // ld: prioritised sections first, by priority; then the plain ones.
            int order = section->priority >= 0 ? section->priority : 65536 + (section->legacy() ? 1 : 0);
            found[name] = {order, name, {deferred_section_name(*section, plan.digest), section->legacy()},
                           section->runs_at_open()};
        }
    }
    std::vector<Entry> entries;
    for (auto &[name, e] : found)
        entries.push_back(e);
    // Ties last by the ELF name, the map's order. (Not std::stable_sort: with
    // libstdc++ 12 its temporary buffer is a deprecation error to clang 19.)
    std::sort(entries.begin(), entries.end(), [](const Entry &a, const Entry &b) {
        if (a.order != b.order)
            return a.order < b.order;
        return a.to.section != b.to.section ? a.to.section < b.to.section : a.from < b.from;
    });
    for (const auto &e : entries) {
        plan.section_renames[e.from] = e.to.section;
        (e.init ? plan.init : plan.fini).push_back(e.to);
    }
}

} // namespace

std::string recorded_option(const std::string &option, const fs::path &package_root) {
    std::string root = package_root.string();
    while (root.size() > 1 && root.back() == '/')
        root.pop_back();
    root += '/';
    std::string out = option;
    for (size_t at = out.find(root); at != std::string::npos; at = out.find(root, at)) {
        // Only a path that starts there: after '=', ',' or ':', or at the start.
        if (at == 0 || std::string_view("=,:").find(out[at - 1]) != std::string_view::npos)
            out.erase(at, root.size());
        else
            at += root.size();
    }
    return out;
}

std::string module_of(const std::string &file_name) {
    std::string m = file_name.substr(0, file_name.find('.'));
    for (char &c : m)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
            c = '_';
    if (m.empty() || std::isdigit(static_cast<unsigned char>(m[0])))
        m = "m" + m;
    return m;
}

std::vector<size_t> simulate_pulls(const std::vector<InputObject> &objects, const std::vector<InputObject> &members) {
    std::set<std::string> defined, undefined;
    auto absorb = [&](const ObjectSymbols &s) {
        for (const auto &d : s.defined)
            defined.insert(d.name), undefined.erase(d.name);
        for (const auto &u : s.undefined)
            if (!defined.count(u))
                undefined.insert(u);
    };
    for (const auto &o : objects)
        absorb(o.symbols);
    std::vector<size_t> pulled;
    std::vector<bool> taken(members.size());
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < members.size(); ++i) {
            if (taken[i])
                continue;
            bool wanted = std::any_of(members[i].symbols.defined.begin(), members[i].symbols.defined.end(),
                                      [&](const ElfSymbol &d) { return undefined.count(d.name) > 0; });
            if (wanted) {
                taken[i] = changed = true;
                pulled.push_back(i);
                absorb(members[i].symbols);
            }
        }
    }
    return pulled;
}

std::vector<InputObject> collect_inputs(const LinkInputs &link, const fs::path &package_root) {
    std::vector<InputObject> inputs;
    for (const auto &path : link.objects) {
        InputObject in;
        in.path = path;
        in.display = display_name(path, package_root);
        std::error_code ec;
        if (!fs::is_regular_file(path, ec))
            throw Error(link.output.string() + ": its object " + path.string() +
                        " is gone (the package build deleted or moved it)");
        in.bytes = read_file(path);
        in.symbols = read_object(in.bytes, path.string());
        inputs.push_back(std::move(in));
    }
    std::vector<InputObject> plain = inputs;
    for (const auto &archive : link.archives) {
        std::vector<InputObject> members;
        for (auto &m : read_archive(archive.path)) {
            // Not an object (a Rust library's lib.rmeta): the linker leaves it out too.
            if (!m.bytes.starts_with("\x7f" "ELF"))
                continue;
            InputObject in;
            in.path = archive.path;
            in.member = m.name;
            in.display = display_name(archive.path, package_root) + "(" + m.name + ")";
            in.symbols = read_object(m.bytes, archive.path.string() + "(" + m.name + ")");
            in.bytes = std::move(m.bytes);
            members.push_back(std::move(in));
        }
        std::vector<size_t> chosen;
        if (archive.whole) {
            for (size_t i = 0; i < members.size(); ++i)
                chosen.push_back(i);
        } else if (!link.map.empty()) {
            std::vector<bool> used(members.size());
            for (const auto &name : archive.members) {
                for (size_t i = 0; i < members.size(); ++i) {
                    if (!used[i] && members[i].member == name) {
                        used[i] = true;
                        chosen.push_back(i);
                        break;
                    }
                }
            }
        } else {
            chosen = simulate_pulls(plain, members);
        }
        for (size_t i : chosen)
            inputs.push_back(std::move(members[i]));
    }
    return inputs;
}

namespace {

// References to the exports of the .so files `link` names (other .so of the
// build) become references to their renamed names.
void plan_imports(SoPlan &plan, const LinkInputs &link, const fs::path &package_root,
                  const std::set<std::string> &undefined, const std::map<fs::path, SiblingSo> &siblings) {
    for (const auto &dep : link.shared_inputs) {
        auto it = siblings.find(dep);
        if (it == siblings.end()) {
            if (is_within(dep, package_root))
                throw Error(plan.rel_path + ": links against " + display_name(dep, package_root) +
                            ", a shared library the package builds but does not install; python.km can only "
                            "hold .so files that are part of the installed package");
            // A system library named by its path: the final link takes its static archive.
            std::string name = dep.filename().string();
            name = name.substr(0, name.find(".so"));
            plan.system_libs.push_back(name.starts_with("lib") ? name.substr(3) : ":" + name + ".a");
            continue;
        }
        for (const auto &e : read_shared_object(it->second.path).exports)
            if (!kLinkerSymbols.count(e.name) && undefined.count(e.name) && !plan.symmap.count(e.name))
                plan.imports[e.name] = renamed_symbol(e.name, it->second.digest);
        plan.needed.push_back(it->second.rel_path);
    }
}

} // namespace

SoPlan plan_shared_object(const LinkInputs &link, const std::string &rel_path, const fs::path &package_root,
                          const std::string &md5, const std::string &digest,
                          const std::map<fs::path, SiblingSo> &siblings) {
    SoPlan plan;
    plan.so_path = link.output;
    plan.rel_path = rel_path;
    plan.file_name = link.output.filename().string();
    plan.base = plan.file_name.size() > 3 && plan.file_name.ends_with(".so")
                    ? plan.file_name.substr(0, plan.file_name.size() - 3)
                    : plan.file_name;
    plan.module = module_of(plan.file_name);
    plan.md5 = md5;
    plan.digest = digest;
    plan.id = library_id(plan.module, digest);
    plan.inputs = collect_inputs(link, package_root);
    plan.system_libs = link.system_libs;
    plan.system_archives = link.system_archives;
    for (const auto &dir : link.lib_dirs)
        if (!is_within(dir, package_root))
            plan.lib_dirs.push_back(dir);
    plan.cxx = link.cxx;
    for (const auto &option : link.linker_options)
        plan.linker_options.push_back(recorded_option(option, package_root));
    for (const auto &a : link.archives)
        plan.archives.push_back(display_name(a.path, package_root));

    SharedObjectSymbols so = read_shared_object(link.output);
    std::vector<fs::path> search;
    for (const auto &dir : link.lib_dirs)
        if (!is_within(dir, package_root))
            search.push_back(dir);
    search.insert(search.end(), link.search_dirs.begin(), link.search_dirs.end());
    OverrideCopies copies = plan_overrides(plan.inputs, so.exports, link.system_libs, search);
    for (auto &m : copies.members)
        plan.inputs.push_back(std::move(m));
    plan.overrides = std::move(copies.notes);
    std::map<std::string, std::string> origin;
    for (const auto &in : plan.inputs) {
        if (in.symbols.machine != so.machine)
            throw Error(in.display + ": built for " + machine_name(in.symbols.machine) + ", but " + rel_path +
                        " is " + machine_name(so.machine));
        for (const auto &d : in.symbols.defined) {
            plan.symmap.emplace(d.name, std::string());
            origin.emplace(d.name, in.display);
        }
    }
    std::set<std::string> undefined_anywhere;
    for (const auto &in : plan.inputs)
        for (const auto &u : in.symbols.undefined)
            undefined_anywhere.insert(u);
    plan.cxx = plan.cxx || undefined_anywhere.count("__gxx_personality_v0") > 0;
    for (const auto &e : so.exports) {
        if (kLinkerSymbols.count(e.name))
            continue;
        if (!plan.symmap.count(e.name)) {
            plan.skipped_exports.push_back(e.name + ": not defined by the package's objects");
            continue;
        }
        if (e.kind == SymbolKind::Tls) {
            plan.skipped_exports.push_back(e.name + ": thread-local, dlsym cannot return one address");
            continue;
        }
        plan.exports.push_back({e.name, "", e.kind, e.binding, e.size, origin.at(e.name)});
    }
    for (auto &[old_name, new_name] : plan.symmap)
        new_name = renamed_symbol(old_name, digest);
    plan_imports(plan, link, package_root, undefined_anywhere, siblings);
    for (auto &e : plan.exports)
        e.target = plan.symmap.at(e.name);
    plan_sections(plan);
    return plan;
}

} // namespace kmpack
