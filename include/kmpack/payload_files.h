// The payload runtime's C sources, embedded in kmpack at build time.
#pragma once

#include <string_view>
#include <vector>

namespace kmpack {

struct EmbeddedFile {
    std::string_view name;    // "km_dl.c", "km_dl.h", ...
    std::string_view content;
};

const std::vector<EmbeddedFile> &payload_files();

} // namespace kmpack
