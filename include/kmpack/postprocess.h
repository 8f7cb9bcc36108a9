// Stage 5 of `kmpack build`: for each discovered .so, unless its artifacts
// are current, read its objects' symbols, plan the renames, write the
// renamed archive and the artifacts, and the stamp last. Public so that the
// benchmark (bench/postprocess_bench.cpp) times exactly this.
#pragma once

#include "kmpack/assign_ids.h"
#include "kmpack/discover.h"
#include "kmpack/records.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace kmpack {

namespace fs = std::filesystem;

// Seconds each step of one .so's post-processing took.
struct PostprocessTimes {
    double plan = 0, archive = 0, artifacts = 0;
};

struct PostprocessedSo {
    bool renamed = false; // false: its artifacts were current, nothing was written
    std::string rel_path;
    size_t objects = 0, object_bytes = 0, globals = 0, exports = 0;
    PostprocessTimes times;
    std::vector<std::string> overrides; // SoPlan::overrides, when it was renamed now
    SoRecord summary; // so_summary() of its artifact record, written now or found current
};

// The artifact record of the .so at `so` when its artifacts are current:
// they describe this very file (`md5`) with this `digest`, were written by
// this kmpack, and are all there as they were written, the stamp made for
// `stamp` and each file's size and MD5 what the stamp recorded. Else
// nothing; when a file of a complete set is not as it was written (damaged
// in place, truncated, removed), `damage` (if given) says which and how.
std::optional<ArtifactRecord> current_artifacts(const fs::path &so, const std::string &md5, const std::string &digest,
                                                const std::string &stamp, std::string *damage = nullptr);

// Post-processes `so`, whose package is installed below `package_root`,
// unless `force` is false and its artifacts are current. `stamp` is its
// module's (IdAssignment::stamps); empty: the stamp is left as it is.
PostprocessedSo postprocess_so(const DiscoveredSo &so, const fs::path &package_root, const std::string &digest,
                               const std::map<fs::path, SiblingSo> &siblings, const std::string &stamp,
                               bool force = false);

} // namespace kmpack
