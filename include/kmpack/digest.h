// MD5 digests (OpenSSL EVP), used for the ids of pre-linked libraries, and
// the fingerprints (size and MD5) kmpack records of the files it reuses.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace kmpack {

// Lower-case hex MD5 of `bytes`.
std::string md5_hex(std::string_view bytes);

// Lower-case hex MD5 of a file's content; Error naming the file when unreadable.
std::string md5_file(const std::filesystem::path &path);

// MD5 of bytes given in pieces: for a file read once for its copy and its digest.
class Md5Stream {
public:
    Md5Stream();
    ~Md5Stream();
    Md5Stream(const Md5Stream &) = delete;
    Md5Stream &operator=(const Md5Stream &) = delete;
    void update(std::string_view bytes);
    std::string hex(); // lower-case hex; the stream is finished
private:
    void *ctx_;
};

// What kmpack records of a file it will trust on a later run, so that the
// run can tell it is still the file kmpack wrote.
struct Fingerprint {
    uintmax_t size = 0;
    std::string md5;
    bool operator==(const Fingerprint &) const = default;
};

// The fingerprint of `bytes` as written to a file.
Fingerprint fingerprint_of(std::string_view bytes);

// The file's fingerprint; Error naming the file when it cannot be read.
Fingerprint fingerprint(const std::filesystem::path &path);

// How the file at `path` differs from `recorded`, in words: "missing",
// "damaged since kmpack wrote it (1200 bytes, 1234 when written)", "damaged
// since kmpack wrote it (same size, another MD5)"; "" when it matches. A
// file of another size is not read.
std::string fingerprint_mismatch(const std::filesystem::path &path, const Fingerprint &recorded);

} // namespace kmpack
