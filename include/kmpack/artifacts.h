// The files kmpack writes beside each .so: <base>.km.json (metadata),
// <base>.km.symmap (objcopy --redefine-syms format) and <base>.km.symbols.c.
#pragma once

#include "kmpack/rename_plan.h"

#include <nlohmann/json.hpp>
#include <string>

namespace kmpack {

// The metadata of a plan, as written to <base>.km.json. Paths of inputs are
// package-relative so the file does not depend on where the build ran.
nlohmann::json plan_json(const SoPlan &plan);

// "old new\n" per renamed symbol, sorted by old name.
std::string symmap_text(const SoPlan &plan);

// Where the artifacts of a plan go: beside the .so, "<dir>/<base>.km.<what>".
std::filesystem::path artifact_path(const SoPlan &plan, const std::string &what);

// Writes the three files atomically.
void write_artifacts(const SoPlan &plan);

// A JSON document as kmpack writes it: two-space indent, sorted keys, newline.
std::string json_text(const nlohmann::json &j);

} // namespace kmpack
