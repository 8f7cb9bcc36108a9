#include "kmpack/discover.h"

#include "kmpack/capture.h"
#include "kmpack/digest.h"
#include "kmpack/fs.h"
#include "kmpack/manifest.h"
#include "kmpack/parallel.h"

#include <algorithm>
#include <map>
#include <thread>

namespace kmpack {

std::vector<FoundSharedObject> discover_shared_objects(const fs::path &work, const fs::path &lib_dir,
                                                       const std::vector<SkipRule> &skip,
                                                       const std::vector<fs::path> &search_dirs,
                                                       std::vector<std::string> &notes) {
    auto links = reconstruct_links(read_capture_log(work / "capture.jsonl"), work, search_dirs);
    // Each linked .so hashed once, on every core.
    std::vector<std::string> md5(links.size());
    parallel_for(links.size(), std::max(1u, std::thread::hardware_concurrency()), [&](size_t i) {
        std::error_code gone;
        if (fs::exists(links[i].output, gone))
            md5[i] = md5_file(links[i].output);
    });
    // Files in the installed tree, by content, for builds that link elsewhere
    // (pip): only needed when some output is not in it already.
    bool elsewhere = false;
    for (size_t i = 0; i < links.size(); ++i)
        elsewhere = elsewhere || (!md5[i].empty() && !is_within(links[i].output, lib_dir));
    std::map<std::string, std::string> installed;
    std::error_code ec;
    if (elsewhere && fs::exists(lib_dir, ec))
        for (const auto &e : fs::recursive_directory_iterator(lib_dir))
            if (e.is_regular_file() && e.path().extension() == ".so")
                installed.emplace(md5_file(e.path()), relative_below(e.path(), lib_dir));
    std::vector<FoundSharedObject> found;
    for (size_t i = 0; i < links.size(); ++i) {
        auto &link = links[i];
        FoundSharedObject f;
        f.linked_as = link.output;
        if (md5[i].empty()) {
            notes.push_back(link.output.string() + ": linked, then deleted by the build; ignored");
            continue;
        }
        f.md5 = md5[i];
        if (is_within(link.output, lib_dir)) {
            f.rel_path = relative_below(link.output, lib_dir);
        } else if (auto it = installed.find(f.md5); it != installed.end()) {
            f.rel_path = it->second;
            link.output = lib_dir / it->second;
        } else {
            notes.push_back(link.output.string() + ": linked but not part of the installed package; ignored");
            continue;
        }
        auto rule = std::find_if(skip.begin(), skip.end(),
                                 [&](const SkipRule &r) { return glob_match(r.glob, f.rel_path); });
        if (rule != skip.end()) {
            notes.push_back(f.rel_path + (rule->why.empty() ? ": skipped (skip=)" : ": left out: " + rule->why));
            continue;
        }
        f.link = std::move(link);
        found.push_back(std::move(f));
    }
    return found;
}

} // namespace kmpack
