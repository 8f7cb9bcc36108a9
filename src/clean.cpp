#include "kmpack/clean.h"

#include "kmpack/conventions.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"

namespace kmpack {

namespace fs = std::filesystem;

std::vector<fs::path> clean_build(const fs::path &build_dir, bool all) {
    std::error_code ec;
    std::vector<fs::path> removed;
    if (!fs::exists(build_dir, ec))
        return removed;
    // Only a directory kmpack made (its lock stays after a clean, beside
    // dist/), or an empty one: never a source tree or a home directory.
    BuildLayout layout{build_dir};
    if (fs::is_empty(build_dir, ec))
        return removed;
    if (!fs::exists(layout.record(), ec) && !fs::exists(layout.modules(), ec) && !fs::exists(layout.lock(), ec))
        throw Error(build_dir.string() +
                    ": not a kmpack build directory (no kmpack-build.json, modules/ or .kmpack.lock); nothing removed");
    if (all) {
        fs::remove_all(build_dir, ec);
        if (ec)
            throw Error(build_dir.string() + ": cannot remove: " + ec.message());
        removed.push_back(build_dir);
        return removed;
    }
    // dist/ stays, but not what a killed link left in it.
    for (const fs::path &dir : {build_dir, layout.dist()})
        for (fs::path &stale : remove_stale_temporaries(dir))
            removed.push_back(std::move(stale));
    for (const char *name : kCleanableEntries) {
        fs::path p = build_dir / name;
        if (!fs::exists(p, ec))
            continue;
        fs::remove_all(p, ec);
        if (ec)
            throw Error(p.string() + ": cannot remove: " + ec.message());
        removed.push_back(p);
    }
    return removed;
}

} // namespace kmpack
