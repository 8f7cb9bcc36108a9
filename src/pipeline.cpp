#include "kmpack/pipeline.h"

#include "kmpack/assign_ids.h"
#include "kmpack/build_cache.h"
#include "kmpack/build_packages.h"
#include "kmpack/build_record.h"
#include "kmpack/c_library.h"
#include "kmpack/cpython_source.h"
#include "kmpack/discover.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/interpreter.h"
#include "kmpack/module_cache.h"
#include "kmpack/parallel.h"
#include "kmpack/postprocess.h"

#include <algorithm>
#include <atomic>
#include <optional>

namespace kmpack {

namespace {

// modules.txt with --cpython's line, checked against --force.
Manifest load_build_manifest(const BuildOptions &options) {
    Manifest manifest = load_manifest(options.manifest);
    if (!options.cpython.empty())
        add_cpython(manifest, options.cpython, fs::current_path());
    if (manifest.modules.empty())
        throw Error(options.manifest.string() + ": lists no modules");
    for (const auto &name : options.force)
        if (std::none_of(manifest.modules.begin(), manifest.modules.end(),
                         [&](const ModuleSpec &m) { return m.name == name; }))
            throw Error("--force=" + name + ": no such module in " + options.manifest.string());
    return manifest;
}

fs::path capture_tool(const BuildOptions &options) {
    fs::path capture = options.capture_tool.empty() ? default_capture_tool() : options.capture_tool;
    std::error_code ec;
    if (!fs::exists(capture, ec))
        throw Error(capture.string() + ": the capture wrapper is missing (it is installed beside kmpack)");
    return capture;
}

void check_build_dir(const Manifest &manifest, const fs::path &root) {
    for (const auto &m : manifest.modules)
        if (m.kind == SourceKind::Directory && is_within(root, m.local_path))
            throw Error(m.origin + ": the build directory " + root.string() + " is inside the source of '" + m.name +
                        "', which is copied into it; choose another with -B");
}

std::vector<ModuleWork> module_work(const Manifest &manifest, const BuildLayout &layout) {
    std::vector<ModuleWork> work(manifest.modules.size());
    for (size_t i = 0; i < work.size(); ++i) {
        work[i].spec = &manifest.modules[i];
        work[i].dirs = ModuleLayout{layout.module(manifest.modules[i].name)};
        work[i].lib_dir = work[i].dirs.lib();
        // The interpreter (first) is built before everything and sees no library.
        if (manifest.modules[i].build != BuildKind::CPython)
            for (size_t k = 0; k < i; ++k)
                if (work[k].library())
                    work[i].libraries.push_back(&work[k]);
    }
    return work;
}

std::vector<ModuleOutcome> initial_outcomes(const std::vector<ModuleWork> &work) {
    std::vector<ModuleOutcome> out;
    for (const auto &m : work) {
        ModuleOutcome o;
        o.name = m.spec->name;
        o.log = m.dirs.log();
        out.push_back(std::move(o));
    }
    return out;
}

// What a killed kmpack left half-written in the build directory and the
// module work directories (the output directory is the link's to sweep, or
// link_if_stale's when nothing is linked).
void remove_dead_runs_temporaries(const BuildLayout &layout, const std::vector<ModuleWork> &work, Status &status) {
    std::vector<fs::path> dirs = {layout.root, layout.modules()}; // modules/: a fetch's staging directories
    for (const auto &m : work)
        dirs.push_back(m.dirs.work);
    for (const auto &dir : dirs)
        for (const fs::path &stale : remove_stale_temporaries(dir))
            status.note("removed " + stale.string() + ", left by a kmpack that was killed", true);
}

std::vector<std::string> module_names(const std::vector<ModuleWork> &work) {
    std::vector<std::string> names;
    for (const auto &m : work)
        names.push_back(m.spec->name);
    return names;
}

std::vector<DiscoveredSo> discover_all(std::vector<ModuleWork> &work, const std::vector<fs::path> &search_dirs,
                                       Outcomes &outcomes, Status &status) {
    std::vector<DiscoveredSo> found;
    for (size_t i = 0; i < work.size(); ++i)
        outcomes.work(i, [&] {
            if (work[i].library())
                return; // static archives, which python.km's link takes as a system library's
            status.phase(work[i].spec->name, "analyse");
            for (auto &so : discover_module(work[i], i, search_dirs))
                found.push_back(std::move(so));
        });
    for (const DiscoveredSo &so : found) {
        std::vector<std::pair<const ModuleSpec *, fs::path>> later;
        for (size_t k = so.module + 1; k < work.size(); ++k)
            if (work[k].library())
                later.emplace_back(work[k].spec, library_prefix(work[k].dirs.work));
        if (later.empty())
            continue;
        std::string error = library_order_error(*work[so.module].spec, so.rel_path, so.link.system_libs, later);
        if (!error.empty())
            outcomes.guard(so.module, [&] { throw Error(error); });
    }
    // A library line's -L is the link's own (BuildRecord::libraries, searched
    // first), and kept out of the artifacts, which stay the same wherever the
    // build directory is; it is still searched for what a .so overrides.
    for (DiscoveredSo &so : found) {
        auto in_library = [&](const fs::path &dir) {
            return std::any_of(work.begin(), work.end(),
                               [&](const ModuleWork &w) { return w.library() && is_within(dir, w.dirs.work); });
        };
        std::vector<fs::path> prefixes;
        for (const auto &dir : so.link.lib_dirs)
            if (in_library(dir))
                prefixes.push_back(dir);
        std::erase_if(so.link.lib_dirs, in_library);
        so.link.search_dirs.insert(so.link.search_dirs.begin(), prefixes.begin(), prefixes.end());
    }
    for (const PathClash &clash : find_path_clashes(found))
        outcomes.guard(found[clash.second].module, [&] { throw Error(describe_clash(clash, found, work)); });
    for (const FileClash &clash : find_file_clashes(work))
        outcomes.guard(clash.second, [&] { throw Error(describe_clash(clash, work)); });
    return found;
}

// Post-processes every .so whose artifacts are not current; counts in
// `damaged` the sets found damaged since they were written.
std::vector<PostprocessedSo> postprocess_all(const std::vector<DiscoveredSo> &found, const IdAssignment &ids,
                                             const std::vector<ModuleWork> &work, unsigned jobs,
                                             Outcomes &outcomes, Status &status, std::atomic<size_t> &damaged) {
    std::vector<PostprocessedSo> done(found.size());
    parallel_for(found.size(), jobs, [&](size_t i) {
        const DiscoveredSo &so = found[i];
        const ModuleWork &m = work[so.module];
        outcomes.work(so.module, [&] {
            std::string damage;
            if (auto current =
                    current_artifacts(so.link.output, so.md5, ids.digests[i], ids.stamps[so.module], &damage)) {
                done[i].rel_path = so.rel_path;
                done[i].summary = so_summary(*current);
                return;
            }
            if (!damage.empty()) {
                status.note(m.spec->name + ": " + damage + "; writing the artifacts of " + so.rel_path + " again");
                ++damaged;
            }
            status.phase(m.spec->name, "rename");
            done[i] = postprocess_so(so, m.dirs.work, ids.digests[i], ids.siblings, ids.stamps[so.module], true);
            status.note(m.spec->name + ": " + so.rel_path + ": " + std::to_string(done[i].exports) + " exports, " +
                            std::to_string(done[i].globals) + " globals renamed, " +
                            std::to_string(done[i].objects) + " objects",
                        true);
            for (const auto &o : done[i].overrides)
                status.note(m.spec->name + ": " + so.rel_path + ": " + o, true);
        });
    });
    return done;
}

// Each module's record and outcome; a module that was built now, or whose
// artifacts were rewritten, is "built", else "up to date".
std::vector<ModuleRecord> record_modules(const std::vector<ModuleWork> &work, const std::vector<DiscoveredSo> &found,
                                         const std::vector<PostprocessedSo> &done, const fs::path &root,
                                         Outcomes &outcomes, Status &status, BuildResult &result) {
    std::vector<ModuleRecord> records;
    for (size_t i = 0; i < work.size(); ++i) {
        const ModuleWork &m = work[i];
        std::vector<SoRecord> sos;
        bool renamed = false;
        for (size_t k = 0; k < found.size(); ++k) {
            if (found[k].module != i)
                continue;
            sos.push_back(done[k].summary);
            sos.back().artifacts = relative_below(artifact_stem(found[k].link.output), root);
            renamed = renamed || done[k].renamed;
            result.objects_renamed += done[k].renamed;
        }
        if (m.library()) {
            outcomes.guard(i, [&] {
                if (!m.cached)
                    record_module(m.dirs.work, m.key, m.package_dir);
                result.packages_built += !m.cached;
                outcomes.finish(i, m.cached ? ModuleState::UpToDate : ModuleState::Built, {}, false, true);
            });
            continue;
        }
        outcomes.guard(i, [&] {
            ModuleRecord record = module_record(m, std::move(sos), root);
            for (const auto &note : m.notes)
                status.note(m.spec->name + ": note: " + note, true);
            if (!m.cached && !m.recorded)
                record_module(m.dirs.work, m.key, m.package_dir);
            result.packages_built += !m.cached;
            result.fetched += m.fetched;
            ModuleState state = !m.cached || renamed ? ModuleState::Built
                                : m.fetched          ? ModuleState::Fetched
                                                     : ModuleState::UpToDate;
            outcomes.finish(i, state, record.shared_objects, m.pure);
            records.push_back(std::move(record));
        });
    }
    return records;
}

// What a package's entry in the module cache holds of its work directory:
// of the build's working directories, only what discovering and renaming
// its .so files read (cargo's target/ of a Rust package is most of a
// gigabyte, of which that is a tenth). An interpreter's shared modules are
// stored whole.
TreeSelection cache_selection(const ModuleWork &m, size_t index, const std::vector<DiscoveredSo> &found,
                              const std::vector<fs::path> &search_dirs) {
    TreeSelection selection;
    if (m.cache_tree != m.dirs.work)
        return selection;
    for (const fs::path &dir : m.dirs.scratch())
        selection.scratch.push_back(relative_below(dir, m.dirs.work));
    std::vector<const LinkInputs *> renamed;
    for (const auto &so : found)
        if (so.module == index)
            renamed.push_back(&so.link);
    selection.needed = files_later_builds_read(m.dirs.work, m.lib_dir, renamed, search_dirs);
    return selection;
}

// Every module that did not fail gets its entry in the module cache, unless
// it has one. Stored after the link, so that the entries hold the compiled
// registration code (.km.symbols.o, and its note), which a build directory
// that fetches them then does not compile again.
void store_modules(const std::vector<ModuleWork> &work, const std::vector<ModuleOutcome> &outcomes,
                   const std::vector<DiscoveredSo> &found, const std::vector<fs::path> &search_dirs,
                   ModuleCache *cache) {
    if (!cache)
        return;
    for (size_t i = 0; i < work.size(); ++i) {
        const ModuleWork &m = work[i];
        if (outcomes[i].failed() || m.cache_key.empty() || cache->holds(m.cache_key))
            continue;
        TreeSelection selection;
        try {
            selection = cache_selection(m, i, found, search_dirs);
        } catch (const Error &e) {
            cache->warn(m.spec->name + ": warning: not stored in the module cache: " + e.what());
            continue;
        } catch (const fs::filesystem_error &e) {
            cache->warn(m.spec->name + ": warning: not stored in the module cache: " + filesystem_error_text(e));
            continue;
        }
        cache->store(m.spec->name, m.cache_key, m.cache_tree, selection);
    }
}

BuildRecord build_record(const BuildOptions &options, const Manifest &manifest, const Toolchain &toolchain,
                         std::vector<ModuleRecord> modules, const std::vector<ModuleWork> &work,
                         const fs::path &root) {
    BuildRecord r;
    for (const auto &m : work)
        if (m.library())
            r.libraries.push_back(relative_below(library_prefix(m.dirs.work), root));
    r.manifest = fs::absolute(options.manifest).lexically_normal().string();
    if (manifest.has_interpreter() && manifest.modules.front().added) {
        const ModuleSpec &interpreter = manifest.modules.front();
        r.cpython = interpreter.kind == SourceKind::Git ? interpreter.source : interpreter.local_path.string();
    }
    r.interpreter_dir = toolchain.interpreter_dir.string();
    r.tools_python = toolchain.host.executable;
    r.python = toolchain.python;
    r.modules = std::move(modules);
    return r;
}

void link_if_stale(const BuildOptions &options, const BuildLayout &layout, const std::string &record_text,
                   Host &host, BuildResult &result) {
    LinkOptions link = options.link_options;
    link.jobs = options.jobs;
    link.launcher = options.launcher;
    fs::path out_dir = fs::absolute(link.output_dir.empty() ? layout.dist() : link.output_dir);
    std::string key = link_key(record_text, link, out_dir);
    if (link_current(layout, out_dir, key) && !options.force_all && options.force.empty()) {
        if (result.damaged == 0) {
            // A kmpack killed while linking here left its temporaries: they go
            // even when nothing is linked again.
            for (const fs::path &stale : remove_stale_temporaries(out_dir))
                host.status.note("removed " + stale.string() + ", left by a kmpack that was killed", true);
            host.status.finish("python.km", "up to date", 0);
            result.link.python_km = out_dir / "python.km";
            return;
        }
        // Made again the same, but python.km may have been linked from the damaged file.
        host.status.note("python.km: linking again: it may have been linked from a damaged file");
    }
    std::error_code rm;
    fs::remove(layout.link_key(), rm);
    result.link = link_python(layout.root, link, host);
    write_file_atomic(layout.link_key(), key);
    result.linked = true;
}

} // namespace

bool BuildResult::ok() const {
    return std::none_of(modules.begin(), modules.end(), [](const ModuleOutcome &m) { return m.failed(); });
}

fs::path default_capture_tool() {
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path("kmpack-capture") : self.parent_path() / "kmpack-capture";
}

// When neither modules.txt nor --cpython names the interpreter (and not
// --stdlib=system), the line of Debian's source of --python's release.
void add_default_interpreter(Manifest &manifest, const BuildOptions &options, const PythonInfo &host_python,
                             const fs::path &cache_dir, Host &host) {
    if (manifest.has_interpreter() || options.system_stdlib)
        return;
    fs::path source = default_cpython_source(cache_dir, host_python.version, python_release(host_python.full_version),
                                             options.etc_apt, host.runner, host.status);
    add_cpython(manifest, source.string(), fs::current_path(), "the default interpreter (CPython from Debian's source)");
}

BuildResult run_build(const BuildOptions &options, Host &host) {
    Manifest manifest = load_build_manifest(options);
    BuildLayout layout{fs::absolute(options.build_dir).lexically_normal()};
    check_build_dir(manifest, layout.root);
    FileLock lock(layout.lock(), "the build directory " + layout.root.string());
    PythonInfo host_python = query_python(host.runner, options.python);
    fs::path cache_dir = options.cache_dir.empty() ? default_cache_dir() : fs::absolute(options.cache_dir);
    add_default_interpreter(manifest, options, host_python, cache_dir, host);
    std::optional<ModuleCache> module_cache;
    if (options.module_cache)
        module_cache.emplace(cache_dir, host.status);
    ModuleOptions module_options{capture_tool(options), options.launcher, options.jobs, options.force_all,
                                 options.force, cache_dir, module_cache ? &*module_cache : nullptr};
    if (!options.launcher.empty())
        host.status.note("compiles through the launcher " + shell_quote(options.launcher.argv) + " (" +
                         options.launcher.origin + ")");
    std::vector<ModuleWork> work = module_work(manifest, layout);
    remove_dead_runs_temporaries(layout, work, host.status);
    Outcomes outcomes(initial_outcomes(work), options.keep_going, host.status);

    Toolchain toolchain = prepare_interpreter(host_python, work, module_options, outcomes, host);
    build_packages(work, toolchain.built ? 1 : 0, toolchain, module_options, outcomes, host);
    std::vector<DiscoveredSo> found = discover_all(work, toolchain.search_dirs, outcomes, host.status);
    IdAssignment ids = assign_ids(found, module_names(work));
    std::atomic<size_t> damaged{0};
    std::vector<PostprocessedSo> done =
        postprocess_all(found, ids, work, options.jobs, outcomes, host.status, damaged);
    BuildResult result;
    result.damaged = damaged + std::count_if(work.begin(), work.end(), [](const ModuleWork &m) { return m.damaged; });
    if (!toolchain.built)
        result.missing_stdlib = toolchain.host.shared_stdlib;
    std::vector<ModuleRecord> records =
        record_modules(work, found, done, layout.root, outcomes, host.status, result);
    result.modules = outcomes.take();
    if (!result.ok()) {
        store_modules(work, result.modules, found, toolchain.search_dirs, module_options.module_cache);
        return result; // keep_going: nothing is linked from a partial build
    }

    std::string record_text = json_text(build_record(options, manifest, toolchain, std::move(records), work, layout.root));
    write_text_if_changed(layout.record(), record_text);
    if (options.link) {
        try {
            link_if_stale(options, layout, record_text, host, result);
        } catch (const Error &e) {
            throw LinkFailed(e.what(), std::move(result));
        }
    }
    store_modules(work, result.modules, found, toolchain.search_dirs, module_options.module_cache);
    return result;
}

} // namespace kmpack
