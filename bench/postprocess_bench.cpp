// Times kmpack's post-processing alone: everything `kmpack build` does after
// the packages' own builds, on module work directories that `kmpack build`
// already produced (<build-dir>/modules/<name>/: capture.jsonl, the objects
// and the .so files).
//
// The sequence is the one of run_build() in src/pipeline.cpp, with the same
// discover_shared_objects(): per module read_capture_log -> reconstruct_links -> md5 of
// the installed and linked .so files -> package-relative paths; then
// choose_digests over the whole build and the map of sibling .so files; then,
// a .so a job on `jobs` threads (parallel_for), plan_shared_object,
// write_renamed_archive, write_artifacts. The artifacts are rewritten in
// place (kmpack's output is deterministic, so they come out byte-identical).
// Not part of it: run_build's up-to-date check (artifacts_current: this
// measures the full work, as on a first build), the tiny .km.stamp file (its
// content is internal to pipeline.cpp; it is left as kmpack wrote it),
// kmpack-build.json and the final link.
//
// Untimed, before the clock starts: the interpreter's sysconfig and the
// compiler's search directories (run_build gets them once, before any
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
#include "kmpack/archive.h"
#include "kmpack/artifacts.h"
#include "kmpack/capture.h"
#include "kmpack/digest.h"
#include "kmpack/discover.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/link_graph.h"
#include "kmpack/parallel.h"
#include "kmpack/python_info.h"
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

struct FoundSo : kmpack::FoundSharedObject {
    size_t module = 0;
};

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// The discovery of src/pipeline.cpp (no skip= globs: the inputs have none).
std::vector<FoundSo> find_shared_objects(const fs::path &work, size_t index,
                                         const std::vector<fs::path> &search_dirs) {
    std::vector<std::string> notes;
    std::vector<FoundSo> found;
    for (auto &so : discover_shared_objects(work, work / "lib", {}, search_dirs, notes))
        found.push_back({std::move(so), index});
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
    PythonInfo py = query_python(python);
    std::vector<fs::path> search_dirs = compiler_search_dirs(py.cc.at(0));
    long rss_before = peak_rss_kb();

    double cpu0 = cpu_seconds();
    auto t0 = Clock::now();
    std::vector<FoundSo> found;
    for (size_t i = 0; i < modules.size(); ++i) {
        auto f = find_shared_objects(modules[i], i, search_dirs);
        for (auto &so : f)
            found.push_back(std::move(so));
    }
    std::vector<std::string> md5s, keys;
    for (const auto &f : found) {
        md5s.push_back(f.md5);
        keys.push_back(modules[f.module].filename().string() + "/" + f.rel_path);
    }
    std::vector<std::string> digests = choose_digests(md5s, keys);
    std::map<fs::path, SiblingSo> siblings;
    for (size_t i = 0; i < found.size(); ++i)
        siblings[found[i].linked_as] = {found[i].link.output, found[i].rel_path, digests[i]};
    double discover = seconds_since(t0);

    if (!dump_dir.empty()) {
        // The inputs of every .so, for the baseline script: fields
        //   SO  OUT_STEM  then per input: "o" PATH | "m" ARCHIVE MEMBER
        fs::create_directories(dump_dir);
        for (size_t i = 0; i < found.size(); ++i) {
            const FoundSo &f = found[i];
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
        const FoundSo &f = found[i];
        auto a = Clock::now();
        SoPlan plan = plan_shared_object(f.link, f.rel_path, modules[f.module], f.md5, digests[i], siblings);
        auto b = Clock::now();
        write_renamed_archive(plan);
        auto c = Clock::now();
        write_artifacts(plan);
        auto d = Clock::now();
        auto ns = [](auto x, auto y) {
            return std::chrono::duration_cast<std::chrono::nanoseconds>(y - x).count();
        };
        t_plan += ns(a, b);
        t_archive += ns(b, c);
        t_artifacts += ns(c, d);
        objects += plan.inputs.size();
        renamed += plan.symmap.size();
        exports += plan.exports.size();
        size_t bytes = 0;
        for (const auto &in : plan.inputs)
            bytes += in.bytes.size();
        object_bytes += bytes;
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
