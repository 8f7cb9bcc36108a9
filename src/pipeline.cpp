#include "kmpack/pipeline.h"

#include "kmpack/archive.h"
#include "kmpack/artifacts.h"
#include "kmpack/build_cache.h"
#include "kmpack/capture.h"
#include "kmpack/cpython_build.h"
#include "kmpack/digest.h"
#include "kmpack/discover.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/link_graph.h"
#include "kmpack/parallel.h"
#include "kmpack/process.h"
#include "kmpack/python_info.h"
#include "kmpack/rename_plan.h"
#include "kmpack/source.h"

#include <cstdlib>
#include <mutex>
#include <thread>

namespace kmpack {

namespace {

// A .so found in a module's build, before planning.
struct FoundSo : FoundSharedObject {
    size_t module = 0;
};

struct ModuleWork {
    const ModuleSpec *spec = nullptr;
    fs::path work, package_dir, lib_dir, log;
    std::string key;
    bool cached = false;
    std::vector<std::string> notes;
    BuiltModule result;
};

std::string command_string(const fs::path &capture, const std::vector<std::string> &tool) {
    std::vector<std::string> argv = {capture.string()};
    argv.insert(argv.end(), tool.begin(), tool.end());
    return shell_quote(argv);
}

// What every build kmpack runs gets: the module's env= settings, the
// capture log, and what keeps its objects reproducible.
std::map<std::string, std::string> build_environment(const ModuleWork &m) {
    const ModuleSpec &spec = *m.spec;
    fs::path maps = m.work / "maps";
    fs::create_directories(maps);
    std::map<std::string, std::string> env = spec.env;
    env[kCaptureLogEnv] = (m.work / "capture.jsonl").string();
    env[kCaptureMapDirEnv] = maps.string();
    env["PYTHONDONTWRITEBYTECODE"] = "1";
    if (!std::getenv("SOURCE_DATE_EPOCH") && !spec.env.count("SOURCE_DATE_EPOCH"))
        env["SOURCE_DATE_EPOCH"] = "315532800";
    // Keep the build directory out of the objects, so ids do not depend on it.
    std::string work = m.work.string();
    if (work.find_first_of(" \t\n'\"\\") == std::string::npos) {
        std::string prefix_map = "-ffile-prefix-map=" + work + "=/kmpack/" + spec.name;
        for (const char *var : {"CFLAGS", "CXXFLAGS"}) {
            const char *inherited = std::getenv(var);
            std::string flags = spec.env.count(var) ? spec.env.at(var) : inherited ? inherited : "";
            env[var] = flags.empty() ? prefix_map : flags + " " + prefix_map;
        }
    }
    return env;
}

// The interpreters a package build runs: `py`, and when kmpack built it,
// the build tools (setuptools, Cython, pip, meson-python) of `tools`.
struct Interpreters {
    const PythonInfo *py = nullptr;
    const PythonInfo *tools = nullptr; // null: py's own
};

// Runs the package's own build under the capture wrapper.
void build_package(ModuleWork &m, const Interpreters &interp, const fs::path &capture, Progress &progress) {
    const ModuleSpec &spec = *m.spec;
    const PythonInfo &py = *interp.py;
    BuildKind kind = spec.build;
    std::error_code ec;
    if (kind == BuildKind::Auto)
        kind = fs::exists(m.package_dir / "setup.py", ec) ? BuildKind::SetupPy : BuildKind::Pip;
    Command c;
    c.cwd = m.package_dir;
    c.output = m.log;
    c.env = build_environment(m);
    c.env["CC"] = command_string(capture, py.cc);
    c.env["CXX"] = command_string(capture, py.cxx);
    c.env["LDSHARED"] = command_string(capture, py.ldshared);
    c.env["LDCXXSHARED"] = command_string(capture, py.ldcxxshared.empty() ? py.ldshared : py.ldcxxshared);
    // An interpreter kmpack built has pip and setuptools only; the build
    // tools of --python serve it when it is the same Python version.
    if (interp.tools && interp.tools->version == py.version && !spec.env.count("PYTHONPATH")) {
        std::string path;
        for (const auto &dir : interp.tools->site_packages)
            path += (path.empty() ? "" : ":") + dir;
        c.env["PYTHONPATH"] = path;
    }
    if (kind == BuildKind::SetupPy) {
        progress.phase(spec.name, "build");
        c.argv = {py.executable, "setup.py", "build", "--build-lib", m.lib_dir.string(), "--build-temp",
                  (m.work / "temp").string()};
    } else {
        progress.phase(spec.name, "build/pip");
        c.env["PIP_NO_INDEX"] = "1";
        c.env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1";
        c.argv = {py.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "--no-index",
                  "--wheel-dir", (m.work / "wheel").string()};
        // meson-python builds in a temporary directory it deletes, objects
        // and all; kmpack needs them after the build, so it names the directory.
        std::error_code none;
        if (fs::exists(m.package_dir / "pyproject.toml", none) &&
            read_file(m.package_dir / "pyproject.toml").find("mesonpy") != std::string::npos)
            c.argv.push_back("--config-settings=builddir=" + (m.work / "meson-build").string());
        c.argv.insert(c.argv.end(), {"--", m.package_dir.string()});
    }
    SystemRunner runner;
    CommandResult result = runner.run(c);
    if (!result.ok())
        throw Error(spec.name + ": the package's build failed (" + result.describe() + ")\n" + log_tail(m.log, 15) +
                    "  full log: " + m.log.string());
    if (kind == BuildKind::Pip) {
        for (const auto &entry : fs::directory_iterator(m.work / "wheel"))
            if (entry.path().extension() == ".whl")
                extract_archive(entry.path(), m.lib_dir);
    }
}

// Fetches and builds one module, unless its recorded key says it is current.
void prepare_module(ModuleWork &m, const BuildOptions &options, const Interpreters &interp,
                    const std::string &toolchain, const fs::path &capture, Progress &progress) {
    const ModuleSpec &spec = *m.spec;
    progress.phase(spec.name, "check");
    m.key = module_key(spec, source_identity(spec), toolchain);
    bool forced = options.force_all || options.force.count(spec.name);
    if (!forced && recorded_key(m.work) == m.key) {
        m.package_dir = recorded_package_dir(m.work);
        m.cached = true;
        return;
    }
    std::error_code rm;
    fs::remove_all(m.work, rm);
    fs::create_directories(m.work);
    write_file_atomic(m.log, "");
    progress.phase(spec.name, "fetch");
    SystemRunner runner;
    m.package_dir = fetch_source(spec, m.work / "src", runner, m.log);
    if (spec.build == BuildKind::CPython)
        build_cpython(spec, m.package_dir, m.work, capture, build_environment(m), options.jobs, m.log, runner,
                      progress);
    else
        build_package(m, interp, capture, progress);
}

// Every .so the build linked that belongs to the package, with its
// package-relative path.
std::vector<FoundSo> find_shared_objects(ModuleWork &m, size_t index, const std::vector<fs::path> &search_dirs) {
    m.notes.clear();
    std::vector<FoundSo> found;
    // The interpreter's default rules first: their reason is the one to give.
    std::vector<SkipRule> skip;
    if (m.spec->build == BuildKind::CPython)
        for (const auto &[glob, why] : cpython_default_skips())
            skip.push_back({glob, why});
    for (const auto &glob : m.spec->skip)
        skip.push_back({glob, ""});
    for (auto &so : discover_shared_objects(m.work, m.lib_dir, skip, search_dirs, m.notes))
        found.push_back({std::move(so), index});
    bool skipped = std::any_of(m.notes.begin(), m.notes.end(),
                               [](const std::string &n) { return n.ends_with("skipped (skip=)"); });
    if (found.empty() && m.notes.empty())
        throw Error(m.spec->origin + ": the build of '" + m.spec->name +
                    "' linked no extension module (.so); kmpack is for packages with C/C++ extensions. Log: " +
                    m.log.string());
    if (found.empty() && !skipped) {
        std::string why;
        for (const auto &n : m.notes)
            why += "\n  " + n;
        throw Error(m.spec->origin + ": no extension module of '" + m.spec->name +
                    "' is left to link:" + why +
                    "\n  (a build backend that builds in a temporary directory deletes the objects kmpack needs; "
                    "make it keep its build directory)");
    }
    return found;
}

// The artifacts of a .so are current when they describe this very file
// with this digest, were written by this kmpack, and are all there.
bool artifacts_current(const fs::path &so, const std::string &md5, const std::string &digest,
                       const std::string &stamp) {
    fs::path dir = so.parent_path();
    std::string base = so.filename().string();
    base = base.substr(0, base.size() - 3);
    std::error_code ec;
    for (const char *what : {".km.symmap", ".km.symbols.c", ".km.lib.a"})
        if (!fs::exists(dir / (base + what), ec))
            return false;
    try {
        auto j = nlohmann::json::parse(read_file(dir / (base + ".km.json")));
        return j.at("md5") == md5 && j.at("digest") == digest && j.at("kmpack_version") == KMPACK_VERSION &&
               fs::exists(dir / (base + ".km.stamp"), ec) && read_file(dir / (base + ".km.stamp")) == stamp;
    } catch (const std::exception &) {
        return false;
    }
}

// The build-wide entry of one module, from its .so files' base.km.json.
nlohmann::json module_json(const ModuleWork &m, const fs::path &bdir, const std::vector<fs::path> &sos) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto &so : sos) {
        std::string base = so.filename().string();
        base = base.substr(0, base.size() - 3);
        fs::path stem = so.parent_path() / (base + ".km");
        auto a = nlohmann::json::parse(read_file(fs::path(stem.string() + ".json")));
        list.push_back({{"path", a.at("path")},
                        {"id", a.at("id")},
                        {"artifacts", relative_below(stem, bdir)},
                        {"exports", a.at("exports").size()},
                        {"renamed", a.at("renamed_globals")},
                        {"libs", a.at("libs")},
                        {"lib_dirs", a.at("lib_dirs")},
                        {"system_archives", a.at("system_archives")},
                        {"cxx", a.at("cxx")}});
    }
    return {{"name", m.spec->name},
            {"source", m.spec->source},
            {"key", m.key},
            {"lib_dir", relative_below(m.lib_dir, bdir)},
            {"log", relative_below(m.log, bdir)},
            {"notes", m.notes},
            {"shared_objects", list}};
}

// What the last link was made from: the build manifest and the link options
// (the mode too: switching --mode relinks).
std::string link_key(const std::string &build_json, const LinkOptions &o, const fs::path &out_dir) {
    nlohmann::json j = {{"build", md5_hex(build_json)}, {"cc", o.cc},         {"args", o.link_args}, {"ld", {o.linker.name, o.linker.flag}},
                        {"only", o.only_modules},       {"out", out_dir.string()}, {"tree", o.cpython_tree.string()},
                        {"main_table", o.main_table}, {"mode", std::string(link_mode_name(o.mode))},
                        {"kmpack", kmpack_identity()}};
    return md5_hex(j.dump());
}

std::mutex failure_mutex; // two .so of one module may fail at once

bool has_failed(const ModuleWork &m) {
    std::lock_guard<std::mutex> lock(failure_mutex);
    return m.result.status == "failed";
}

// Runs `fn` for a module, recording a failure instead of throwing when keep_going.
void guarded(ModuleWork &m, bool keep_going, Progress &progress, const std::function<void()> &fn) {
    if (has_failed(m))
        return;
    try {
        fn();
    } catch (const Error &e) {
        {
            std::lock_guard<std::mutex> lock(failure_mutex);
            if (m.result.status == "failed")
                return;
            m.result.status = "failed";
            m.result.error = e.what();
        }
        progress.finish(m.spec->name, "failed");
        if (!keep_going)
            throw;
    }
}

} // namespace

bool BuildResult::ok() const {
    for (const auto &m : modules)
        if (m.status == "failed")
            return false;
    return true;
}

fs::path default_capture_tool() {
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path("kmpack-capture") : self.parent_path() / "kmpack-capture";
}

BuildResult run_build(const BuildOptions &options, Progress &progress) {
    Manifest manifest = load_manifest(options.manifest);
    if (!options.cpython.empty())
        add_cpython(manifest, options.cpython, fs::current_path());
    if (manifest.modules.empty())
        throw Error(options.manifest.string() + ": lists no modules");
    for (const auto &name : options.force) {
        bool known = false;
        for (const auto &m : manifest.modules)
            known = known || m.name == name;
        if (!known)
            throw Error("--force=" + name + ": no such module in " + options.manifest.string());
    }
    fs::path capture = options.capture_tool.empty() ? default_capture_tool() : options.capture_tool;
    std::error_code ec;
    if (!fs::exists(capture, ec))
        throw Error(capture.string() + ": the capture wrapper is missing (it is installed beside kmpack)");
    // With an interpreter line, --python only lends its build tools.
    PythonInfo host = query_python(options.python);
    PythonInfo py = host;
    bool interpreter = manifest.has_interpreter();
    std::string toolchain = interpreter ? compiler_identity(kCPythonCC) : toolchain_identity(py);

    fs::path bdir = fs::absolute(options.build_dir).lexically_normal();
    for (const auto &m : manifest.modules)
        if (m.kind == SourceKind::Directory && is_within(bdir, m.local_path))
            throw Error(m.origin + ": the build directory " + bdir.string() + " is inside the source of '" + m.name +
                        "', which is copied into it; choose another with -B");
    FileLock lock(bdir / ".kmpack.lock", "the build directory " + bdir.string());
    std::vector<ModuleWork> work(manifest.modules.size());
    for (size_t i = 0; i < work.size(); ++i) {
        ModuleWork &m = work[i];
        m.spec = &manifest.modules[i];
        m.work = bdir / "modules" / m.spec->name;
        m.lib_dir = m.work / "lib";
        m.log = m.work / "build.log";
        m.result.name = m.spec->name;
        m.result.log = m.log;
    }
    BuildResult result;

    // The interpreter first: every package is built with it. Nothing can be
    // built without it, so its failure ends the build even with -k.
    Interpreters interp{&py, nullptr};
    if (interpreter) {
        ModuleWork &m = work[0];
        guarded(m, false, progress, [&] {
            prepare_module(m, options, interp, toolchain, capture, progress);
            CPythonLayout layout = cpython_layout(m.package_dir, m.work);
            m.lib_dir = layout.lib_dir;
            py = query_python(layout.python.string());
            m.result.seconds = progress.elapsed(m.spec->name);
        });
        toolchain = toolchain_identity(py, m.key);
        interp.tools = &host;
    }
    progress.note("python: " + py.executable + " " + py.version + " (" + py.libpl.string() + ")", true);
    std::vector<fs::path> search_dirs = compiler_search_dirs(py.cc.at(0));

    // Sources and package builds, a module a job.
    size_t first = interpreter ? 1 : 0;
    parallel_for(work.size() - first, options.jobs, [&](size_t k) {
        ModuleWork &m = work[first + k];
        guarded(m, options.keep_going, progress, [&] {
            prepare_module(m, options, interp, toolchain, capture, progress);
            m.result.seconds = progress.elapsed(m.spec->name);
        });
    });

    // Which .so files, and their ids (identical .so files get distinct ones).
    std::vector<FoundSo> found;
    for (size_t i = 0; i < work.size(); ++i) {
        guarded(work[i], options.keep_going, progress, [&] {
            progress.phase(work[i].spec->name, "analyse");
            for (auto &so : find_shared_objects(work[i], i, search_dirs))
                found.push_back(std::move(so));
        });
    }
    std::vector<std::string> md5s, keys;
    for (const auto &f : found) {
        md5s.push_back(f.md5);
        keys.push_back(work[f.module].spec->name + "/" + f.rel_path);
    }
    std::vector<std::string> digests = choose_digests(md5s, keys);
    std::map<fs::path, SiblingSo> siblings;
    for (size_t i = 0; i < found.size(); ++i)
        siblings[found[i].linked_as] = {found[i].link.output, found[i].rel_path, digests[i]};
    // A stamp per module: this kmpack, and the digests of the module's .so
    // files, which a .so linked against another one depends on.
    std::vector<std::string> stamps(work.size(), kmpack_identity() + "\n");
    for (size_t i = 0; i < found.size(); ++i)
        stamps[found[i].module] += digests[i] + "\n";

    // Analysis, artifacts and renamed archives, a .so a job, unless current.
    std::vector<char> renamed(found.size(), 0);
    parallel_for(found.size(), options.jobs, [&](size_t i) {
        const FoundSo &f = found[i];
        ModuleWork &m = work[f.module];
        guarded(m, options.keep_going, progress, [&] {
            if (artifacts_current(f.link.output, f.md5, digests[i], stamps[f.module]))
                return;
            progress.phase(m.spec->name, "rename");
            SoPlan plan = plan_shared_object(f.link, f.rel_path, m.work, f.md5, digests[i], siblings);
            std::error_code gone;
            fs::remove(artifact_path(plan, "stamp"), gone); // the set is incomplete until rewritten
            write_renamed_archive(plan);
            write_artifacts(plan);
            // Last: which kmpack made the set, and that it is complete.
            write_file_atomic(artifact_path(plan, "stamp"), stamps[f.module]);
            renamed[i] = 1;
            {
                std::lock_guard<std::mutex> lock(failure_mutex);
                m.result.seconds = std::max(m.result.seconds, progress.elapsed(m.spec->name));
            }
            progress.note(m.spec->name + ": " + plan.rel_path + ": " + std::to_string(plan.exports.size()) +
                              " exports, " + std::to_string(plan.symmap.size()) + " globals renamed, " +
                              std::to_string(plan.inputs.size()) + " objects",
                          true);
        });
    });

    nlohmann::json modules = nlohmann::json::array();
    for (size_t i = 0; i < work.size(); ++i) {
        ModuleWork &m = work[i];
        std::vector<fs::path> sos;
        bool any_renamed = false;
        for (size_t k = 0; k < found.size(); ++k) {
            if (found[k].module != i)
                continue;
            sos.push_back(found[k].link.output);
            any_renamed = any_renamed || renamed[k];
            result.objects_renamed += renamed[k];
        }
        guarded(m, options.keep_going, progress, [&] {
            nlohmann::json entry = module_json(m, bdir, sos);
            for (const auto &so : entry["shared_objects"])
                m.result.shared_objects.push_back({so["path"], so["id"], so["exports"], so["renamed"]});
            for (const auto &note : m.notes)
                progress.note(m.spec->name + ": note: " + note, true);
            if (!m.cached)
                record_module(m.work, m.key, m.package_dir);
            modules.push_back(std::move(entry));
            m.result.status = m.cached && !any_renamed ? "up to date" : "built";
            result.packages_built += !m.cached;
            progress.finish(m.spec->name, m.result.status);
        });
    }
    for (auto &m : work)
        result.modules.push_back(m.result);
    if (!result.ok())
        return result; // keep_going: nothing is linked from a partial build

    nlohmann::json build = {{"kmpack_build", 1},
                            {"manifest", fs::absolute(options.manifest).lexically_normal().string()},
                            {"cpython", options.cpython.empty()                            ? ""
                                        : manifest.modules.front().kind == SourceKind::Git ? manifest.modules.front().source
                                        : manifest.modules.front().local_path.string()},
                            {"tools_python", host.executable},
                            {"python",
                             {{"executable", py.executable},
                              {"version", py.version},
                              {"full_version", py.full_version},
                              {"libpl", py.libpl.string()},
                              {"library", py.library},
                              {"link_libs", py.link_libs},
                              {"stdlib", py.stdlib.string()}}},
                            {"modules", modules}};
    std::string build_text = json_text(build);
    fs::path build_json = bdir / "kmpack-build.json";
    if (!fs::exists(build_json, ec) || read_file(build_json) != build_text)
        write_file_atomic(build_json, build_text);
    if (!options.link)
        return result;

    LinkOptions link = options.link_options;
    link.jobs = options.jobs;
    fs::path out_dir = fs::absolute(link.output_dir.empty() ? bdir / "dist" : link.output_dir);
    std::string key = link_key(build_text, link, out_dir);
    fs::path key_file = bdir / "link.key";
    bool current = fs::exists(out_dir / "python.km", ec) && fs::exists(key_file, ec) && read_file(key_file) == key;
    if (current && !options.force_all && options.force.empty()) {
        progress.finish("python.km", "up to date");
        result.link.python_km = out_dir / "python.km";
        return result;
    }
    std::error_code rm;
    fs::remove(key_file, rm);
    result.link = link_python(bdir, link, progress);
    write_file_atomic(key_file, key);
    result.linked = true;
    return result;
}

} // namespace kmpack
