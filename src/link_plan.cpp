#include "kmpack/link_plan.h"

#include "kmpack/c_library.h"
#include "kmpack/emit_finder.h"
#include "kmpack/error.h"

#include <algorithm>
#include <set>

namespace kmpack {

namespace {

template <class T> void add_once(std::vector<T> &list, const T &item) {
    if (std::find(list.begin(), list.end(), item) == list.end())
        list.push_back(item);
}

// The modules --modules names (all when it names none), in build order.
std::vector<ModuleRecord> chosen_modules(const BuildRecord &record, const std::vector<std::string> &only,
                                         const fs::path &build_dir) {
    std::set<std::string> wanted(only.begin(), only.end()), known;
    std::vector<ModuleRecord> out;
    for (size_t i = 0; i < record.modules.size(); ++i) {
        const ModuleRecord &m = record.modules[i];
        known.insert(m.name);
        // A built interpreter (the first module) is the standard library's:
        // never left out.
        bool interpreter = i == 0 && !record.interpreter_dir.empty();
        if (wanted.empty() || wanted.count(m.name) || interpreter)
            out.push_back(m);
    }
    for (const auto &w : wanted)
        if (!known.count(w))
            throw Error("--modules: no module '" + w + "' in this build (" +
                        (build_dir / "kmpack-build.json").string() + ")");
    return out;
}

} // namespace

std::string renamed_init(const ArtifactRecord &artifact, const std::string &name) {
    std::string want = "PyInit_" + name.substr(name.rfind('.') + 1);
    for (const auto &e : artifact.exports)
        if (e.name == want)
            return e.renamed;
    return {};
}

SystemLibraries collect_system_libraries(const std::vector<SoRecord> &sos) {
    SystemLibraries s;
    for (const auto &so : sos) {
        s.cxx = s.cxx || so.cxx;
        for (const auto &d : so.lib_dirs)
            add_once(s.lib_dirs, fs::path(d));
        for (const auto &l : so.libs) {
            if (!s.needed_by.count(l))
                s.libs.push_back(l);
            s.needed_by[l].push_back(so.path);
        }
        for (const auto &a : so.system_archives)
            add_once(s.archives, fs::path(a));
    }
    return s;
}

LinkPlan plan_link(const BuildRecord &record, const fs::path &build_dir, const LinkOptions &options,
                   const ArtifactLoader &load_artifact) {
    LinkPlan plan;
    plan.python = record.python;
    plan.build_paths = {record.python.prefix};
    if (!record.interpreter_dir.empty())
        plan.build_paths.push_back(record.interpreter_dir);
    plan.modules = chosen_modules(record, options.only_modules, build_dir);
    for (const auto &m : plan.modules)
        plan.sos.insert(plan.sos.end(), m.shared_objects.begin(), m.shared_objects.end());
    for (const auto &so : plan.sos) {
        plan.ids[so.path] = so.id;
        std::string name = extension_module_name(so.path);
        if (options.mode == LinkMode::Registry) {
            plan.finder_modules.emplace(name, so.path);
            continue;
        }
        std::string init = renamed_init(load_artifact(so), name);
        if (init.empty())
            continue; // a library, not a module: dlopen() still finds it
        auto [at, fresh] = plan.finder_modules.emplace(name, so.path);
        if (!fresh)
            throw Error("--mode=builtin: " + at->second + " and " + so.path + " are both module '" + name +
                        "'; skip one of them (skip=) or link with --mode=registry");
        plan.inittab.push_back({name, so.id, init});
    }
    plan.main_object = record.python.libpl / "python.o";
    plan.libpython = record.python.libpl / record.python.library;
    if (!options.cpython_tree.empty()) {
        fs::path tree = fs::absolute(options.cpython_tree);
        plan.main_object = tree / "Programs" / "python.o";
        plan.libpython = tree / ("libpython" + record.python.version + ".a");
    }
    plan.system = collect_system_libraries(plan.sos);
    // The libraries built from source come before the system's.
    std::vector<fs::path> prefixes, dirs;
    for (const auto &p : record.libraries)
        prefixes.push_back(build_dir / p);
    for (const auto &p : prefixes)
        dirs.push_back(p / "lib");
    for (const auto &d : plan.system.lib_dirs)
        add_once(dirs, d);
    plan.system.lib_dirs = std::move(dirs);
    plan.system.pkg_config_dirs = library_pkg_config_dirs(prefixes);
    return plan;
}

} // namespace kmpack
