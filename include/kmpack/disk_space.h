// Telling a full disk from other failures: the space free on a file system,
// the words kmpack says it in, and whether a failed write or command ran out
// of it, so that a full disk is reported as one (and not as a linker's crash).
#pragma once

#include "kmpack/error.h"
#include "kmpack/process.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// An Error that says the disk is full: its message ends in no_space_text().
class NoSpaceError : public Error {
public:
    using Error::Error;
};

// Bytes free to an unprivileged process (what df calls available) on the
// file system holding `path`, or its nearest existing ancestor; nothing
// when it cannot tell.
std::optional<uintmax_t> free_space(const fs::path &path);

// "no space left on device (DIR: 0.4 MB free); free some space there and run
// the command again". `free` nothing: "(DIR: free space unknown)"; with
// `needed`, "(DIR: 0.4 MB free, up to 89.6 MB needed)".
std::string no_space_text(const fs::path &dir, std::optional<uintmax_t> free, uintmax_t needed = 0);

// The same, measured now.
std::string no_space_text(const fs::path &dir);

// Of `dirs`, the one with the least space free now (the first when none can
// tell): where a command that wrote into several ran out.
fs::path fullest(const std::vector<fs::path> &dirs);

// The directory temporary files go to: $TMPDIR, else /tmp.
fs::path temp_dir();

// True for an errno, or an error code of the standard library's (generic or
// system category), that means the disk (or the user's quota) is full.
bool is_disk_full(int err);
bool is_disk_full(const std::error_code &ec);

// What a write of `file` that failed with `err` is: for a full disk a
// NoSpaceError, "FILE: cannot write: no space left on device (DIR: ...)",
// else an Error "FILE: WHAT: strerror(err)".
[[noreturn]] void throw_write_error(const fs::path &file, const std::string &what, int err);

// True when `output`, what a failed command printed, says it ran out of
// space: ENOSPC's or EDQUOT's message.
bool says_no_space(std::string_view output);

// True when the command, or a program it ran (a compiler driver runs the
// linker), was killed by SIGBUS, as a program writing a memory-mapped file
// (lld's output) is when the disk fills up under it.
bool killed_by_sigbus(const CommandResult &result, std::string_view output);

// Free space below which a SIGBUS counts as the disk filling up, whatever
// the command was expected to need.
inline constexpr uintmax_t kLowSpace = 16u << 20;

// Whether a command that ended with `result`, printing `output`, ran out of
// space where it writes, which had `free_before` bytes free before it ran
// and `free_after` when it had failed, and where it may need up to `needed`
// bytes: it says so, or it died of SIGBUS with less than
// max(needed, kLowSpace) free before or kLowSpace free after.
bool ran_out_of_space(const CommandResult &result, std::string_view output, std::optional<uintmax_t> free_before,
                      std::optional<uintmax_t> free_after, uintmax_t needed);

} // namespace kmpack
