// Getting a module's source into kmpack's work directory: a copy of a local
// directory, an extracted archive, or a git checkout. The user's files are
// never written.
#pragma once

#include "kmpack/manifest.h"
#include "kmpack/process.h"

#include <filesystem>

namespace kmpack {

// Extracts a .tar(.gz/.xz/.bz2) or .zip into `dest`, refusing (with an Error
// naming the entry) any entry that would land outside it: absolute paths,
// '..' components, and links pointing out.
void extract_archive(const std::filesystem::path &archive, const std::filesystem::path &dest);

// Puts the source of `module` into `dest` (which must not exist yet) and
// returns the directory holding its setup.py or pyproject.toml. Commands
// (git) run through `runner`, their output appended to `log`.
std::filesystem::path fetch_source(const ModuleSpec &module, const std::filesystem::path &dest,
                                   CommandRunner &runner, const std::filesystem::path &log);

} // namespace kmpack
