// The files kmpack writes beside each .so (conventions.h names them):
// <base>.km.json (the ArtifactRecord), <base>.km.symmap (objcopy
// --redefine-syms format) and <base>.km.symbols.c.
#pragma once

#include "kmpack/records.h"
#include "kmpack/rename_plan.h"

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

} // namespace kmpack
