// Times kmpack's post-processing alone: everything `kmpack build` does after
// the packages' own builds, on module work directories that `kmpack build`
// already produced (<build-dir>/modules/<name>/: capture.jsonl, the objects
// and the .so files).
//
// It runs the build's own stages (src/pipeline.cpp): discover_shared_objects
// per module (discover.h), assign_ids over the whole build (assign_ids.h),
// then, a .so a job on `jobs` threads (parallel_for), postprocess_so
// (postprocess.h) with force set: the full work, as on a first build. The
// artifacts are rewritten in place (kmpack's output is deterministic, so they
// come out byte-identical); the .km.stamp files are left as kmpack wrote
// them, and kmpack-build.json and the final link are not part of it.
//
// Untimed, before the clock starts: the interpreter's sysconfig and the
// compiler's search directories (the build gets them once, before any
// package is built).
//
// Usage:
//   postprocess_bench [--python PY] [-j N] MODULE_DIR...
//       runs once and prints one JSON line: seconds (wall), cpu_seconds (user
//       + system, all threads), peak RSS, counts, and the per-phase thread
//       time (wall time inside each step, summed over the jobs).
//   postprocess_bench [--python PY] --dump-baseline DIR MODULE_DIR...
//       runs nothing timed; writes DIR/NNNN.args per .so for
//       bench/baseline_postprocess.sh (NUL-separated fields, see there).
#include "kmpack/allocator.h"
#include "kmpack/assign_ids.h"
#include "kmpack/capture.h"
#include "kmpack/digest.h"
#include "kmpack/discover.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/link_inputs.h"
#include "kmpack/parallel.h"
#include "kmpack/python_info.h"
#include "kmpack/postprocess.h"
#include "kmpack/rename_plan.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <thread>

namespace {

using namespace kmpack;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Discovery as the build does it (no skip= globs: the inputs have none).
std::vector<DiscoveredSo> discover_module_dir(const fs::path &work, size_t index, const std::vector<fs::path> &search_dirs) {
    std::vector<std::string> notes;
    auto found = discover_shared_objects(work, work / "lib", {}, search_dirs, notes);
    for (auto &so : found)
        so.module = index;
    return found;
}

long peak_rss_kb() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

// User + system CPU time of every thread of the process so far.
double cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// One NUL-terminated field.
void field(std::ostream &out, const std::string &s) { out << s << '\0'; }

int run(int argc, char **argv) {
    std::string python = "/usr/bin/python3";
    unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    fs::path dump_dir;
    std::vector<fs::path> modules;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--python" && i + 1 < argc)
            python = argv[++i];
        else if (a == "-j" && i + 1 < argc)
            jobs = static_cast<unsigned>(std::stoul(argv[++i]));
        else if (a == "--dump-baseline" && i + 1 < argc)
            dump_dir = argv[++i];
        else if (!a.empty() && a[0] == '-')
            throw Error("unknown option " + a + "\nusage: postprocess_bench [--python PY] [-j N] "
                        "[--dump-baseline DIR] MODULE_DIR...");
        else
            modules.push_back(fs::absolute(a).lexically_normal());
    }
    if (modules.empty())
        throw Error("usage: postprocess_bench [--python PY] [-j N] [--dump-baseline DIR] MODULE_DIR...");

    // Untimed: run_build knows these before any package is built.
    SystemRunner runner;
    PythonInfo py = query_python(runner, python);
    std::vector<fs::path> search_dirs = compiler_search_dirs(runner, py.cc.at(0));
    long rss_before = peak_rss_kb();

    double cpu0 = cpu_seconds();
    auto t0 = Clock::now();
    std::vector<DiscoveredSo> found;
    std::vector<std::string> names;
    for (size_t i = 0; i < modules.size(); ++i) {
        names.push_back(modules[i].filename().string());
        for (auto &so : discover_module_dir(modules[i], i, search_dirs))
            found.push_back(std::move(so));
    }
    IdAssignment ids = assign_ids(found, names);
    const auto &digests = ids.digests;
    const auto &siblings = ids.siblings;
    double discover = seconds_since(t0);

    if (!dump_dir.empty()) {
        // The inputs of every .so, for the baseline script: fields
        //   SO  OUT_STEM  then per input: "o" PATH | "m" ARCHIVE MEMBER
        fs::create_directories(dump_dir);
        for (size_t i = 0; i < found.size(); ++i) {
            const DiscoveredSo &f = found[i];
            SoPlan plan = plan_shared_object(f.link, f.rel_path, modules[f.module], f.md5, digests[i], siblings);
            char name[32];
            std::snprintf(name, sizeof name, "%04zu.args", i);
            std::ofstream out(dump_dir / name, std::ios::binary);
            field(out, plan.so_path.string());
            field(out, modules[f.module].filename().string() + "/" + plan.rel_path);
            for (const auto &in : plan.inputs) {
                if (in.member.empty()) {
                    field(out, "o");
                    field(out, in.path.string());
                } else {
                    field(out, "m");
                    field(out, in.path.string());
                    field(out, in.member);
                }
            }
        }
        std::cout << nlohmann::json({{"dumped", found.size()}, {"dir", dump_dir.string()}}).dump() << "\n";
        return 0;
    }

    // Thread time per phase, summed over the jobs (nanoseconds).
    std::atomic<long long> t_plan{0}, t_archive{0}, t_artifacts{0};
    std::atomic<size_t> objects{0}, renamed{0}, exports{0}, object_bytes{0};
    auto t1 = Clock::now();
    parallel_for(found.size(), jobs, [&](size_t i) {
        const DiscoveredSo &f = found[i];
        PostprocessedSo done = postprocess_so(f, modules[f.module], digests[i], siblings, "", true);
        auto ns = [](double seconds) { return static_cast<long long>(seconds * 1e9); };
        t_plan += ns(done.times.plan);
        t_archive += ns(done.times.archive);
        t_artifacts += ns(done.times.artifacts);
        objects += done.objects;
        renamed += done.globals;
        exports += done.exports;
        object_bytes += done.object_bytes;
    });
    double per_so = seconds_since(t1);
    double total = seconds_since(t0);
    double cpu = cpu_seconds() - cpu0;

    nlohmann::json result = {{"seconds", total},
                             {"cpu_seconds", cpu},
                             {"discover_seconds", discover},
                             {"per_so_seconds", per_so},
                             {"thread_seconds",
                              {{"plan_shared_object", t_plan.load() / 1e9},
                               {"write_renamed_archive", t_archive.load() / 1e9},
                               {"write_artifacts", t_artifacts.load() / 1e9}}},
                             {"jobs", jobs},
                             {"modules", modules.size()},
                             {"shared_objects", found.size()},
                             {"objects", objects.load()},
                             {"object_bytes", object_bytes.load()},
                             {"renamed_globals", renamed.load()},
                             {"exports", exports.load()},
                             {"maxrss_kb", peak_rss_kb()},
                             {"maxrss_kb_before", rss_before}};
    std::cout << result.dump() << "\n";
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    kmpack::keep_freed_memory(); // as kmpack's main does
    try {
        return run(argc, argv);
    } catch (const std::exception &e) {
        std::cerr << "postprocess_bench: " << e.what() << "\n";
        return 1;
    }
}
