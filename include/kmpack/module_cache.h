// The shared module cache: a module's finished work directory (its
// installed package with kmpack's artifacts beside each .so, its capture
// log, linker maps and record, and of its build tree the files its links
// read: objects, archives, response files) published under
// <cache>/modules/<key>/, keyed by the key that decides rebuilds
// (module_key()), and fetched into another build directory instead of
// building the module again. An entry is a tree and a manifest of every
// file's size and MD5; it is published by renaming a complete temporary
// directory into place and never written after, and every file is checked
// against the manifest as it is fetched. The same manifest vouches for a
// built interpreter in <cache>/interpreters/<key>.
#pragma once

#include "kmpack/digest.h"
#include "kmpack/status.h"

#include <atomic>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// Bumped when an entry's layout or manifest changes: an entry of another
// format is not read (a warning, the module built, the entry replaced).
inline constexpr int kModuleCacheFormat = 1;

// The manifest's file name, in an entry and in a built interpreter's directory.
inline constexpr const char *kCacheManifestName = "kmpack-cache.json";

// What an entry holds, as its manifest (kmpack-cache.json) says.
struct CacheManifest {
    int format = kModuleCacheFormat;
    std::string kmpack; // KMPACK_VERSION of the kmpack that wrote it
    std::string key;    // the key it is stored under
    std::map<std::string, Fingerprint> files; // relative path -> size and MD5
    std::map<std::string, std::string> links; // relative path -> symbolic link target
    std::vector<std::string> dirs;            // every directory, so empty ones come back too
};

// What of a tree an entry holds: everything but the relative paths in
// `leave_out`; below the directories in `scratch` (relative: a build's
// working directories), only the files in `needed` and the directories
// that lead to them.
struct TreeSelection {
    std::vector<std::string> leave_out;
    std::vector<std::string> scratch;
    std::set<std::string> needed;
};

// <cache>/modules/<key>.
fs::path module_cache_entry(const fs::path &cache_dir, const std::string &key);

// The key of an interpreter's shared standard modules with their artifacts
// (renamed by this kmpack): over `built` (what identifies the interpreter's
// build: its key and its manifest) and kmpack_identity().
std::string interpreter_modules_key(const std::string &built);

// Copies the tree `from` into `to` (which must not exist), file by file,
// and returns its manifest for `key`: each file's fingerprint taken from the
// bytes copied. What `selection` leaves out is not copied. Errors (a full
// disk: NoSpaceError words) name the file.
CacheManifest copy_tree_described(const fs::path &from, const fs::path &to, const std::string &key,
                                  const TreeSelection &selection = {});

// The manifest of the tree at `dir` as it is now, of what `selection` takes.
CacheManifest describe_tree(const fs::path &dir, const std::string &key, const TreeSelection &selection);

// Writes `manifest` to `file` atomically.
void write_cache_manifest(const fs::path &file, const CacheManifest &manifest);

// The manifest in `file`; Error naming it when it is missing or unreadable.
CacheManifest read_cache_manifest(const fs::path &file);

// Why the tree at `dir` is not what `manifest` for `key` says, in words
// ("lib/m.so: missing", "written in cache format 0, this kmpack reads 1");
// "" when every file is as listed.
std::string tree_mismatch(const fs::path &dir, const CacheManifest &manifest, const std::string &key);

// Publishes the tree `from` (what `selection` takes of it) as the entry
// `entry`: copied into a temporary directory beside it with its manifest,
// then renamed into place, so that a reader sees no entry or a whole one.
// False when another publisher's entry is there already (it stays, ours is
// discarded). Errors (a full disk, a directory not writable) leave nothing
// behind.
bool publish_entry(const fs::path &from, const fs::path &entry, const std::string &key,
                   const TreeSelection &selection = {});

// Copies the entry `entry` into `to` (replaced atomically by a temporary
// directory renamed into place), checking each file against the manifest as
// it is copied. Nothing when there is no entry; "" when fetched; else why
// the entry is bad (`to` is then left as it was).
std::optional<std::string> fetch_entry(const fs::path &entry, const fs::path &to, const std::string &key);

// Removes the entry: renamed aside first, so no reader sees it half-removed.
void discard_entry(const fs::path &entry);

// The module cache of one build: <cache>/modules, fetched from and stored
// into with one-line warnings for what goes wrong, never an error (the
// module is built instead, or not stored). Safe to use from parallel jobs.
class ModuleCache {
public:
    ModuleCache(const fs::path &cache_dir, Status &status);

    // Fetches the entry `key` into `to` for module `name`: true when
    // fetched. A bad entry is warned about and removed: false, so the
    // module is built and stored again.
    bool fetch(const std::string &name, const std::string &key, const fs::path &to);

    // Stores `from` (what `selection` takes of it) as the entry `key`
    // unless there is one. A cache directory that cannot be written is
    // warned about once, and nothing is stored after; a full disk is warned
    // about, and the build goes on.
    void store(const std::string &name, const std::string &key, const fs::path &from,
               const TreeSelection &selection = {});

    // Whether there is an entry `key` (complete: entries are published whole).
    bool holds(const std::string &key) const;

    // A one-line warning about the cache.
    void warn(const std::string &line) { status_.always(line); }

    const fs::path &dir() const { return dir_; }

private:
    fs::path dir_;
    Status &status_;
    std::atomic<bool> read_only_{false};
};

} // namespace kmpack
