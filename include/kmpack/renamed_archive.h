// Renaming a .so's objects in-process (LLVM ObjCopy) and packing them into
// one deterministic archive, `<base>.km.lib.a`.
#pragma once

#include "kmpack/rename_plan.h"

#include <string>

namespace kmpack {

// `input`'s bytes with the plan's symbol and section renames applied.
std::string rename_object(const InputObject &input, const SoPlan &plan);

// The archive of every input of `plan`, renamed, in link order. Deterministic:
// no dates, owners or absolute paths; member names are "NNN-<file>.o".
std::string renamed_archive(const SoPlan &plan);

// Writes renamed_archive(plan) atomically to artifact_path(plan.so_path, Artifact::Archive).
void write_renamed_archive(const SoPlan &plan);

} // namespace kmpack
