// `kmpack clean`: removing what a build made.
#pragma once

#include <filesystem>
#include <vector>

namespace kmpack {

// Removes the package builds, artifacts, runtime objects and logs of the
// build in `build_dir`, keeping dist/ (python.km and its tree); with `all`,
// the whole directory. Refuses a directory that is not a kmpack build (an
// empty one, or one that does not exist, has nothing to remove). Returns
// what was removed.
std::vector<std::filesystem::path> clean_build(const std::filesystem::path &build_dir, bool all);

} // namespace kmpack
