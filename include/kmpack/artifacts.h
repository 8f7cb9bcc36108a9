// The files kmpack writes beside each .so (conventions.h names them):
// <base>.km.json (the ArtifactRecord), <base>.km.symmap (objcopy
// --redefine-syms format) and <base>.km.symbols.c; and <base>.km.stamp,
// written after them and the renamed archive, which vouches for the set.
#pragma once

#include "kmpack/conventions.h"
#include "kmpack/records.h"
#include "kmpack/rename_plan.h"

#include <filesystem>
#include <optional>
#include <string>

namespace kmpack {

// The metadata of a plan, as written to <base>.km.json. Paths of inputs are
// package-relative so the file does not depend on where the build ran.
ArtifactRecord artifact_record(const SoPlan &plan);

// "old new\n" per renamed symbol, sorted by old name.
std::string symmap_text(const SoPlan &plan);

// Writes the three files atomically, the .km.json last: its presence says
// the others are complete. Returns the record written.
ArtifactRecord write_artifacts(const SoPlan &plan);

// The artifacts a stamp vouches for: every one but the stamp and
// .km.symbols.o, which each link compiles anew.
inline constexpr Artifact kStamped[] = {Artifact::Record, Artifact::Symmap, Artifact::SymbolsC, Artifact::Archive};

// Writes the stamp of the .so at `so`, last: `module` (its module's stamp,
// IdAssignment::stamps) and the fingerprint of each kStamped file as it is now.
void write_stamp(const std::filesystem::path &so, const std::string &module);

// The stamp of the set at `stem` (artifact_stem()); nothing when it is
// missing or not one this kmpack reads (the set is incomplete, or an
// earlier kmpack's).
std::optional<StampRecord> read_stamp(const std::filesystem::path &stem);

// The first kStamped file of the set at `stem` that is not as `stamp`
// recorded it, and how: "DIR/m.km.lib.a: damaged since kmpack wrote it
// (same size, another MD5)"; "" when every one is. Hashes each file (its
// size first): a few milliseconds per megabyte.
std::string damaged_artifact(const std::filesystem::path &stem, const StampRecord &stamp);

} // namespace kmpack
