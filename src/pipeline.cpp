#include "kmpack/pipeline.h"

#include "kmpack/archive.h"
#include "kmpack/artifacts.h"
#include "kmpack/capture.h"
#include "kmpack/digest.h"
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
#include <unistd.h>

namespace kmpack {

namespace {

// Lines from parallel jobs, never interleaved mid-line.
class Reporter {
public:
    explicit Reporter(std::ostream &out) : out_(out) {}
    void say(const std::string &line) {
        std::lock_guard<std::mutex> lock(mutex_);
        out_ << line << "\n" << std::flush;
    }

private:
    std::ostream &out_;
    std::mutex mutex_;
};

// A .so found in a module's build, before planning.
struct FoundSo {
    size_t module = 0;
    LinkInputs link;
    std::string rel_path;
    std::string md5;
};

struct ModuleWork {
    const ModuleSpec *spec = nullptr;
    fs::path work, package_dir, lib_dir, log;
    std::vector<std::string> notes;
};

std::string command_string(const fs::path &capture, const std::vector<std::string> &tool) {
    std::vector<std::string> argv = {capture.string()};
    argv.insert(argv.end(), tool.begin(), tool.end());
    return shell_quote(argv);
}

std::string log_tail(const fs::path &log, size_t lines) {
    std::string text;
    try {
        text = read_file(log);
    } catch (const Error &) {
        return {};
    }
    size_t pos = text.size();
    for (size_t n = 0; n <= lines && pos > 0;) {
        pos = text.rfind('\n', pos - 1);
        if (pos == std::string::npos) {
            pos = 0;
            break;
        }
        ++n;
    }
    std::string tail = text.substr(pos == 0 ? 0 : pos + 1);
    std::string out;
    size_t start = 0;
    while (start < tail.size()) {
        size_t end = std::min(tail.find('\n', start), tail.size());
        out += "  | " + tail.substr(start, end - start) + "\n";
        start = end + 1;
    }
    return out;
}

// Runs the package's own build under the capture wrapper.
void build_package(ModuleWork &m, const PythonInfo &py, const fs::path &capture, Reporter &report) {
    const ModuleSpec &spec = *m.spec;
    BuildKind kind = spec.build;
    std::error_code ec;
    if (kind == BuildKind::Auto)
        kind = fs::exists(m.package_dir / "setup.py", ec) ? BuildKind::SetupPy : BuildKind::Pip;
    fs::path maps = m.work / "maps";
    fs::create_directories(maps);
    Command c;
    c.cwd = m.package_dir;
    c.output = m.log;
    c.env = spec.env;
    c.env["CC"] = command_string(capture, py.cc);
    c.env["CXX"] = command_string(capture, py.cxx);
    c.env["LDSHARED"] = command_string(capture, py.ldshared);
    c.env["LDCXXSHARED"] = command_string(capture, py.ldcxxshared.empty() ? py.ldshared : py.ldcxxshared);
    c.env[kCaptureLogEnv] = (m.work / "capture.jsonl").string();
    c.env[kCaptureMapDirEnv] = maps.string();
    c.env["PYTHONDONTWRITEBYTECODE"] = "1";
    if (!std::getenv("SOURCE_DATE_EPOCH") && !spec.env.count("SOURCE_DATE_EPOCH"))
        c.env["SOURCE_DATE_EPOCH"] = "315532800";
    // Keep the build directory out of the objects, so ids do not depend on it.
    std::string work = m.work.string();
    if (work.find_first_of(" \t\n'\"\\") == std::string::npos) {
        std::string prefix_map = "-ffile-prefix-map=" + work + "=/kmpack/" + spec.name;
        for (const char *var : {"CFLAGS", "CXXFLAGS"}) {
            const char *inherited = std::getenv(var);
            std::string flags = spec.env.count(var) ? spec.env.at(var) : inherited ? inherited : "";
            c.env[var] = flags.empty() ? prefix_map : flags + " " + prefix_map;
        }
    }
    if (kind == BuildKind::SetupPy) {
        report.say(spec.name + ": build (setup.py build)");
        c.argv = {py.executable, "setup.py", "build", "--build-lib", m.lib_dir.string(), "--build-temp",
                  (m.work / "temp").string()};
    } else {
        report.say(spec.name + ": build (pip wheel)");
        c.env["PIP_NO_INDEX"] = "1";
        c.env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1";
        c.argv = {py.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "--no-index",
                  "--wheel-dir", (m.work / "wheel").string(), "--", m.package_dir.string()};
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

// Every .so the build linked that belongs to the package, with its
// package-relative path.
std::vector<FoundSo> find_shared_objects(ModuleWork &m, size_t index, const std::vector<fs::path> &search_dirs) {
    auto records = read_capture_log(m.work / "capture.jsonl");
    auto links = reconstruct_links(records, m.work, search_dirs);
    // Files in the installed tree, by content, for builds that link elsewhere (pip).
    std::map<std::string, std::string> installed;
    std::error_code ec;
    if (fs::exists(m.lib_dir, ec))
        for (const auto &e : fs::recursive_directory_iterator(m.lib_dir))
            if (e.is_regular_file() && e.path().extension() == ".so")
                installed.emplace(md5_file(e.path()), relative_below(e.path(), m.lib_dir));
    std::vector<FoundSo> found;
    for (auto &link : links) {
        FoundSo f;
        f.module = index;
        if (!fs::exists(link.output, ec)) {
            m.notes.push_back(link.output.string() + ": linked but gone after the build; ignored");
            continue;
        }
        f.md5 = md5_file(link.output);
        if (is_within(link.output, m.lib_dir)) {
            f.rel_path = relative_below(link.output, m.lib_dir);
        } else if (auto it = installed.find(f.md5); it != installed.end()) {
            f.rel_path = it->second;
            link.output = m.lib_dir / it->second;
        } else {
            m.notes.push_back(link.output.string() + ": linked but not part of the installed package; ignored");
            continue;
        }
        bool skipped = false;
        for (const auto &pattern : m.spec->skip)
            skipped = skipped || glob_match(pattern, f.rel_path);
        if (skipped) {
            m.notes.push_back(f.rel_path + ": skipped (skip=)");
            continue;
        }
        f.link = std::move(link);
        found.push_back(std::move(f));
    }
    if (found.empty() && m.notes.empty())
        throw Error(m.spec->origin + ": the build of '" + m.spec->name +
                    "' linked no extension module (.so); kmpack is for packages with C/C++ extensions. Log: " +
                    m.log.string());
    return found;
}

nlohmann::json module_json(const ModuleWork &m, const fs::path &bdir, const std::vector<SoPlan> &plans) {
    nlohmann::json sos = nlohmann::json::array();
    for (const auto &p : plans) {
        nlohmann::json dirs = nlohmann::json::array(), archives = nlohmann::json::array();
        for (const auto &d : p.lib_dirs)
            dirs.push_back(d.string());
        for (const auto &a : p.system_archives)
            archives.push_back(a.string());
        fs::path stem = artifact_path(p, "");
        std::string artifacts = relative_below(stem, bdir);
        artifacts.pop_back(); // ".km." -> ".km"
        sos.push_back({{"path", p.rel_path},
                       {"id", p.id},
                       {"artifacts", artifacts},
                       {"exports", p.exports.size()},
                       {"renamed", p.symmap.size()},
                       {"libs", p.system_libs},
                       {"lib_dirs", dirs},
                       {"system_archives", archives},
                       {"cxx", p.cxx}});
    }
    return {{"name", m.spec->name},
            {"source", m.spec->source},
            {"lib_dir", relative_below(m.lib_dir, bdir)},
            {"log", relative_below(m.log, bdir)},
            {"notes", m.notes},
            {"shared_objects", sos}};
}

} // namespace

fs::path default_capture_tool() {
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path("kmpack-capture") : self.parent_path() / "kmpack-capture";
}

BuildResult run_build(const BuildOptions &options, std::ostream &out) {
    Reporter report(out);
    Manifest manifest = load_manifest(options.manifest);
    if (manifest.modules.empty())
        throw Error(options.manifest.string() + ": lists no modules");
    fs::path capture = options.capture_tool.empty() ? default_capture_tool() : options.capture_tool;
    std::error_code ec;
    if (!fs::exists(capture, ec))
        throw Error(capture.string() + ": the capture wrapper is missing (it is installed beside kmpack)");
    PythonInfo py = query_python(options.python);
    report.say("python: " + py.executable + " " + py.version + " (" + py.libpl.string() + ")");
    std::vector<fs::path> search_dirs = compiler_search_dirs(py.cc.at(0));

    fs::path bdir = fs::absolute(options.build_dir).lexically_normal();
    for (const auto &m : manifest.modules)
        if (m.kind == SourceKind::Directory && is_within(bdir, m.local_path))
            throw Error(m.origin + ": the build directory " + bdir.string() + " is inside the source of '" + m.name +
                        "', which is copied into it; choose another with -B");
    std::vector<ModuleWork> work(manifest.modules.size());
    for (size_t i = 0; i < work.size(); ++i) {
        ModuleWork &m = work[i];
        m.spec = &manifest.modules[i];
        m.work = bdir / "modules" / m.spec->name;
        m.lib_dir = m.work / "lib";
        m.log = m.work / "build.log";
    }

    // Sources and package builds, a module a job.
    parallel_for(work.size(), options.jobs, [&](size_t i) {
        ModuleWork &m = work[i];
        std::error_code rm;
        fs::remove_all(m.work, rm);
        fs::create_directories(m.work);
        write_file_atomic(m.log, "");
        report.say(m.spec->name + ": fetch " + m.spec->source);
        SystemRunner runner;
        m.package_dir = fetch_source(*m.spec, m.work / "src", runner, m.log);
        build_package(m, py, capture, report);
    });

    // Which .so files, and their ids (identical .so files get distinct ones).
    std::vector<FoundSo> found;
    for (size_t i = 0; i < work.size(); ++i) {
        auto f = find_shared_objects(work[i], i, search_dirs);
        for (auto &so : f)
            found.push_back(std::move(so));
    }
    std::vector<std::string> md5s, keys;
    for (const auto &f : found) {
        md5s.push_back(f.md5);
        keys.push_back(work[f.module].spec->name + "/" + f.rel_path);
    }
    std::vector<std::string> digests = choose_digests(md5s, keys);

    // Analysis, artifacts and renamed archives, a .so a job.
    std::vector<SoPlan> plans(found.size());
    parallel_for(found.size(), options.jobs, [&](size_t i) {
        const FoundSo &f = found[i];
        const ModuleWork &m = work[f.module];
        SoPlan plan = plan_shared_object(f.link, f.rel_path, m.work, f.md5, digests[i]);
        write_artifacts(plan);
        write_renamed_archive(plan);
        report.say(m.spec->name + ": " + plan.rel_path + ": " + std::to_string(plan.exports.size()) + " exports, " +
                   std::to_string(plan.symmap.size()) + " globals renamed, " + std::to_string(plan.inputs.size()) +
                   " objects");
        plan.inputs.clear(); // the object bytes are no longer needed
        plans[i] = std::move(plan);
    });

    BuildResult result;
    nlohmann::json modules = nlohmann::json::array();
    for (size_t i = 0; i < work.size(); ++i) {
        std::vector<SoPlan> mine;
        BuiltModule built{work[i].spec->name, {}};
        for (size_t k = 0; k < found.size(); ++k) {
            if (found[k].module != i)
                continue;
            mine.push_back(plans[k]);
            built.shared_objects.push_back({plans[k].rel_path, plans[k].id, plans[k].exports.size(), plans[k].symmap.size()});
        }
        for (const auto &note : work[i].notes)
            report.say(work[i].spec->name + ": note: " + note);
        modules.push_back(module_json(work[i], bdir, mine));
        result.modules.push_back(std::move(built));
    }
    nlohmann::json build = {{"kmpack_build", 1},
                            {"manifest", fs::absolute(options.manifest).lexically_normal().string()},
                            {"python",
                             {{"executable", py.executable},
                              {"version", py.version},
                              {"full_version", py.full_version},
                              {"libpl", py.libpl.string()},
                              {"library", py.library},
                              {"link_libs", py.link_libs},
                              {"stdlib", py.stdlib.string()}}},
                            {"modules", modules}};
    write_file_atomic(bdir / "kmpack-build.json", json_text(build));
    if (options.link) {
        LinkOptions link = options.link_options;
        link.jobs = options.jobs;
        result.link = link_python(bdir, link, out);
    }
    return result;
}

} // namespace kmpack
