#include "kmpack/postprocess.h"

#include "kmpack/artifacts.h"
#include "kmpack/conventions.h"
#include "kmpack/fs.h"
#include "kmpack/records.h"
#include "kmpack/renamed_archive.h"

#include <chrono>

namespace kmpack {

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point from, Clock::time_point to) { return std::chrono::duration<double>(to - from).count(); }

} // namespace

std::optional<ArtifactRecord> current_artifacts(const fs::path &so, const std::string &md5, const std::string &digest,
                                                const std::string &stamp, std::string *damage) {
    fs::path stem = artifact_stem(so);
    std::optional<StampRecord> recorded = read_stamp(stem);
    if (!recorded || recorded->module != stamp)
        return std::nullopt; // incomplete, or made for other inputs: written again
    if (std::string damaged = damaged_artifact(stem, *recorded); !damaged.empty()) {
        if (damage)
            *damage = damaged;
        return std::nullopt;
    }
    try {
        auto record = load_record<ArtifactRecord>(artifact_path(so, Artifact::Record));
        if (record.md5 == md5 && record.digest == digest && record.kmpack_version == KMPACK_VERSION)
            return record;
    } catch (const Error &) {
        // unreadable or from another kmpack: write the set again
    }
    return std::nullopt;
}

PostprocessedSo postprocess_so(const DiscoveredSo &so, const fs::path &package_root, const std::string &digest,
                               const std::map<fs::path, SiblingSo> &siblings, const std::string &stamp,
                               bool force) {
    PostprocessedSo out;
    out.rel_path = so.rel_path;
    if (!force) {
        if (auto current = current_artifacts(so.link.output, so.md5, digest, stamp)) {
            out.summary = so_summary(*current);
            return out;
        }
    }
    auto t0 = Clock::now();
    SoPlan plan = plan_shared_object(so.link, so.rel_path, package_root, so.md5, digest, siblings);
    auto t1 = Clock::now();
    fs::path stamp_file = artifact_path(plan.so_path, Artifact::Stamp);
    std::error_code gone;
    if (!stamp.empty())
        fs::remove(stamp_file, gone); // the set is incomplete until rewritten
    write_renamed_archive(plan);
    auto t2 = Clock::now();
    out.summary = so_summary(write_artifacts(plan));
    // Last: which kmpack made the set, and that it is complete.
    if (!stamp.empty())
        write_stamp(plan.so_path, stamp);
    auto t3 = Clock::now();
    out.renamed = true;
    out.objects = plan.inputs.size();
    for (const auto &in : plan.inputs)
        out.object_bytes += in.bytes.size();
    out.globals = plan.symmap.size();
    out.exports = plan.exports.size();
    out.overrides = plan.overrides;
    out.times = {seconds(t0, t1), seconds(t1, t2), seconds(t2, t3)};
    return out;
}

} // namespace kmpack
