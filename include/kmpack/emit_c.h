// The generated `<base>.km.symbols.c`: the dlsym table of one .so and the
// constructor that registers it with the payload runtime (payload/include/km_dl.h).
#pragma once

#include "kmpack/rename_plan.h"

#include <string>

namespace kmpack {

// A C string literal holding `bytes` exactly (escapes quotes, backslashes,
// non-printable and non-ASCII bytes).
std::string c_string_literal(const std::string &bytes);

// The C source registering `plan`. Stable: the same plan gives the same bytes.
std::string emit_symbols_c(const SoPlan &plan);

// The C source registering the main program's table (KM_DL_MAIN_PROGRAM):
// `symbols` by name, for dlopen(NULL) and RTLD_DEFAULT; and the file names
// of the system libraries linked in ("libc.so.6"), which dlopen answers with
// the main program.
std::string emit_main_table_c(const std::vector<ElfSymbol> &symbols, const std::vector<std::string> &system_libs = {});

} // namespace kmpack
