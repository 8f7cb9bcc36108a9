// Where the default interpreter's CPython source comes from when modules.txt
// and --cpython name none: Debian's own (the upstream tarball its
// python3.X package is built from), fetched once with `apt-get source`
// into the per-user cache. apt-get source needs deb-src entries; kmpack
// derives them from the machine's deb entries, in a private apt
// configuration inside the cache, so neither the machine's apt setup nor
// any archive host written into kmpack is involved.
#pragma once

#include "kmpack/process.h"
#include "kmpack/status.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// One apt source entry, from either format.
struct AptSource {
    std::vector<std::string> types; // "deb", "deb-src"
    std::vector<std::string> uris;
    std::vector<std::string> suites;
    std::vector<std::string> components;
    std::string signed_by; // a keyring file, or ""
};

// The entries of a one-line sources.list ("deb [opts] URI SUITE COMP...").
std::vector<AptSource> parse_sources_list(const std::string &text);

// The entries of a deb822 .sources file (stanzas of "Field: value"); those
// with "Enabled: no" are left out.
std::vector<AptSource> parse_sources_deb822(const std::string &text);

// Every entry apt reads below `etc_apt` (sources.list, sources.list.d/*.list
// and *.sources), in apt's order.
std::vector<AptSource> read_apt_sources(const fs::path &etc_apt);

// A one-line sources.list with a deb-src line for each deb entry's suite
// (each once): what `apt-get source` needs.
std::string deb_src_list(const std::vector<AptSource> &sources);

// "3.11.2" from sys.version ("3.11.2 (main, ...) [GCC 12.2.0]").
std::string python_release(const std::string &full_version);

// The CPython source for --python's `release` of Python `version` ("3.11"):
// <cache>/sources/python<version>/python<version>_<release>.orig.tar.*,
// fetched first when it is not there. Error, naming the ways out (--cpython
// SRC, --stdlib=system), when it cannot be had.
fs::path default_cpython_source(const fs::path &cache_dir, const std::string &version, const std::string &release,
                                const fs::path &etc_apt, CommandRunner &runner, Status &status);

// The per-user cache: $KMPACK_CACHE_DIR, else $XDG_CACHE_HOME/kmpack, else
// $HOME/.cache/kmpack. Error when none of them is set.
fs::path default_cache_dir();

} // namespace kmpack
