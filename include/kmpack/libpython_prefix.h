// CPython compiles its configure prefix into libpython (Modules/getpath.o:
// PREFIX and EXEC_PREFIX, the last fallback when no landmark is found). For
// an interpreter built into kmpack's cache that is a path of the build
// machine, which python.km must not carry. After the interpreter's build,
// its getpath.o is compiled again with the captured command and a neutral
// prefix, and replaces the member of the installed libpython3.X.a that
// python.km links; the installed interpreter, which builds the packages,
// keeps its own.
#pragma once

#include "kmpack/capture.h"
#include "kmpack/process.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// The prefix python.km's libpython falls back on: CPython's default one.
inline constexpr const char *kNeutralPrefix = "/usr/local";

// The captured compile of Modules/getpath.o with PREFIX and EXEC_PREFIX set
// to kNeutralPrefix and its output to `object`; nothing when `records`
// holds no such compile.
std::optional<CaptureRecord> neutral_getpath_compile(const std::vector<CaptureRecord> &records, const fs::path &object);

// Replaces the member named `object`'s file name in the archive `archive`
// by `object` (atomically, deterministic archive). Error when it has none.
void replace_archive_member(const fs::path &archive, const fs::path &object);

// Both, for the CPython built in `source_dir` whose capture log is
// `capture_log`, into `libpython`: the compile through `launcher` (empty:
// none), its output into `log`.
void neutralize_libpython_prefix(const fs::path &capture_log, const fs::path &source_dir, const fs::path &libpython,
                                 const std::vector<std::string> &launcher, CommandRunner &runner,
                                 const fs::path &log);

} // namespace kmpack
