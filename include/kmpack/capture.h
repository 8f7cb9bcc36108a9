// Capturing a package build: kmpack points CC, CXX and LDSHARED at the
// kmpack-capture wrapper, which runs the real tool (a compile through the
// launcher, launcher.h, when there is one) and appends one JSON line
// {cwd, argv, ...} per compiler call to a log: argv as the build passed it,
// never the launcher's. A build tool that takes a linker as one program path
// (cargo's per-target linker) is given a link named kCaptureLinkerName to
// the wrapper instead: the wrapper run by that name runs the compiler driver
// in kCaptureLinkerEnv.
#pragma once

#include "kmpack/conventions.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kmpack {

// Environment variables the wrapper reads.
inline constexpr const char *kCaptureLogEnv = "KMPACK_CAPTURE_LOG";    // the JSON-lines log
inline constexpr const char *kCaptureMapDirEnv = "KMPACK_CAPTURE_MAPS"; // where link maps go
inline constexpr const char *kCaptureLinkerEnv = "KMPACK_CAPTURE_LINKER"; // the driver, as a JSON array

// A build directory's move from where a module was built (`from`) to where
// it is now (`to`): applied to a path, or a text holding paths, it puts
// every path below `from` (whole components only: not "/a/kb2" for
// "/a/kb") below `to`.
struct DirectoryMove {
    std::string from, to;
    std::string operator()(const std::string &text) const;
};

struct CaptureRecord {
    std::filesystem::path cwd;
    std::vector<std::string> argv; // as the build passed it (real tool first)
    std::filesystem::path map;     // linker map written for a -shared link, or empty
    int exit_code = 0;
    // Set by rebase_capture_records(): what still names the old place
    // (response files' and linker maps' contents) is read through it.
    std::optional<DirectoryMove> moved = std::nullopt;
};

// Appends `record` as one line to `log`, atomically with respect to other
// wrapper processes appending at the same time.
void append_capture_record(const std::filesystem::path &log, const CaptureRecord &record);

// Reads a capture log. Errors name the log and the line.
std::vector<CaptureRecord> read_capture_log(const std::filesystem::path &log);

// The records of a build that ran in `from`, as if it had run in `to`
// (the build directory moved): every path below `from` in a record's
// directory, map and arguments (also inside "-I/..." and "-Wl,...") is
// put below `to`, and the move is kept in each record (`moved`).
void rebase_capture_records(std::vector<CaptureRecord> &records, const std::filesystem::path &from,
                            const std::filesystem::path &to);

// True when argv (a compiler driver call) links a shared object.
bool is_shared_link(const std::vector<std::string> &argv);

// The wrapper's main: argv[1] is the real tool, the rest its arguments; run
// as kCaptureLinkerName, the tool is kCaptureLinkerEnv's and every argument
// is its. Returns the real tool's exit status.
// rustc links from a temporary directory of a random name (TMPDIR/rustcXXXXXX:
// its symbols.o, version script, ...), which would make the capture log, and
// the artifacts read from it, differ from one build to the next. The files
// of each such directory `argv` names under `tmpdir` are copied into
// `tmpdir`/link-<the output's file name>, and the argv returned names those.
// Nothing changes when `tmpdir` is empty or no argument is below it.
std::vector<std::string> stable_rustc_temporaries(const std::vector<std::string> &argv,
                                                  const std::filesystem::path &tmpdir);

int capture_main(int argc, char **argv);

} // namespace kmpack
