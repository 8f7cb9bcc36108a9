// Helpers shared by the unit tests: scratch directories and compiling C.
#pragma once

#include "kmpack/fs.h"
#include "kmpack/host.h"
#include "kmpack/process.h"
#include "kmpack/progress.h"

#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace kmpack::test {

// A fresh directory, removed when the test ends.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    const std::filesystem::path &path() const { return path_; }
    std::filesystem::path operator/(const std::string &name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

// Writes `source` to dir/name and compiles it with gcc and `flags`; returns the output path.
std::filesystem::path compile_c(const std::filesystem::path &dir, const std::string &name, const std::string &source,
                                const std::vector<std::string> &flags, const std::string &output);

// Runs argv and returns its stdout; fails the test (throws) on a non-zero exit.
std::string run(const std::vector<std::string> &argv, const std::filesystem::path &cwd = {});

// An ELF header and nothing else: class 64-bit, the given byte order and
// e_type (ET_REL 1, ET_EXEC 2, ET_DYN 3, ...).
std::string elf_header(bool big_endian, uint16_t type);

inline const std::filesystem::path source_dir() { return KMPACK_SOURCE_DIR; }

// The runner that starts real processes, for tests that run gcc or Python.
CommandRunner &system_runner();

// A Host running real commands, its status printed plainly into `out`.
struct SystemHost {
    std::ostringstream out;
    Progress progress{out, ProgressStyle::Plain, Verbosity::Normal, false};
    Host host{system_runner(), progress};
    operator Host &() { return host; }
};

} // namespace kmpack::test
