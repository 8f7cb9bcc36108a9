#include "kmpack/discover.h"

#include "kmpack/build_cache.h"
#include "kmpack/capture.h"
#include "kmpack/cpython_build.h"
#include "kmpack/error.h"
#include "kmpack/digest.h"
#include "kmpack/fs.h"
#include "kmpack/manifest.h"
#include "kmpack/parallel.h"

#include <algorithm>
#include <map>
#include <set>
#include <thread>

namespace kmpack {

namespace {

const char *const kUnseenLink = ": in the installed package, but kmpack saw no link make it (linked outside the "
                                "capture wrapper, or copied in ready-made): it has no objects to take apart";

const char *const kNotInstalled = ": linked but not part of the installed package; ignored";

} // namespace

std::vector<LinkInputs> captured_links(const fs::path &work, const std::vector<fs::path> &search_dirs) {
    auto records = read_capture_log(ModuleLayout{work}.capture_log());
    // The build directory moved (a module fetched from the cache is one
    // built elsewhere); not when it is reached through another path to the
    // same directory (a cache directory through a symbolic link).
    std::error_code same;
    if (auto built_in = recorded_work(work); built_in && !built_in->empty() && *built_in != fs::absolute(work) &&
                                             !fs::equivalent(*built_in, work, same))
        rebase_capture_records(records, *built_in, fs::absolute(work));
    return reconstruct_links(records, work, search_dirs);
}

std::set<std::string> files_later_builds_read(const fs::path &work, const fs::path &lib_dir,
                                              const std::vector<const LinkInputs *> &renamed,
                                              const std::vector<fs::path> &search_dirs) {
    fs::path root = fs::absolute(work).lexically_normal();
    std::vector<fs::path> files;
    for (const LinkInputs *link : renamed) {
        auto read = link_files(*link);
        files.insert(files.end(), read.begin(), read.end());
    }
    // Outputs linked outside the installed tree (pip, cargo) and installed
    // by content: discovery matches them by it. An output not installed (a
    // Rust proc-macro, a configure test) is not kept; one in lib_dir is kept
    // with it anyway. The installed .so files are hashed only when needed.
    std::error_code ec;
    std::vector<fs::path> elsewhere;
    for (const LinkInputs &link : captured_links(work, search_dirs))
        if (!is_within(link.output, lib_dir) && fs::is_regular_file(link.output, ec))
            elsewhere.push_back(link.output);
    std::set<std::string> installed;
    if (!elsewhere.empty() && fs::exists(lib_dir, ec))
        for (const auto &e : fs::recursive_directory_iterator(lib_dir))
            if (e.is_regular_file() && e.path().extension() == ".so")
                installed.insert(md5_file(e.path()));
    for (const fs::path &output : elsewhere)
        if (installed.count(md5_file(output)))
            files.push_back(output);
    std::set<std::string> needed;
    for (const fs::path &file : files)
        if (is_within(file, root) && fs::exists(file, ec))
            needed.insert(relative_below(file, root));
    return needed;
}

std::vector<DiscoveredSo> discover_shared_objects(const fs::path &work, const fs::path &lib_dir,
                                                       const std::vector<SkipRule> &skip,
                                                       const std::vector<fs::path> &search_dirs,
                                                       std::vector<std::string> &notes) {
    auto links = captured_links(work, search_dirs);
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
    // A .so in the installed tree that no captured link made: linked outside
    // the wrapper (a build tool that ignores CC and LDSHARED), or copied in
    // ready-made. kmpack has no objects to take it apart.
    std::set<fs::path> outputs;
    std::set<std::string> linked_md5;
    for (size_t i = 0; i < links.size(); ++i)
        if (!md5[i].empty())
            outputs.insert(links[i].output), linked_md5.insert(md5[i]);
    if (fs::exists(lib_dir, ec)) {
        std::vector<fs::path> unseen;
        for (const auto &e : fs::recursive_directory_iterator(lib_dir))
            if (e.is_regular_file() && e.path().extension() == ".so" && !outputs.count(e.path()))
                unseen.push_back(e.path());
        std::sort(unseen.begin(), unseen.end());
        std::map<std::string, std::string> hashed; // path -> MD5, of the files hashed above
        for (const auto &[sum, rel] : installed)
            hashed.emplace(rel, sum);
        for (const auto &so : unseen) {
            std::string rel = relative_below(so, lib_dir);
            bool skipped =
                std::any_of(skip.begin(), skip.end(), [&](const SkipRule &r) { return glob_match(r.glob, rel); });
            auto known = hashed.find(rel);
            if (!skipped && !linked_md5.count(known != hashed.end() ? known->second : md5_file(so)))
                notes.push_back(rel + kUnseenLink);
        }
    }
    std::vector<DiscoveredSo> found;
    for (size_t i = 0; i < links.size(); ++i) {
        auto &link = links[i];
        DiscoveredSo f;
        f.linked_as = link.output;
        if (md5[i].empty()) {
            // Deleted by the build, or not kept in the module cache's entry.
            notes.push_back(link.output.string() + kNotInstalled);
            continue;
        }
        f.md5 = md5[i];
        if (is_within(link.output, lib_dir)) {
            f.rel_path = relative_below(link.output, lib_dir);
        } else if (auto it = installed.find(f.md5); it != installed.end()) {
            f.rel_path = it->second;
            link.output = lib_dir / it->second;
        } else {
            notes.push_back(link.output.string() + kNotInstalled);
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

std::vector<DiscoveredSo> discover_module(ModuleWork &m, size_t index, const std::vector<fs::path> &search_dirs) {
    const ModuleSpec &spec = *m.spec;
    m.notes.clear();
    // The interpreter's default rules first: their reason is the one to give.
    std::vector<SkipRule> skip;
    if (spec.build == BuildKind::CPython)
        for (const auto &[glob, why] : cpython_default_skips())
            skip.push_back({glob, why});
    for (const auto &glob : spec.skip)
        skip.push_back({glob, ""});
    std::vector<DiscoveredSo> found = discover_shared_objects(m.dirs.work, m.lib_dir, skip, search_dirs, m.notes);
    for (auto &so : found)
        so.module = index;
    bool skipped = std::any_of(m.notes.begin(), m.notes.end(),
                               [](const std::string &n) { return n.ends_with("skipped (skip=)"); });
    // No .so at all: a pure-Python package, whose files python.km ships as they are.
    m.pure = found.empty() && m.notes.empty();
    if (m.pure && spec.build == BuildKind::CPython)
        throw Error(spec.origin + ": the CPython build made no shared standard module (.so); see " +
                    m.dirs.log().string());
    if (found.empty() && !skipped && !m.pure) {
        std::string why;
        bool unseen = false;
        for (const auto &n : m.notes) {
            why += "\n  " + n;
            unseen = unseen || n.find(kUnseenLink) != std::string::npos;
        }
        throw Error(spec.origin + ": no extension module of '" + spec.name + "' is left to link:" + why +
                    (unseen ? "\n  (kmpack sets CC, CXX, LDSHARED and, for cargo, rustc's linker to its capture "
                              "wrapper; a build tool that links some other way must be pointed at kmpack-capture)"
                            : "\n  (a build backend that builds in a temporary directory deletes the objects kmpack "
                              "needs; make it keep its build directory)"));
    }
    return found;
}

std::vector<PathClash> find_path_clashes(const std::vector<DiscoveredSo> &found) {
    std::vector<PathClash> clashes;
    std::map<std::string, size_t> first_of;
    for (size_t i = 0; i < found.size(); ++i) {
        auto [at, fresh] = first_of.emplace(found[i].rel_path, i);
        if (!fresh && found[at->second].module != found[i].module)
            clashes.push_back({at->second, i});
    }
    return clashes;
}

std::vector<FileClash> find_file_clashes(const std::vector<ModuleWork> &work) {
    std::vector<FileClash> clashes;
    std::map<std::string, size_t> first_of; // path -> module
    for (size_t i = 0; i < work.size(); ++i) {
        std::error_code ec;
        const fs::path &root = work[i].lib_dir;
        if (!fs::is_directory(root, ec))
            continue;
        for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
            std::string name = it->path().filename().string();
            if (it->is_directory() && name == "__pycache__") {
                it.disable_recursion_pending();
                continue;
            }
            if (!it->is_regular_file() || name.ends_with(".so") || is_artifact_name(name))
                continue;
            std::string rel = relative_below(it->path(), root);
            auto [at, fresh] = first_of.emplace(rel, i);
            if (fresh || at->second == i)
                continue;
            fs::path other = work[at->second].lib_dir / rel;
            if (fs::file_size(other) != it->file_size() || read_file(other) != read_file(it->path()))
                clashes.push_back({rel, at->second, i});
        }
    }
    return clashes;
}

std::string describe_clash(const FileClash &clash, const std::vector<ModuleWork> &work) {
    const ModuleSpec &first = *work[clash.first].spec;
    const ModuleSpec &second = *work[clash.second].spec;
    return second.origin + ": module '" + second.name + "' installs " + clash.path + ", as module '" + first.name +
           "' (" + first.origin + ") does, with other content; python.km's lib/ holds one file per path: remove " +
           "one of the lines";
}

std::string describe_clash(const PathClash &clash, const std::vector<DiscoveredSo> &found,
                           const std::vector<ModuleWork> &work) {
    const ModuleSpec &first = *work[found[clash.first].module].spec;
    const ModuleSpec &second = *work[found[clash.second].module].spec;
    const std::string &path = found[clash.second].rel_path;
    return second.origin + ": module '" + second.name + "' installs " + path + ", as module '" + first.name +
           "' (" + first.origin + ") does; python.km holds one library per path: remove one of the lines, or add " +
           "skip=" + path + " to one";
}

} // namespace kmpack
