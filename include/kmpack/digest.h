// MD5 digests (OpenSSL EVP), used for the ids of pre-linked libraries.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace kmpack {

// Lower-case hex MD5 of `bytes`.
std::string md5_hex(std::string_view bytes);

// Lower-case hex MD5 of a file's content; Error naming the file when unreadable.
std::string md5_file(const std::filesystem::path &path);

} // namespace kmpack
