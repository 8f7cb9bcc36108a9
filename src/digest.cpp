#include "kmpack/digest.h"

#include "kmpack/error.h"
#include "kmpack/fs.h"

#include <memory>
#include <openssl/evp.h>
#include <system_error>

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

Md5Stream::Md5Stream() : ctx_(md5_context().release()) {}

Md5Stream::~Md5Stream() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX *>(ctx_)); }

void Md5Stream::update(std::string_view bytes) {
    if (EVP_DigestUpdate(static_cast<EVP_MD_CTX *>(ctx_), bytes.data(), bytes.size()) != 1)
        throw Error("OpenSSL: MD5 failed");
}

std::string Md5Stream::hex() {
    Context ctx(static_cast<EVP_MD_CTX *>(ctx_), EVP_MD_CTX_free);
    ctx_ = nullptr;
    std::string out = finish_hex(ctx);
    ctx_ = ctx.release();
    return out;
}

Fingerprint fingerprint_of(std::string_view bytes) { return {bytes.size(), md5_hex(bytes)}; }

Fingerprint fingerprint(const std::filesystem::path &path) {
    std::error_code ec;
    uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec)
        throw Error(path.string() + ": cannot read: " + ec.message());
    return {size, md5_file(path)};
}

std::string fingerprint_mismatch(const std::filesystem::path &path, const Fingerprint &recorded) {
    std::error_code ec;
    uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec)
        return std::filesystem::exists(path, ec) ? "unreadable (" + ec.message() + ")" : "missing";
    if (size != recorded.size)
        return "damaged since kmpack wrote it (" + std::to_string(size) + " bytes, " + std::to_string(recorded.size) +
               " when written)";
    std::string md5;
    try {
        md5 = md5_file(path);
    } catch (const Error &e) {
        return std::string("unreadable (") + e.what() + ")";
    }
    return md5 == recorded.md5 ? "" : "damaged since kmpack wrote it (same size, another MD5)";
}

} // namespace kmpack
