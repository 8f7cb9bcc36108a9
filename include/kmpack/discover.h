// Stage 3 of `kmpack build`: which .so files a package build produced, from
// every shared-object link the capture log records, matched to its place in
// the installed package.
#pragma once

#include "kmpack/link_inputs.h"
#include "kmpack/module_work.h"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// A .so left out: package-relative paths matching `glob`, noted as
// "<path>: left out: <why>", or "<path>: skipped (skip=)" when `why` is empty.
struct SkipRule {
    std::string glob;
    std::string why;
};

struct DiscoveredSo {
    fs::path linked_as;   // the output path of its link, as other link lines name it
    LinkInputs link;      // link.output: the file in the installed tree
    std::string rel_path; // package-relative
    std::string md5;
    size_t module = 0;    // index of its module in the build
};

// Every successful shared-object link the capture log of the module in
// `work` records, its paths moved along when the module was built in
// another directory (fetched from the module cache).
std::vector<LinkInputs> captured_links(const fs::path &work, const std::vector<fs::path> &search_dirs);

// The files below `work` that a later build's discovery and renaming read,
// relative to `work`: of its captured links, the outputs installed in
// `lib_dir` (by path or content), and all that renaming the .so files linked
// by `renamed` reads (link_files()). Of a build's working directories
// (ModuleLayout::scratch()), that is all the module cache keeps.
std::set<std::string> files_later_builds_read(const fs::path &work, const fs::path &lib_dir,
                                              const std::vector<const LinkInputs *> &renamed,
                                              const std::vector<fs::path> &search_dirs);

// Every .so linked in the build in `work` (its capture.jsonl) that belongs to
// the package installed in `lib_dir`, with its package-relative path. A
// build that links elsewhere (pip) is matched by content. Links that are gone,
// not installed, or match a `skip` rule (the first that matches says why)
// are left out, each with a line in `notes` saying why.
std::vector<DiscoveredSo> discover_shared_objects(const fs::path &work, const fs::path &lib_dir,
                                                       const std::vector<SkipRule> &skip,
                                                       const std::vector<fs::path> &search_dirs,
                                                       std::vector<std::string> &notes);

// The stage for module `index` of the build: its skip= rules (for the
// interpreter, CPython's default ones first), its notes in m.notes. Error
// when the build linked no extension module, or every one was left out
// other than by skip=.
std::vector<DiscoveredSo> discover_module(ModuleWork &m, size_t index, const std::vector<fs::path> &search_dirs);

// Two modules whose packages install the same package-relative .so (a fork
// under another name, say): python.km's registry holds one library per path.
struct PathClash {
    size_t first = 0, second = 0; // indices into `found`, first < second
};

// Every such pair of `found`, each later .so paired with the first of its path.
std::vector<PathClash> find_path_clashes(const std::vector<DiscoveredSo> &found);

// The error for a clash: both modules.txt lines, both names and the path.
std::string describe_clash(const PathClash &clash, const std::vector<DiscoveredSo> &found,
                           const std::vector<ModuleWork> &work);

// A file other than a .so that two modules install at the same path with
// different content (a pure package overwriting an extension package's
// __init__.py, say): python.km's lib/ holds one. The same content twice is
// no clash (the __init__.py of a pkg_resources-style namespace package).
struct FileClash {
    std::string path;             // package-relative
    size_t first = 0, second = 0; // indices into the modules, first < second
};

// Every such file of the modules' lib_dir trees (kmpack's artifacts,
// .so files and __pycache__ aside), each later one paired with the first.
std::vector<FileClash> find_file_clashes(const std::vector<ModuleWork> &work);

// The error for it: both modules.txt lines, both names and the path.
std::string describe_clash(const FileClash &clash, const std::vector<ModuleWork> &work);

} // namespace kmpack
