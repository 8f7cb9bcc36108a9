#include "kmpack/module_cache.h"

#include "kmpack/build_cache.h"
#include "kmpack/disk_space.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "kmpack/records.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace kmpack {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CacheManifest, format, kmpack, key, files, links, dirs)

namespace {

// The tree of an entry, beside its manifest.
fs::path entry_tree(const fs::path &entry) { return entry / "tree"; }

// Copies the regular file `from` to `to` (created, with `from`'s
// permission bits) and returns the fingerprint of the bytes copied; nothing
// when `from` cannot be opened. Write errors throw, naming `to`.
std::optional<Fingerprint> copy_fingerprinted(const fs::path &from, const fs::path &to) {
    int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return std::nullopt;
    struct stat st {};
    ::fstat(in, &st);
    int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 0777);
    if (out < 0) {
        int e = errno;
        ::close(in);
        throw_write_error(to, "cannot create", e);
    }
    Md5Stream md5;
    uintmax_t size = 0;
    std::vector<char> buf(256 * 1024);
    int read_error = 0, write_error = 0;
    while (true) {
        ssize_t n = ::read(in, buf.data(), buf.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            read_error = errno;
        if (n <= 0)
            break;
        md5.update(std::string_view(buf.data(), static_cast<size_t>(n)));
        size += static_cast<uintmax_t>(n);
        for (const char *p = buf.data(), *end = p + n; p < end && write_error == 0;) {
            ssize_t w = ::write(out, p, static_cast<size_t>(end - p));
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                write_error = errno;
            else
                p += w;
        }
        if (write_error != 0)
            break;
    }
    ::close(in);
    if (::close(out) != 0 && write_error == 0)
        write_error = errno;
    if (write_error != 0)
        throw_write_error(to, "cannot write", write_error);
    if (read_error != 0)
        return std::nullopt;
    return Fingerprint{size, md5.hex()};
}

// What `selection` does with the entry at `rel`.
enum class Take { All, Part, Nothing };

bool below(const std::string &rel, const std::string &dir) {
    return rel.size() > dir.size() && rel.compare(0, dir.size(), dir) == 0 && rel[dir.size()] == '/';
}

Take taken(const std::string &rel, bool directory, const TreeSelection &selection) {
    if (std::find(selection.leave_out.begin(), selection.leave_out.end(), rel) != selection.leave_out.end())
        return Take::Nothing;
    for (const auto &scratch : selection.scratch) {
        if (rel != scratch && !below(rel, scratch))
            continue;
        if (!directory)
            return selection.needed.count(rel) ? Take::All : Take::Nothing;
        // A directory that leads to a file needed.
        auto next = selection.needed.lower_bound(rel + "/");
        return next != selection.needed.end() && below(*next, rel) ? Take::Part : Take::Nothing;
    }
    return Take::All;
}

// Walks `dir`: directories, symbolic links and regular files, by relative
// path; a killed kmpack's temporaries and what `selection` leaves out are
// left out.
template <class Dir, class Link, class File>
void walk_tree(const fs::path &dir, const TreeSelection &selection, Dir on_dir, Link on_link, File on_file) {
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
        std::string rel = relative_below(it->path(), dir);
        bool directory = !it->is_symlink() && it->is_directory();
        if (temporary_owner(it->path().filename().string()) > 0 || taken(rel, directory, selection) == Take::Nothing) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_symlink())
            on_link(rel, it->path());
        else if (directory)
            on_dir(rel, it->path());
        else if (it->is_regular_file())
            on_file(rel, it->path());
    }
}

CacheManifest empty_manifest(const std::string &key) {
    CacheManifest m;
    m.kmpack = KMPACK_VERSION;
    m.key = key;
    return m;
}

bool already_there(const std::error_code &ec) {
    return ec == std::errc::directory_not_empty || ec == std::errc::file_exists;
}

} // namespace

fs::path module_cache_entry(const fs::path &cache_dir, const std::string &key) {
    return cache_dir / "modules" / key;
}

std::string interpreter_modules_key(const std::string &built) {
    return md5_hex("interpreter shared modules\n" + built + "\n" + kmpack_identity());
}

void write_cache_manifest(const fs::path &file, const CacheManifest &manifest) {
    write_file_atomic(file, json_text(nlohmann::json(manifest)));
}

CacheManifest copy_tree_described(const fs::path &from, const fs::path &to, const std::string &key,
                                  const TreeSelection &selection) {
    CacheManifest m = empty_manifest(key);
    fs::create_directories(to);
    walk_tree(
        from, selection,
        [&](const std::string &rel, const fs::path &) {
            fs::create_directory(to / rel);
            m.dirs.push_back(rel);
        },
        [&](const std::string &rel, const fs::path &path) {
            fs::path target = fs::read_symlink(path);
            fs::create_symlink(target, to / rel);
            m.links[rel] = target.string();
        },
        [&](const std::string &rel, const fs::path &path) {
            auto copied = copy_fingerprinted(path, to / rel);
            if (!copied)
                throw Error(path.string() + ": cannot read");
            m.files[rel] = *copied;
        });
    std::sort(m.dirs.begin(), m.dirs.end());
    return m;
}

CacheManifest describe_tree(const fs::path &dir, const std::string &key, const TreeSelection &selection) {
    CacheManifest m = empty_manifest(key);
    walk_tree(
        dir, selection, [&](const std::string &rel, const fs::path &) { m.dirs.push_back(rel); },
        [&](const std::string &rel, const fs::path &path) { m.links[rel] = fs::read_symlink(path).string(); },
        [&](const std::string &rel, const fs::path &path) { m.files[rel] = fingerprint(path); });
    std::sort(m.dirs.begin(), m.dirs.end());
    return m;
}

CacheManifest read_cache_manifest(const fs::path &file) {
    std::error_code ec;
    if (!fs::exists(file, ec))
        throw Error(file.string() + ": missing");
    // The format first: another format's fields may not parse.
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(read_file(file));
    } catch (const nlohmann::json::exception &e) {
        throw Error(file.string() + ": not a manifest (" + e.what() + ")");
    }
    if (!j.is_object() || !j.contains("format") || !j["format"].is_number_integer())
        throw Error(file.string() + ": not a manifest (no format)");
    if (int format = j["format"].get<int>(); format != kModuleCacheFormat)
        throw Error(file.string() + ": written in cache format " + std::to_string(format) + " (kmpack " +
                    j.value("kmpack", std::string("?")) + "); this kmpack reads format " +
                    std::to_string(kModuleCacheFormat));
    return load_record<CacheManifest>(file);
}

std::string tree_mismatch(const fs::path &dir, const CacheManifest &manifest, const std::string &key) {
    if (manifest.format != kModuleCacheFormat)
        return "written in cache format " + std::to_string(manifest.format) + ", this kmpack reads format " +
               std::to_string(kModuleCacheFormat);
    if (manifest.key != key)
        return "its manifest is for the key " + manifest.key + ", not " + key;
    std::error_code ec;
    for (const auto &rel : manifest.dirs)
        if (!fs::is_directory(dir / rel, ec))
            return (dir / rel).string() + ": missing";
    for (const auto &[rel, target] : manifest.links)
        if (fs::read_symlink(dir / rel, ec) != fs::path(target) || ec)
            return (dir / rel).string() + ": missing, or not the link it was";
    for (const auto &[rel, recorded] : manifest.files)
        if (std::string why = fingerprint_mismatch(dir / rel, recorded); !why.empty())
            return (dir / rel).string() + ": " + why;
    return "";
}

bool publish_entry(const fs::path &from, const fs::path &entry, const std::string &key,
                   const TreeSelection &selection) {
    fs::create_directories(entry.parent_path());
    fs::path tmp = temporary_sibling(entry);
    try {
        fs::create_directory(tmp);
        CacheManifest manifest = copy_tree_described(from, entry_tree(tmp), key, selection);
        // Written last: a temporary directory with a manifest is complete.
        write_cache_manifest(tmp / kCacheManifestName, manifest);
        std::error_code ec;
        fs::rename(tmp, entry, ec);
        if (ec) {
            if (!already_there(ec))
                throw fs::filesystem_error("cannot publish", tmp, entry, ec);
            fs::remove_all(tmp, ec); // another publisher's entry is there: it stays
            return false;
        }
        return true;
    } catch (...) {
        std::error_code ec;
        fs::remove_all(tmp, ec);
        throw;
    }
}

std::optional<std::string> fetch_entry(const fs::path &entry, const fs::path &to, const std::string &key) {
    std::error_code ec;
    if (!fs::exists(entry, ec))
        return std::nullopt;
    CacheManifest manifest;
    try {
        manifest = read_cache_manifest(entry / kCacheManifestName);
    } catch (const Error &e) {
        return std::string(e.what());
    }
    if (manifest.key != key)
        return (entry / kCacheManifestName).string() + ": for the key " + manifest.key + ", not " + key;
    fs::path tree = entry_tree(entry);
    fs::create_directories(to.parent_path());
    fs::path staging = temporary_sibling(to);
    std::string bad;
    try {
        fs::create_directories(staging);
        for (const auto &rel : manifest.dirs)
            fs::create_directories(staging / rel);
        for (const auto &[rel, target] : manifest.links) {
            fs::create_directories((staging / rel).parent_path());
            fs::create_symlink(target, staging / rel);
        }
        for (const auto &[rel, recorded] : manifest.files) {
            fs::path file = tree / rel;
            uintmax_t size = fs::file_size(file, ec);
            if (ec) {
                bad = file.string() + ": missing";
                break;
            }
            if (size != recorded.size) {
                bad = file.string() + ": " + std::to_string(size) + " bytes, " + std::to_string(recorded.size) +
                      " when stored";
                break;
            }
            fs::create_directories((staging / rel).parent_path());
            auto copied = copy_fingerprinted(file, staging / rel);
            if (!copied) {
                bad = file.string() + ": unreadable";
                break;
            }
            if (*copied != recorded) {
                bad = file.string() + ": another MD5 than when stored";
                break;
            }
        }
    } catch (...) {
        fs::remove_all(staging, ec);
        throw;
    }
    if (!bad.empty()) {
        fs::remove_all(staging, ec);
        return bad;
    }
    fs::remove_all(to, ec);
    fs::rename(staging, to);
    return "";
}

void discard_entry(const fs::path &entry) {
    fs::path aside = temporary_sibling(entry);
    std::error_code ec;
    fs::rename(entry, aside, ec);
    if (!ec)
        fs::remove_all(aside, ec);
}

ModuleCache::ModuleCache(const fs::path &cache_dir, Status &status) : dir_(cache_dir / "modules"), status_(status) {
    try {
        for (const fs::path &stale : remove_stale_temporaries(dir_))
            status_.note("removed " + stale.string() + ", left by a kmpack that was killed", true);
    } catch (const Error &) {
        // Not ours to clean (another user's shared cache): it stays.
    }
}

bool ModuleCache::fetch(const std::string &name, const std::string &key, const fs::path &to) {
    fs::path entry = dir_ / key;
    std::optional<std::string> bad = fetch_entry(entry, to, key);
    if (!bad)
        return false;
    if (bad->empty())
        return true;
    status_.always(name + ": warning: the module cache's entry " + entry.string() + " is bad (" + *bad +
                 "); building " + name + " and storing it again");
    discard_entry(entry);
    return false;
}

bool ModuleCache::holds(const std::string &key) const {
    std::error_code ec;
    return fs::exists(dir_ / key, ec);
}

void ModuleCache::store(const std::string &name, const std::string &key, const fs::path &from,
                        const TreeSelection &selection) {
    if (read_only_)
        return;
    fs::path entry = dir_ / key;
    std::error_code ec;
    if (fs::exists(entry, ec))
        return;
    std::string why;
    try {
        fs::create_directories(dir_, ec);
        if (ec || ::access(dir_.c_str(), W_OK) != 0) {
            if (!read_only_.exchange(true))
                status_.always("warning: the module cache " + dir_.string() + " cannot be written (" +
                             (ec ? ec.message() : std::string(std::strerror(errno))) +
                             "): modules are built, not stored (see --cache-dir, --no-module-cache)");
            return;
        }
        publish_entry(from, entry, key, selection);
        return;
    } catch (const fs::filesystem_error &e) {
        why = filesystem_error_text(e);
    } catch (const Error &e) {
        why = e.what();
    }
    status_.always(name + ": warning: not stored in the module cache: " + why);
}

} // namespace kmpack
