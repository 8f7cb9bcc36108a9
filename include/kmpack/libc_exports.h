// All of libc and libm for dlopen(NULL), ctypes and cffi: the functions the
// shared libc.so.6 and libm.so.6 export under their default version (what a
// dynamic dlsym answers with) that the static libc.a and libm.a define. A
// static link keeps only the functions something calls; python.km's main
// table references these too, so the second link pulls them all in.
#pragma once

#include "kmpack/elf_symbols.h"

#include <filesystem>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// What --libc says: every function of libc and libm in python.km, or only
// those the program calls.
enum class LibcExports { All, Used };

const char *libc_exports_name(LibcExports choice);

// A shared library and its static archive, paired.
struct LibcPair {
    std::string shared; // "libc.so.6"
    std::string name;   // "c": lib<name>.a
};

// glibc's: libc.so.6 with libc.a, libm.so.6 with libm.a.
const std::vector<LibcPair> &libc_pairs();

// The static archives `path` stands for: itself, or, for a GNU ld script
// (glibc's libm.a is one: GROUP ( libm-2.36.a libmvec.a )), the archives
// its GROUP and INPUT name, by absolute path or found on `search` (-lNAME).
std::vector<fs::path> static_archive_files(const fs::path &path, const std::vector<fs::path> &search);

// The functions (and indirect functions) `shared` exports under a default
// version other than GLIBC_PRIVATE, by name, each once; `archives` the
// definitions to intersect with: every name they define, any member.
std::vector<ElfSymbol> exported_and_defined(const std::vector<VersionedSymbol> &shared,
                                            const std::vector<ElfSymbol> &archives);

// Every global definition of every member of `archives`, by name, each once
// (the first); members that are not ELF objects are passed over.
std::vector<ElfSymbol> archive_definitions(const std::vector<fs::path> &archives);

struct LibcExportTable {
    std::vector<ElfSymbol> functions; // sorted by name, each once
    std::vector<std::string> read;    // "libc.so.6 (/usr/lib/.../libc.so.6) with libc.a: 2120 functions"
    std::vector<std::string> missing; // "libc.so.6: not found in the library search path" (musl, say)
};

// The table for libc_pairs() found on `search` (the link's library search path).
LibcExportTable libc_export_table(const std::vector<fs::path> &search);

// Whether a linked program's symbols are those of a static glibc program
// (glibc's static start-up, __libc_setup_tls, is in it). Another C library
// (musl-gcc links musl's libc.a though the compiler's search path names
// glibc's) would not define glibc's functions: the table stays as linked.
bool linked_with_static_glibc(const std::vector<ElfSymbol> &program);

} // namespace kmpack
