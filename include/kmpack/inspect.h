// `kmpack inspect FILE`: what kmpack sees in a .so, .o, .a or base.km.json.
#pragma once

#include "kmpack/conventions.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

namespace kmpack {

// Describes `file` on `out`: as text for people, or as one JSON document.
// The kind is found from the content (ELF ET_DYN or ET_REL, "!<arch>\n", or
// JSON with "kmpack_artifact"); anything else is an Error naming the file.
void inspect_file(const std::filesystem::path &file, bool json, std::ostream &out);

// The data inspect_file prints: {"file", "kind", ...}, where kind is
// "shared-object", "object", "archive" or "kmpack-artifact".
nlohmann::json describe_file(const std::filesystem::path &file);


} // namespace kmpack
