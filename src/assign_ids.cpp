#include "kmpack/assign_ids.h"

#include "kmpack/build_cache.h"
#include "kmpack/digest.h"

namespace kmpack {

std::vector<std::string> choose_digests(const std::vector<std::string> &md5s, const std::vector<std::string> &keys) {
    std::map<std::string, int> count;
    for (const auto &m : md5s)
        ++count[m];
    std::vector<std::string> out;
    for (size_t i = 0; i < md5s.size(); ++i)
        out.push_back(count[md5s[i]] > 1 ? md5_hex(md5s[i] + '\0' + keys[i]) : md5s[i]);
    return out;
}

IdAssignment assign_ids(const std::vector<DiscoveredSo> &found, const std::vector<std::string> &modules) {
    std::vector<std::string> md5s, keys;
    for (const auto &f : found) {
        md5s.push_back(f.md5);
        keys.push_back(modules.at(f.module) + "/" + f.rel_path);
    }
    IdAssignment ids;
    ids.digests = choose_digests(md5s, keys);
    for (size_t i = 0; i < found.size(); ++i)
        ids.siblings[found[i].linked_as] = {found[i].link.output, found[i].rel_path, ids.digests[i]};
    // A .so linked against another one depends on its digest: the module's
    // stamp holds them all.
    ids.stamps.assign(modules.size(), kmpack_identity() + "\n");
    for (size_t i = 0; i < found.size(); ++i)
        ids.stamps[found[i].module] += ids.digests[i] + "\n";
    return ids;
}

} // namespace kmpack
