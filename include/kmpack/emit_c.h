// The generated C linked into python.km: each .so's `<base>.km.symbols.c`
// (its dlsym table and the constructor that registers it with the payload
// runtime, payload/include/km_dl.h), the main program's table, and in
// built-in mode the table of built-in modules.
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

// An extension module linked as a built-in module (--mode=builtin): its entry
// in the table of built-in modules.
struct InittabEntry {
    std::string name; // its full dotted name, the inittab key: "pkg.sub.mod"
    std::string id;   // its library's registry id: "mod_<md5>_km"
    std::string init; // its renamed init function: "PyInit_mod_<md5>_km"
};

// The C source adding `modules` to the interpreter's table of built-in
// modules (PyImport_ExtendInittab, from a constructor: before Py_Initialize).
// Each entry's init function opens its library with km_dl_open_id (needed
// libraries and constructors, as a dlopen would), then calls the renamed
// PyInit with CPython's package context set to the full name, as the
// extension loader does. `python_version` ("3.11") picks the interpreter's
// private way of setting that context. Stable: the same input, the same bytes.
std::string emit_inittab_c(const std::vector<InittabEntry> &modules, const std::string &python_version);

} // namespace kmpack
