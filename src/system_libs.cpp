#include "kmpack/system_libs.h"

#include "kmpack/elf_symbols.h"
#include "kmpack/error.h"
#include "kmpack/link_inputs.h"
#include "kmpack/static_deps.h"

#include <algorithm>
#include <set>

namespace kmpack {

std::vector<fs::path> library_search_path(CommandRunner &runner, const std::vector<std::string> &cc,
                                          const std::vector<fs::path> &extra) {
    std::vector<fs::path> dirs = extra;
    for (auto &d : compiler_search_dirs(runner, cc.at(0)))
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

std::vector<fs::path> link_arg_dirs(const std::vector<std::string> &args) {
    std::vector<fs::path> dirs;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a == "-L" && i + 1 < args.size())
            dirs.emplace_back(args[++i]);
        else if (a.starts_with("-L") && a.size() > 2)
            dirs.emplace_back(a.substr(2));
        else if (a.starts_with("-Wl,")) {
            std::vector<std::string> parts;
            for (size_t at = 4; at <= a.size();) {
                size_t comma = std::min(a.find(',', at), a.size());
                parts.push_back(a.substr(at, comma - at));
                at = comma + 1;
            }
            for (size_t k = 0; k < parts.size(); ++k)
                if (parts[k] == "-L" && k + 1 < parts.size())
                    dirs.emplace_back(parts[++k]);
                else if (parts[k].starts_with("-L") && parts[k].size() > 2)
                    dirs.emplace_back(parts[k].substr(2));
        }
    }
    return dirs;
}

void close_system_libraries(SystemLibraries &system, CommandRunner &runner, const std::vector<fs::path> &search) {
    std::vector<std::string> roots;
    for (const auto &l : system.libs)
        if (!is_cxx_runtime(l))
            roots.push_back(l);
    LibraryClosure closure = close_libraries(runner, roots, search, system.pkg_config_dirs);
    std::vector<std::string> libs;
    for (const auto &l : closure.libs) {
        if (is_cxx_runtime(l)) {
            system.cxx = true;
            continue;
        }
        libs.push_back(l);
    }
    for (const auto &l : system.libs)
        if (is_cxx_runtime(l))
            libs.push_back(l);
    system.libs = std::move(libs);
    for (auto &[lib, why] : closure.why)
        if (!system.needed_by.count(lib))
            system.chain[lib] = why;
    system.needed_only = closure.needed_only;
}

std::string describe_need(const SystemLibraries &system, const std::string &lib) {
    std::string text;
    std::set<std::string> visited;
    for (std::string at = lib; visited.insert(at).second;) {
        if (auto users = system.needed_by.find(at); users != system.needed_by.end()) {
            for (size_t i = 0; i < users->second.size(); ++i)
                text += (i ? ", " : (text.empty() ? "" : ", for ")) + users->second[i];
            return text;
        }
        auto chain = system.chain.find(at);
        if (chain == system.chain.end() || chain->second.empty())
            return text;
        // "lapack (liblapack.so.3 NEEDED libgfortran.so.5)": the first library that asked.
        const std::string &first = chain->second.front();
        text += (text.empty() ? "" : ", for ") + first;
        at = first.substr(0, first.find(' '));
    }
    return text;
}

std::vector<std::string> check_static_libraries(SystemLibraries &system, const std::vector<fs::path> &search,
                                                uint16_t machine) {
    std::vector<std::string> missing, notes;
    system.dropped.clear();
    for (const auto &l : system.libs) {
        if (is_cxx_runtime(l))
            continue;
        if (fs::path archive = find_static_library(l, search); !archive.empty()) {
            uint16_t found = machine ? archive_machine(archive) : 0;
            if (found && found != machine)
                missing.push_back("-l" + l + ": " + archive.string() + " is for " + machine_name(found) +
                                  ", python.km for " + machine_name(machine) + "; needed by " + describe_need(system, l));
            continue;
        }
        std::string line = "-l" + l + ": no " + (l.starts_with(":") ? l.substr(1) : "lib" + l + ".a") +
                           ", needed by " + describe_need(system, l);
        if (std::find(system.needed_only.begin(), system.needed_only.end(), l) == system.needed_only.end()) {
            missing.push_back(line);
            continue;
        }
        system.dropped.push_back(l);
        notes.push_back(line + "; left out of the link: a shared library may name one it does not use (if the link "
                               "then misses symbols, install its static archive)");
    }
    if (!missing.empty()) {
        std::string text = std::to_string(missing.size()) + " of the libraries python.km links " +
                           (missing.size() == 1 ? "has" : "have") +
                           " no static archive for python.km (a static python.km needs one for each; install the library's -dev "
                           "package that ships it, give a directory holding it with --link-arg=-LDIR, or skip the "
                           ".so that needs it with skip=):";
        for (const auto &m : missing)
            text += "\n  " + m;
        text += "\n  searched:";
        for (const auto &d : search)
            text += "\n    " + d.string();
        throw Error(text);
    }
    std::erase_if(system.libs, [&](const std::string &l) {
        return std::find(system.dropped.begin(), system.dropped.end(), l) != system.dropped.end();
    });
    return notes;
}

std::vector<std::string> linked_library_names(const SystemLibraries &system, const std::vector<fs::path> &search) {
    std::vector<std::string> names = {"libc.so.6",  "libm.so.6",  "libpthread.so.0",
                                      "libdl.so.2", "librt.so.1", "libutil.so.1"};
    std::vector<std::string> all = system.libs;
    if (system.cxx)
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

} // namespace kmpack
