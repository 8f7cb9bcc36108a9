#include "kmpack/system_libs.h"

#include "kmpack/elf_symbols.h"
#include "kmpack/error.h"
#include "kmpack/link_inputs.h"
#include "kmpack/static_deps.h"

#include <algorithm>

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

void add_static_companions(SystemLibraries &system, CommandRunner &runner) {
    for (const auto &l : with_static_companions(runner, system.libs))
        if (!system.needed_by.count(l)) {
            system.libs.push_back(l);
            system.needed_by[l].push_back("the static archives of other -l libraries (pkg-config --static)");
        }
}

void check_static_libraries(const SystemLibraries &system, const std::vector<fs::path> &search) {
    for (const auto &l : system.libs) {
        if (is_cxx_runtime(l) || !find_static_library(l, search).empty())
            continue;
        std::string places;
        for (const auto &d : search)
            places += "\n    " + d.string();
        std::string users;
        for (const auto &u : system.needed_by.at(l))
            users += (users.empty() ? "" : ", ") + u;
        throw Error("-l" + l + ": no static library lib" + l + ".a for " + users +
                    " (a static python.km needs one; install the library's -dev package that ships it, "
                    "or skip the .so with skip=). Searched:" + places);
    }
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
