#include "kmpack/digest.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"

#include <memory>
#include <openssl/evp.h>

namespace kmpack {

namespace {

using Context = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

Context md5_context() {
    Context ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1)
        throw Error("OpenSSL: MD5 is not available");
    return ctx;
}

void update(const Context &ctx, const void *data, size_t size) {
    if (EVP_DigestUpdate(ctx.get(), data, size) != 1)
        throw Error("OpenSSL: MD5 failed");
}

std::string finish_hex(const Context &ctx) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1)
        throw Error("OpenSSL: MD5 failed");
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

} // namespace

std::string md5_hex(std::string_view bytes) {
    Context ctx = md5_context();
    update(ctx, bytes.data(), bytes.size());
    return finish_hex(ctx);
}

// Streams the file through a small buffer: no copy of the whole file in memory.
std::string md5_file(const std::filesystem::path &path) {
    Context ctx = md5_context();
    read_file_chunks(path, 256 * 1024, [&](std::string_view piece) { update(ctx, piece.data(), piece.size()); });
    return finish_hex(ctx);
}

} // namespace kmpack
