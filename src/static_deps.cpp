#include "kmpack/static_deps.h"

#include "kmpack/elf_symbols.h"
#include "kmpack/error.h"
#include "kmpack/process.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <set>
#include <sstream>

namespace kmpack {

namespace {

// The modules pkg-config knows (`--list-package-names`), or nothing when
// it cannot list them (no pkg-config, or one without the option).
std::optional<std::set<std::string>> pkg_config_modules(CommandRunner &runner,
                                                        const std::map<std::string, std::string> &env) {
    Command c;
    c.env = env;
    c.argv = {"pkg-config", "--list-package-names"};
    try {
        std::set<std::string> names;
        std::istringstream lines(read_output(runner, c));
        for (std::string line; std::getline(lines, line);)
            if (!line.empty())
                names.insert(line);
        return names;
    } catch (const Error &) {
        return std::nullopt;
    }
}

// What pkg-config --static says `-l<name>` needs, or nothing when it has no
// module of that name (or there is no pkg-config). `known`, when given,
// spares asking for modules pkg-config does not have.
std::vector<std::string> pkg_config_needs(CommandRunner &runner, const std::string &name,
                                          const std::optional<std::set<std::string>> &known = std::nullopt,
                                          const std::map<std::string, std::string> &env = {}) {
    for (const std::string &module : {name, "lib" + name}) {
        if (known && !known->count(module))
            continue;
        Command c;
        c.env = env;
        c.argv = {"pkg-config", "--silence-errors", "--static", "--libs-only-l", "--", module};
        std::string out;
        try {
            out = read_output(runner, c);
        } catch (const Error &) {
            continue;
        }
        std::vector<std::string> libs;
        std::istringstream words(out);
        for (std::string w; words >> w;)
            if (w.starts_with("-l") && w.size() > 2 && w.substr(2) != name)
                libs.push_back(w.substr(2));
        return libs;
    }
    return {};
}

// lib<name>.so on `search`, the first there is, as an ELF file (a linker
// script such as libncurses.so names no DT_NEEDED and is skipped).
fs::path shared_library(const std::string &name, const std::vector<fs::path> &search) {
    for (const auto &dir : search) {
        std::error_code ec;
        fs::path file = dir / ("lib" + name + ".so");
        if (fs::exists(file, ec))
            return file;
    }
    return {};
}

} // namespace

bool is_implicit_library(const std::string &name) {
    static const std::set<std::string> implicit = {"c",    "m",     "pthread",      "dl",  "rt",    "util",
                                                   "mvec", "gcc_s", "BrokenLocale", "gcc", "gcc_eh"};
    return implicit.count(name) > 0;
}

std::string library_of_soname(const std::string &soname) {
    if (!soname.starts_with("lib") || soname.find(".so") == std::string::npos)
        return {};
    std::string name = soname.substr(3, soname.find(".so") - 3);
    if (name.empty() || is_implicit_library(name))
        return {};
    return name;
}

std::vector<LibraryNeed> shared_library_needs(const std::string &name, const std::vector<fs::path> &search) {
    std::vector<LibraryNeed> needs;
    if (name.empty() || name[0] == ':' || name[0] == '-')
        return needs;
    fs::path so = shared_library(name, search);
    if (so.empty())
        return needs;
    std::string soname = read_soname(so);
    for (const auto &needed : read_needed(so)) {
        std::string lib = library_of_soname(needed);
        if (!lib.empty() && lib != name)
            needs.push_back({lib, (soname.empty() ? so.filename().string() : soname) + " NEEDED " + needed});
    }
    return needs;
}

namespace {

std::vector<LibraryNeed> needs_of(CommandRunner &runner, const std::string &name, const std::vector<fs::path> &search,
                                  const std::optional<std::set<std::string>> &known,
                                  const std::map<std::string, std::string> &env = {}) {
    if (name.empty() || name[0] == ':' || name[0] == '-')
        return {};
    std::vector<LibraryNeed> needs;
    auto add = [&](const LibraryNeed &need) {
        for (const auto &n : needs)
            if (n.lib == need.lib)
                return;
        needs.push_back(need);
    };
    for (const auto &lib : pkg_config_needs(runner, name, known, env))
        add({lib, "pkg-config --static"});
    for (const auto &need : shared_library_needs(name, search))
        add(need);
    return needs;
}

} // namespace

std::vector<LibraryNeed> static_needs(CommandRunner &runner, const std::string &name,
                                      const std::vector<fs::path> &search) {
    return needs_of(runner, name, search, std::nullopt);
}

std::map<std::string, std::string> pkg_config_environment(const std::vector<fs::path> &dirs) {
    if (dirs.empty())
        return {};
    std::string path;
    for (const auto &d : dirs)
        path += (path.empty() ? "" : ":") + d.string();
    const char *inherited = std::getenv("PKG_CONFIG_PATH");
    if (inherited && *inherited)
        path += std::string(":") + inherited;
    return {{"PKG_CONFIG_PATH", path}};
}

LibraryClosure close_libraries(CommandRunner &runner, const std::vector<std::string> &libs,
                               const std::vector<fs::path> &search, const std::vector<fs::path> &pkg_config_dirs) {
    std::map<std::string, std::string> env = pkg_config_environment(pkg_config_dirs);
    // Breadth first from `libs`: the order of first mention, and each
    // library's needs asked once.
    std::vector<std::string> order;
    std::map<std::string, std::vector<std::string>> edges; // library -> what it needs
    std::map<std::string, bool> from_pkg_config;          // added: some reason other than DT_NEEDED
    std::set<std::string> given(libs.begin(), libs.end());
    LibraryClosure out;
    auto seen = [&](const std::string &l) { return std::find(order.begin(), order.end(), l) != order.end(); };
    for (const auto &l : libs)
        if (!seen(l))
            order.push_back(l);
    // One listing of pkg-config's modules, rather than two failed queries
    // for each library that has none.
    std::optional<std::set<std::string>> known = pkg_config_modules(runner, env);
    for (size_t i = 0; i < order.size(); ++i) {
        std::string lib = order[i]; // a copy: order grows below
        for (const auto &need : needs_of(runner, lib, search, known, env)) {
            edges[lib].push_back(need.lib);
            if (!given.count(need.lib)) {
                out.why[need.lib].push_back(lib + " (" + need.why + ")");
                bool by_needed = need.why.find(" NEEDED ") != std::string::npos;
                from_pkg_config[need.lib] = from_pkg_config[need.lib] || !by_needed;
            }
            if (!seen(need.lib))
                order.push_back(need.lib);
        }
    }
    // Kahn's algorithm, ties (and cycles) broken by first mention.
    std::map<std::string, size_t> waiting; // how many libraries that need it are not placed yet
    for (const auto &[lib, needs] : edges)
        for (const auto &n : std::set<std::string>(needs.begin(), needs.end()))
            if (n != lib)
                ++waiting[n];
    std::vector<bool> placed(order.size());
    for (size_t count = 0; count < order.size(); ++count) {
        size_t pick = order.size();
        for (size_t i = 0; i < order.size() && pick == order.size(); ++i)
            if (!placed[i] && waiting[order[i]] == 0)
                pick = i;
        if (pick == order.size()) // a cycle: the first one left
            pick = static_cast<size_t>(std::find(placed.begin(), placed.end(), false) - placed.begin());
        placed[pick] = true;
        const std::string &lib = order[pick];
        out.libs.push_back(lib);
        if (auto it = edges.find(lib); it != edges.end())
            for (const auto &n : std::set<std::string>(it->second.begin(), it->second.end()))
                if (n != lib && waiting[n] > 0)
                    --waiting[n];
    }
    for (const auto &lib : out.libs)
        if (!given.count(lib) && !from_pkg_config[lib])
            out.needed_only.push_back(lib);
    return out;
}

} // namespace kmpack
