#include "kmpack/static_deps.h"

#include "kmpack/error.h"
#include "kmpack/process.h"

#include <algorithm>
#include <sstream>

namespace kmpack {

std::vector<std::string> static_companions(CommandRunner &runner, const std::string &name) {
    if (name.empty() || name[0] == ':' || name[0] == '-')
        return {};
    for (const std::string &module : {name, "lib" + name}) {
        Command c;
        c.argv = {"pkg-config", "--silence-errors", "--static", "--libs-only-l", "--", module};
        std::string out;
        try {
            out = read_output(runner, c);
        } catch (const Error &) {
            continue; // no such module, or no pkg-config
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

std::vector<std::string> with_static_companions(CommandRunner &runner, const std::vector<std::string> &libs) {
    // Each library goes after everything that names it: its last mention wins.
    std::vector<std::string> all;
    for (const auto &l : libs) {
        all.push_back(l);
        for (auto &c : static_companions(runner, l))
            all.push_back(std::move(c));
    }
    std::vector<std::string> out;
    for (size_t i = 0; i < all.size(); ++i)
        if (std::find(all.begin() + static_cast<std::ptrdiff_t>(i) + 1, all.end(), all[i]) == all.end())
            out.push_back(all[i]);
    return out;
}

} // namespace kmpack
