// A full disk told from other failures, and said as one.
#include "kmpack/disk_space.h"
#include "kmpack/fs.h"
#include "test_util.h"

#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>

using namespace kmpack;
namespace fs = std::filesystem;

TEST_CASE("disk space: the words for a full disk name the directory and its free space") {
    CHECK(no_space_text("/b/dist", 0) ==
          "no space left on device (/b/dist: 0.0 MB free); free some space there and run the command again");
    CHECK(no_space_text("/b", uintmax_t(3) << 19) ==
          "no space left on device (/b: 1.5 MB free); free some space there and run the command again");
    CHECK(no_space_text("/b", std::nullopt) ==
          "no space left on device (/b: free space unknown); free some space there and run the command again");
    CHECK(no_space_text("/b", uintmax_t(1) << 20, uintmax_t(90) << 20) ==
          "no space left on device (/b: 1.0 MB free, up to 90.0 MB needed); free some space there and run the "
          "command again");
}

TEST_CASE("disk space: free space is measured on the nearest existing directory") {
    test::TempDir dir;
    std::optional<uintmax_t> here = free_space(dir.path());
    REQUIRE(here);
    std::optional<uintmax_t> below = free_space(dir / "not/made/yet");
    REQUIRE(below);
    // The same file system, measured twice: close, not equal (others write too).
    CHECK(*below / (64u << 20) == *here / (64u << 20));
    CHECK(fullest({dir.path()}) == dir.path());
    CHECK(fullest({}) == ".");
}

TEST_CASE("disk space: a failed command ran out of space when it says so, or died of SIGBUS short of space") {
    CommandResult failed{1, 0};
    const uintmax_t MB = 1u << 20;
    const char *gcc_ld_bus = "PLEASE submit a bug report to https://github.com/llvm/llvm-project/issues/\n"
                             "collect2: fatal error: ld terminated with signal 7 [Bus error]\n"
                             "compilation terminated.\n";
    // A write that failed says so, whatever the space now.
    CHECK(ran_out_of_space(failed, "as: out.o: No space left on device\n", 10 * MB, 10 * MB, 0));
    CHECK(ran_out_of_space(failed, "cp: error writing 'x': Disk quota exceeded\n", std::nullopt, std::nullopt, 0));
    // lld writes its output through a memory map: the full disk is a SIGBUS.
    CHECK(ran_out_of_space(failed, gcc_ld_bus, 19 * MB, 19 * MB, 90 * MB)); // less free than the link reads
    CHECK(ran_out_of_space(failed, gcc_ld_bus, 900 * MB, 2 * MB, 90 * MB));  // all but gone after it
    CHECK(ran_out_of_space(CommandResult{0, SIGBUS}, "", std::nullopt, 0, 0));
    CHECK(ran_out_of_space(failed, "clang: error: unable to execute command: Bus error\n", 1 * MB, 1 * MB, 0));
    // A SIGBUS with room to spare is the linker's own.
    CHECK_FALSE(ran_out_of_space(failed, gcc_ld_bus, 900 * MB, 900 * MB, 90 * MB));
    CHECK_FALSE(ran_out_of_space(failed, gcc_ld_bus, std::nullopt, std::nullopt, 90 * MB));
    // Other failures are not about space, however little is left.
    CHECK_FALSE(ran_out_of_space(failed, "undefined reference to `f'\n", 0, 0, 90 * MB));
    CHECK_FALSE(ran_out_of_space(CommandResult{0, SIGSEGV}, "Segmentation fault\n", 0, 0, 0));
    CHECK_FALSE(ran_out_of_space(CommandResult{0, 0}, "No space left on device\n", 0, 0, 0));
}

TEST_CASE("disk space: kmpack's own writes on a full disk name the file and say the disk is full") {
    CHECK(is_disk_full(ENOSPC));
    CHECK(is_disk_full(EDQUOT));
    CHECK_FALSE(is_disk_full(EACCES));
    CHECK(is_disk_full(std::error_code(ENOSPC, std::generic_category())));
    CHECK_FALSE(is_disk_full(std::error_code(ENOSPC, std::iostream_category())));

    CHECK_THROWS_AS(throw_write_error("/b/kmpack-build.json", "write failed", ENOSPC), NoSpaceError);
    CHECK_THROWS_WITH(throw_write_error("/b/kmpack-build.json", "write failed", ENOSPC),
                      Catch::StartsWith("/b/kmpack-build.json: cannot write: no space left on device (/b: ") &&
                          Catch::EndsWith("; free some space there and run the command again"));
    try {
        throw_write_error("/b/x", "write failed", EACCES);
    } catch (const NoSpaceError &) {
        FAIL("EACCES is not a full disk");
    } catch (const Error &e) {
        CHECK(std::string(e.what()) == "/b/x: write failed: Permission denied");
    }

    // The kernel's own ENOSPC: /dev/full, a device always full.
    CHECK_THROWS_AS(append_file("/dev/full", "a line\n"), NoSpaceError);
    CHECK_THROWS_WITH(append_file("/dev/full", "a line\n"),
                      Catch::StartsWith("/dev/full: cannot write: no space left on device (/dev: "));

    // What the standard library throws (fs::copy_file, create_directories).
    fs::filesystem_error copy("cannot copy file", "/b/src/m.py", "/mnt/dist/lib/m.py",
                              std::error_code(ENOSPC, std::generic_category()));
    CHECK_THAT(filesystem_error_text(copy),
               Catch::StartsWith("/b/src/m.py -> /mnt/dist/lib/m.py: cannot write: no space left on device "
                                 "(/mnt/dist/lib: "));
    fs::filesystem_error other("cannot create directories", "/etc/passwd/modules",
                               std::error_code(ENOTDIR, std::generic_category()));
    CHECK(filesystem_error_text(other) == "/etc/passwd/modules: cannot create directories: Not a directory");
}
