// A package's override of a system library's symbol: numpy's xerbla_,
// which reference LAPACK calls on a bad argument. Dynamically the LAPACK a
// module loads binds that call to the module's own definition (the module
// comes first in the lookup scope it was loaded with). In python.km the
// system library is linked once for everyone and the module's definition is
// renamed, so LAPACK would bind to its own. kmpack reproduces the dynamic
// binding per .so: the members of the library that reach the overridden
// symbol (directly, or by calling another member that does) are copied into
// the .so's own objects and renamed with them, so that its calls go to its
// copies and theirs to its definition. Another .so overriding the same
// symbol gets copies of its own: each keeps its behaviour (dynamically the
// first module loaded would win for both).
#pragma once

#include "kmpack/elf_symbols.h"
#include "kmpack/rename_plan.h"

#include <filesystem>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

struct OverrideCopies {
    std::vector<InputObject> members; // system archive members to add to the .so's objects, in archive order
    std::vector<std::string> notes;   // one per overridden symbol: what it made kmpack copy
};

// The copies for a .so made of `inputs` that exports `exports` and links the
// system libraries `libs` (-l names; with what their shared libraries need
// in turn, DT_NEEDED), whose static archives are on `search`. Only symbols
// the package's objects define and export count (a hidden definition does
// not override dynamically either); the C library, libm and the other
// implicit ones are never copied (the interpreter loaded them before any
// module, so dynamically a module cannot override them either). Empty when
// nothing is overridden.
OverrideCopies plan_overrides(const std::vector<InputObject> &inputs, const std::vector<ElfSymbol> &exports,
                              const std::vector<std::string> &libs, const std::vector<fs::path> &search);

} // namespace kmpack
