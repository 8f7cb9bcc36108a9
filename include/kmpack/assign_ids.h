// Stage 4 of `kmpack build`: the digest in each .so's ids (its MD5, unless
// two .so of the build are identical), the sibling .so files a link line may
// name, and each module's stamp.
#pragma once

#include "kmpack/discover.h"
#include "kmpack/rename_plan.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace kmpack {

// The digest each .so's ids use, given the md5 of every .so in the build and
// a key for each (module name and package-relative path): the md5 itself,
// or, for .so files with identical content, an md5 that also covers the key.
std::vector<std::string> choose_digests(const std::vector<std::string> &md5s, const std::vector<std::string> &keys);

struct IdAssignment {
    std::vector<std::string> digests;               // per discovered .so
    std::map<fs::path, SiblingSo> siblings;         // by the path link lines use
    std::vector<std::string> stamps;                // per module: this kmpack, and its .so files' digests
};

// For `found`, whose .so belong to the modules named `modules` (by index).
IdAssignment assign_ids(const std::vector<DiscoveredSo> &found, const std::vector<std::string> &modules);

} // namespace kmpack
