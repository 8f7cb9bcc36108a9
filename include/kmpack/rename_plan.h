// What kmpack does to one .so: which objects it was made of, the id it gets,
// every global its objects define (all renamed: renamed_symbol()), the
// exports the dlsym table lists, and where constructors move.
#pragma once

#include "kmpack/conventions.h"
#include "kmpack/elf_symbols.h"
#include "kmpack/link_inputs.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// One relocatable object that went into the .so: a file, or an archive member.
struct InputObject {
    std::string display; // "build/temp/src/common.o" or "build/temp/libm.a(a.o)", package-relative
    fs::path path;       // the object file, or the archive holding it
    std::string member;  // the member name, for archive members
    std::string bytes;   // the object's content
    ObjectSymbols symbols;
};

struct ExportEntry {
    std::string name;   // as the .so exports it
    std::string target; // the symbol the table points at (renamed)
    SymbolKind kind = SymbolKind::NoType;
    SymbolBinding binding = SymbolBinding::Global;
    uint64_t size = 0;
    std::string origin; // the input that defines it (InputObject::display)
};

// A deferred constructor or destructor section after renaming.
struct DeferredSection {
    std::string section; // "km_init_<digest>", "km_init_<digest>_p00101", ...
    bool reverse = false; // legacy .ctors/.dtors
};

struct SoPlan {
    std::string rel_path;  // package-relative, e.g. "pkg/sub/mod.cpython-311-x86_64-linux-gnu.so"
    std::string file_name; // "mod.cpython-311-x86_64-linux-gnu.so"
    std::string base;      // the file name without ".so"
    std::string module;    // "mod": the file name up to its first '.', as a C identifier
    std::string md5;       // MD5 of the .so file
    std::string digest;    // the digest in ids: the md5, unless two .so of the build share it
    std::string id;        // "<module>_<digest>_km"
    fs::path so_path;      // absolute
    std::vector<InputObject> inputs;
    std::map<std::string, std::string> symmap;          // old -> new, every global defined
    std::map<std::string, std::string> imports;         // old -> new, references to a needed .so's exports
    std::vector<std::string> needed;                    // package-relative paths of .so files it links against
    std::map<std::string, std::string> section_renames; // old -> new
    std::vector<DeferredSection> init, fini;            // in the order ld lays them out
    std::vector<ExportEntry> exports;                   // the dlsym table, sorted by name
    std::vector<std::string> skipped_exports;           // exported but not listed, with the reason
    std::vector<std::string> system_libs;               // -l names for the final link
    std::vector<fs::path> system_archives;
    std::vector<fs::path> lib_dirs;
    std::vector<std::string> archives;       // the package's own archives it pulled from, package-relative
    std::vector<std::string> linker_options; // -Wl,... of its link
    std::vector<std::string> overrides;      // what its overrides of system-library symbols copied (plan_overrides)
    bool cxx = false;
};

// The id-friendly module name of a .so file name ("uri.cpython-311-...so" -> "uri").
std::string module_of(const std::string &file_name);

// The members (indices into `members`, in the order they are pulled) that
// a linker takes from an archive, or a group of them, for `objects` when no
// linker map says which: the ones that define a symbol still undefined,
// repeated until nothing changes.
std::vector<size_t> simulate_pulls(const std::vector<InputObject> &objects, const std::vector<InputObject> &members);

// Reads the inputs `link` names (objects, and the members it pulled from the
// package's archives), each with its symbols. Errors name the missing file.
std::vector<InputObject> collect_inputs(const LinkInputs &link, const fs::path &package_root);

// A link option as the artifacts record it: each path below `package_root`
// (the module's work directory, which differs from one build directory to
// the next), wherever it starts in the option (`-Wl,--version-script=/x/y`),
// made relative to it.
std::string recorded_option(const std::string &option, const fs::path &package_root);

// Another .so of the same build, as the link line of a .so names it.
struct SiblingSo {
    fs::path path;        // the file, to read its exports
    std::string rel_path; // package-relative
    std::string digest;
};

// Builds the plan for one .so: `rel_path` is its package-relative path, `md5`
// the md5 of the file and `digest` the one chosen for its ids. `siblings`
// (keyed by the path a link line uses) are the build's other .so files: a
// .so linked against one of them imports its renamed exports and needs it.
SoPlan plan_shared_object(const LinkInputs &link, const std::string &rel_path, const fs::path &package_root,
                          const std::string &md5, const std::string &digest,
                          const std::map<fs::path, SiblingSo> &siblings = {});

} // namespace kmpack
