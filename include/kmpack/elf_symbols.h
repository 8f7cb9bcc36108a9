// Reading ELF symbol tables with LLVM Object: the exports of a .so, the
// definitions and references of relocatable objects, and archive members.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace kmpack {

enum class SymbolKind { Function, Data, Tls, Ifunc, Common, NoType };
enum class SymbolBinding { Global, Weak, Unique };

const char *to_string(SymbolKind kind);
const char *to_string(SymbolBinding binding);

struct ElfSymbol {
    std::string name;
    SymbolKind kind = SymbolKind::NoType;
    SymbolBinding binding = SymbolBinding::Global;
    uint64_t size = 0;
    bool hidden = false; // STV_HIDDEN or STV_INTERNAL
};

struct ObjectSymbols {
    std::vector<ElfSymbol> defined;     // every non-local definition, any visibility, commons too
    std::vector<std::string> undefined; // references to symbols defined elsewhere
    std::vector<std::string> weak_undefined; // the weak ones among them (they pull no archive member)
    std::vector<std::string> sections;  // section names, in section order
    uint16_t machine = 0;               // e_machine
};

struct SharedObjectSymbols {
    std::vector<ElfSymbol> exports; // defined global/weak/unique entries of .dynsym, by name
    uint16_t machine = 0;
};

// Exports of a shared object. Error names the file when it is not an ELF
// shared object.
SharedObjectSymbols read_shared_object(const std::filesystem::path &path);

// One .dynsym definition with its symbol version.
struct VersionedSymbol {
    ElfSymbol symbol;
    std::string version;         // "GLIBC_2.2.5"; empty when unversioned
    bool default_version = true; // name@@version (what dlsym without a version answers), not name@version
};

// Every defined .dynsym entry of a shared object with its version, in
// symbol table order. Error names the file when it is not a shared object.
std::vector<VersionedSymbol> read_versioned_exports(const std::filesystem::path &path);

// Symbols of one relocatable object held in `bytes`; `name` is used in errors.
ObjectSymbols read_object(std::string_view bytes, const std::string &name);

// The global functions and data a linked program defines (.symtab), by name,
// each once: what dlopen(NULL) and RTLD_DEFAULT can answer.
std::vector<ElfSymbol> read_program_symbols(const std::filesystem::path &path);

// The DT_SONAME of a 64-bit little-endian ELF shared object ("libssl.so.3");
// empty when it has none or is not one (a linker script such as glibc's
// libc.so, say). Never throws.
std::string read_soname(const std::filesystem::path &path);

// The DT_NEEDED entries of such a shared object ("libgfortran.so.5", ...),
// in order; empty when it has none or is not one. Never throws.
std::vector<std::string> read_needed(const std::filesystem::path &path);

struct ArchiveMember {
    std::string name;
    std::string bytes;
};

// The members of a static archive, in order.
std::vector<ArchiveMember> read_archive(const std::filesystem::path &path);

// Calls `use(name, bytes)` for each member of a static archive, in order,
// without copying it (the file is mapped; `bytes` lives only for the call).
void for_each_archive_member(const std::filesystem::path &path,
                             const std::function<void(const std::string &, std::string_view)> &use);

// The e_machine of the first little-endian ELF member of a static archive;
// 0 when it has none or is not an archive. Never throws.
uint16_t archive_machine(const std::filesystem::path &path);

// The name of an ELF machine number, for messages ("x86-64", "AArch64", ...).
std::string machine_name(uint16_t machine);

} // namespace kmpack
