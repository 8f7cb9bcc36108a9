#include "kmpack/overrides.h"

#include "kmpack/error.h"
#include "kmpack/static_deps.h"
#include "kmpack/system_libs.h"

#include <algorithm>
#include <set>

namespace kmpack {

namespace {

// The static archives of `libs` and of what their shared libraries need, in
// that order, each once; the implicit libraries and the C++ runtime aside.
std::vector<fs::path> closure_archives(const std::vector<std::string> &libs, const std::vector<fs::path> &search) {
    std::vector<std::string> order;
    auto add = [&](const std::string &l) {
        if (!l.empty() && !is_implicit_library(l) && !is_cxx_runtime(l) &&
            std::find(order.begin(), order.end(), l) == order.end())
            order.push_back(l);
    };
    for (const auto &l : libs)
        add(l);
    for (size_t i = 0; i < order.size(); ++i)
        for (const auto &need : shared_library_needs(order[i], search))
            add(need.lib);
    std::vector<fs::path> archives;
    for (const auto &l : order)
        if (fs::path a = find_static_library(l, search); !a.empty())
            archives.push_back(a);
    return archives;
}

// Every member of `archive` that is an object file.
std::vector<InputObject> archive_objects(const fs::path &archive) {
    std::vector<InputObject> out;
    for (auto &m : read_archive(archive)) {
        InputObject in;
        in.path = archive;
        in.member = m.name;
        in.display = archive.string() + "(" + m.name + ")";
        try {
            in.symbols = read_object(m.bytes, in.display);
        } catch (const Error &) {
            continue; // not an object (an archive's own notes, say): the linker skips it too
        }
        in.bytes = std::move(m.bytes);
        out.push_back(std::move(in));
    }
    return out;
}

} // namespace

OverrideCopies plan_overrides(const std::vector<InputObject> &inputs, const std::vector<ElfSymbol> &exports,
                              const std::vector<std::string> &libs, const std::vector<fs::path> &search) {
    OverrideCopies out;
    std::set<std::string> defined; // by the package's objects
    for (const auto &in : inputs)
        for (const auto &d : in.symbols.defined)
            defined.insert(d.name);
    std::set<std::string> candidates; // what the .so exports besides its init functions
    for (const auto &e : exports)
        if (defined.count(e.name) && !e.name.starts_with("PyInit"))
            candidates.insert(e.name);
    if (candidates.empty())
        return out;

    // Every member of the archives, in link order, as one group.
    std::vector<InputObject> pool;
    std::set<std::string> referenced; // what some member refers to
    for (const auto &archive : closure_archives(libs, search))
        for (auto &m : archive_objects(archive)) {
            for (const auto &u : m.symbols.undefined)
                referenced.insert(u);
            pool.push_back(std::move(m));
        }
    std::set<std::string> overridden;
    for (const auto &c : candidates)
        if (referenced.count(c))
            overridden.insert(c);
    if (overridden.empty())
        return out;

    // What the linker would pull from the group for the package's objects.
    std::vector<bool> pulled(pool.size());
    for (size_t i : simulate_pulls(inputs, pool))
        pulled[i] = true;
    // Of those, the ones from which an overridden symbol is reached: each
    // must be the .so's own copy, or its call would go to the shared one.
    std::vector<bool> copy(pool.size());
    std::set<std::string> reaching = overridden; // symbols whose callers must be copied
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < pool.size(); ++i) {
            if (!pulled[i] || copy[i])
                continue;
            const auto &refs = pool[i].symbols.undefined;
            if (std::none_of(refs.begin(), refs.end(), [&](const std::string &u) { return reaching.count(u); }))
                continue;
            copy[i] = changed = true;
            for (const auto &d : pool[i].symbols.defined)
                reaching.insert(d.name);
        }
    }
    std::set<std::string> from;
    for (size_t i = 0; i < pool.size(); ++i) {
        if (!copy[i])
            continue;
        // A member defining what the package defines too would be a second
        // definition in the .so; the package's wins, as it does dynamically.
        const auto &defs = pool[i].symbols.defined;
        if (std::any_of(defs.begin(), defs.end(), [&](const ElfSymbol &d) { return defined.count(d.name); }))
            continue;
        from.insert(pool[i].path.filename().string());
        out.members.push_back(std::move(pool[i]));
    }
    std::string names;
    for (const auto &o : overridden)
        names += (names.empty() ? "" : ", ") + o;
    std::string note = "overrides " + names + " of its system libraries";
    if (out.members.empty()) {
        out.notes.push_back(note + ": none of their members it links calls it");
        return out;
    }
    std::string archives;
    for (const auto &a : from)
        archives += (archives.empty() ? "" : ", ") + a;
    out.notes.push_back(note + ": " + std::to_string(out.members.size()) + " members of " + archives +
                        " that call it are the .so's own copies");
    return out;
}

} // namespace kmpack
