// The shipped python.km is stripped; its debug information goes to a file
// of its own that gdb finds through the .gnu_debuglink section (as
// `objcopy --only-keep-debug`, `--strip-all` and `--add-gnu-debuglink` do,
// here with LLVM's ObjCopy library).
#pragma once

#include <cstdint>
#include <filesystem>

namespace kmpack {

namespace fs = std::filesystem;

// Writes the debug sections of the program at `program` into `debug_file`,
// then replaces `program` by a copy without symbols or debug sections that
// links to `debug_file` by name and CRC. Each file is written atomically.
void split_debug_info(const fs::path &program, const fs::path &debug_file);

} // namespace kmpack
