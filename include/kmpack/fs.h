// Small file-system helpers: whole-file reads and atomic writes.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// The whole file, or an Error naming it.
std::string read_file(const fs::path &path);

// Reads the file in pieces of at most `chunk` bytes, passing each to `use`
// in order: for digests of files too large to hold whole. Error naming the
// file when it cannot be read.
void read_file_chunks(const fs::path &path, size_t chunk, const std::function<void(std::string_view)> &use);

// The lines of `text` (split at '\n'; a final newline ends the last line
// rather than starting an empty one). The views point into `text`.
std::vector<std::string_view> split_lines(std::string_view text);

// "gcc -static" -> {"gcc", "-static"}: split on blanks (spaces, tabs,
// newlines), no quoting and no shell involved.
std::vector<std::string> split_words(std::string_view text);

// The last `lines` lines of a log file, each indented as "  | line\n", for
// error messages; empty when the file cannot be read.
std::string log_tail(const fs::path &log, size_t lines);

// Appends `text` to `path` in one write (O_APPEND), creating it when missing.
void append_file(const fs::path &path, std::string_view text);

// Writes `content` to a temporary file beside `path` and renames it into
// place, so a reader sees either the old file or the whole new one. The
// parent directory is created when missing.
void write_file_atomic(const fs::path &path, std::string_view content);

// A filesystem_error in kmpack's words, path first: libstdc++'s
// "filesystem error: cannot create directories: Not a directory
// [/etc/passwd/modules]" as "/etc/passwd/modules: cannot create
// directories: Not a directory"; a full disk as "FROM -> TO: cannot write:
// no space left on device (DIR: ...)" (disk_space.h).
std::string filesystem_error_text(const fs::filesystem_error &e);

// `path` relative to `build_dir` when it lies below it, else as it is.
fs::path in_build(const fs::path &path, const fs::path &build_dir);

// A size for people: "812 B", "35.2 MB" (powers of 1024, one decimal).
std::string size_text(uintmax_t bytes);

// `path` relative to `base`, as a '/'-separated string; Error when `path` is
// not below `base`.
std::string relative_below(const fs::path &path, const fs::path &base);

// True when `path` is `dir` or lies below it (lexically, both absolute).
bool is_within(const fs::path &path, const fs::path &dir);

// Copies a directory tree (files, directories, symbolic links as links),
// keeping each file's modification time.
void copy_tree(const fs::path &from, const fs::path &to);

// A temporary name beside `path`, unique within this process and host:
// ".<name>.tmp.<pid>.<n>".
fs::path temporary_sibling(const fs::path &path);

// The process id in a temporary_sibling() name; 0 when `file_name` is not one.
long temporary_owner(std::string_view file_name);

// Removes the temporary file `path` and what a tool writing it left beside
// it: lld writes "<path>.tmp<random>" and, killed by SIGBUS on a full disk,
// may leave it. Errors are ignored: this runs while another error unwinds.
void discard_temporary(const fs::path &path);

// Removes from `dir` (not below it) the temporaries, files or directories,
// whose process is gone: what a killed kmpack left. Those of live processes
// stay. Returns what it removed; a `dir` that does not exist has none.
std::vector<fs::path> remove_stale_temporaries(const fs::path &dir);

// An exclusive lock on a file (flock), held for the object's lifetime and
// released by the kernel even when the process is killed. When another
// process holds it: Error naming `what`, or with `wait`, waiting for it.
class FileLock {
public:
    FileLock(const fs::path &path, const std::string &what, bool wait = false);
    ~FileLock();
    FileLock(const FileLock &) = delete;
    FileLock &operator=(const FileLock &) = delete;

private:
    int fd_ = -1;
};

} // namespace kmpack
