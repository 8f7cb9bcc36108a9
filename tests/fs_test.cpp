#include "kmpack/digest.h"
#include "kmpack/error.h"
#include "kmpack/fs.h"
#include "test_util.h"

#include <catch2/catch.hpp>
#include <unistd.h>

using namespace kmpack;
using kmpack::test::TempDir;

TEST_CASE("fs: read_file_chunks passes the file in order, in pieces of at most the chunk size") {
    TempDir dir;
    write_file_atomic(dir / "f", "0123456789");
    std::vector<std::string> pieces;
    read_file_chunks(dir / "f", 3, [&](std::string_view p) { pieces.emplace_back(p); });
    CHECK(pieces == std::vector<std::string>{"012", "345", "678", "9"});

    write_file_atomic(dir / "empty", "");
    size_t calls = 0;
    read_file_chunks(dir / "empty", 3, [&](std::string_view) { ++calls; });
    CHECK(calls == 0);

    CHECK_THROWS_WITH(read_file_chunks(dir / "missing", 3, [](std::string_view) {}),
                      Catch::StartsWith((dir / "missing").string() + ": cannot open: "));
}

TEST_CASE("digest: md5_file streams to the same digest as md5_hex of the whole file") {
    TempDir dir;
    write_file_atomic(dir / "abc", "abc");
    CHECK(md5_file(dir / "abc") == "900150983cd24fb0d6963f7d28e17f72");
    std::string big(600 * 1024 + 7, 'x'); // more than one 256 KiB piece
    for (size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<char>(i * 131 % 251);
    write_file_atomic(dir / "big", big);
    CHECK(md5_file(dir / "big") == md5_hex(big));
    CHECK(read_file(dir / "big") == big);
}

TEST_CASE("fs: the temporaries of a dead process are removed, those of a live one stay") {
    test::TempDir dir;
    // No process has a pid over pid_max (at most 2^22 on Linux).
    const std::string dead = "2147480000";
    const std::string alive = std::to_string(::getpid());
    write_file_atomic(dir / (".python.km.tmp." + dead + ".0"), "half a link");
    std::filesystem::create_directories(dir / (".lib.tmp." + dead + ".3/pkg"));
    write_file_atomic(dir / (".lib.tmp." + dead + ".3/pkg/m.py"), "");
    write_file_atomic(dir / (".python.km.tmp." + alive + ".1"), "this run's");
    // lld's own temporary beside the output it was writing, left when it died.
    write_file_atomic(dir / (".python.km.tmp." + dead + ".2.tmp6a4f545"), "half of lld's output");
    for (const char *keep : {"python.km", ".python.km.tmp.x.1", ".tmp.5.1", "a.tmp.2147480000.0", ".b.tmp.2147480000."})
        write_file_atomic(dir / keep, "");
    CHECK(temporary_owner(".python.km.tmp." + dead + ".0") == 2147480000L);
    CHECK(temporary_owner(".python.km.tmp.x.1") == 0);
    CHECK(temporary_owner("python.km") == 0);
    CHECK(remove_stale_temporaries(dir.path()) ==
          std::vector<std::filesystem::path>{dir / (".lib.tmp." + dead + ".3"), dir / (".python.km.tmp." + dead + ".0"),
                                             dir / (".python.km.tmp." + dead + ".2.tmp6a4f545")});
    CHECK(std::filesystem::exists(dir / (".python.km.tmp." + alive + ".1")));
    for (const char *keep : {"python.km", ".python.km.tmp.x.1", ".tmp.5.1", "a.tmp.2147480000.0", ".b.tmp.2147480000."})
        CHECK(std::filesystem::exists(dir / keep));
    CHECK(remove_stale_temporaries(dir / "missing").empty());
}

TEST_CASE("fs: a discarded temporary goes with what the linker writing it left beside it") {
    test::TempDir dir;
    std::filesystem::path temporary = dir / ".python.km.tmp.7.0";
    write_file_atomic(temporary, "half a link");
    write_file_atomic(dir / ".python.km.tmp.7.0.tmpA1b2C3d", "lld's");
    write_file_atomic(dir / ".python.km.tmp.7.1", "another link's");
    write_file_atomic(dir / "python.km", "the last good one");
    discard_temporary(temporary);
    CHECK_FALSE(std::filesystem::exists(temporary));
    CHECK_FALSE(std::filesystem::exists(dir / ".python.km.tmp.7.0.tmpA1b2C3d"));
    CHECK(std::filesystem::exists(dir / ".python.km.tmp.7.1"));
    CHECK(std::filesystem::exists(dir / "python.km"));
    discard_temporary(dir / "missing" / "x"); // nothing there: no error
}

namespace {

// Bytes overwritten in place, as a bad disk or a stray write leaves them.
void overwrite_in_place(const std::filesystem::path &file, size_t at, size_t count) {
    std::string bytes = read_file(file);
    REQUIRE(at + count <= bytes.size());
    bytes.replace(at, count, std::string(count, '\xcc'));
    write_file_atomic(file, bytes);
}

} // namespace

TEST_CASE("digest: a fingerprint tells a file changed in place, truncated or gone from the one written") {
    TempDir dir;
    std::string bytes(5000, 'a');
    write_file_atomic(dir / "f", bytes);
    Fingerprint written = fingerprint_of(bytes);
    CHECK(written.size == 5000);
    CHECK(fingerprint(dir / "f") == written);
    CHECK(fingerprint_mismatch(dir / "f", written) == "");

    overwrite_in_place(dir / "f", 100, 16); // same size, other bytes
    CHECK(fingerprint(dir / "f").size == 5000);
    CHECK(fingerprint_mismatch(dir / "f", written) == "damaged since kmpack wrote it (same size, another MD5)");

    write_file_atomic(dir / "f", "");
    CHECK(fingerprint_mismatch(dir / "f", written) == "damaged since kmpack wrote it (0 bytes, 5000 when written)");
    std::filesystem::remove(dir / "f");
    CHECK(fingerprint_mismatch(dir / "f", written) == "missing");
    CHECK_THROWS_WITH(fingerprint(dir / "f"), Catch::StartsWith((dir / "f").string() + ": cannot read: "));
}

TEST_CASE("fs: split_words splits on any blank, no quoting") {
    CHECK(split_words("gcc -static") == std::vector<std::string>{"gcc", "-static"});
    CHECK(split_words("  ccache\t\n distcc  ") == std::vector<std::string>{"ccache", "distcc"});
    CHECK(split_words("'a b'") == std::vector<std::string>{"'a", "b'"});
    CHECK(split_words("").empty());
    CHECK(split_words(" \t\n").empty());
}
