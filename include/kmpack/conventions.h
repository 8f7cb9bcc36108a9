// The names kmpack gives things, each written here once and used by every
// reader and writer: the files beside a .so, the layout of a build
// directory, the renamed-symbol and library-id form, the constructor
// sections, and the states of a module.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// ---- The files kmpack writes beside each .so: "<dir>/<base>.km.<what>",
// where <base> is the .so's file name without ".so".
enum class Artifact {
    Record,   // .km.json: the metadata (ArtifactRecord)
    Symmap,   // .km.symmap: "old new" per renamed global
    SymbolsC, // .km.symbols.c: the dlsym table and the registering constructor
    SymbolsO, // .km.symbols.o: that, compiled by the link
    Archive,  // .km.lib.a: the renamed objects
    Stamp,    // .km.stamp: written last; says the set is complete, and by which kmpack
};

// Every artifact, in the order a set is checked.
inline constexpr Artifact kArtifacts[] = {Artifact::Record,   Artifact::Symmap,  Artifact::SymbolsC,
                                          Artifact::SymbolsO, Artifact::Archive, Artifact::Stamp};

// ".km.json", ".km.symmap", ...
std::string_view artifact_suffix(Artifact what);

// "<dir>/<base>.km" for the .so at `so`: what the build record stores.
fs::path artifact_stem(const fs::path &so);

// One artifact, from the .so's path or from its stem.
fs::path artifact_path(const fs::path &so, Artifact what);
fs::path artifact_at(const fs::path &stem, Artifact what);

// The file beside a placeholder .so in the run-time tree naming its library id.
fs::path placeholder_id_path(const fs::path &so);

// True for a file name kmpack writes beside a .so, or a temporary file a
// killed run left (a temporary_sibling() name): none belongs in the run-time tree.
bool is_artifact_name(std::string_view file_name);

// ---- A build directory (-B).
struct BuildLayout {
    fs::path root;
    fs::path record() const { return root / "kmpack-build.json"; } // BuildRecord
    fs::path lock() const { return root / ".kmpack.lock"; }
    fs::path modules() const { return root / "modules"; }
    fs::path module(const std::string &name) const { return modules() / name; }
    fs::path payload() const { return root / "payload"; } // the runtime's sources and objects, per link
    fs::path link_key() const { return root / "link.key"; }
    fs::path link_log() const { return root / "link.log"; }
    fs::path dist() const { return root / "dist"; }
};

// What `kmpack clean` removes without --all (dist/ stays).
inline constexpr const char *kCleanableEntries[] = {"modules", "payload", "kmpack-build.json", "link.log",
                                                    "link.key"};

// What the output directory keeps for debugging and re-linking python.km,
// not for shipping, in its .debug directory (where gdb looks for a
// .gnu_debuglink file): python.km's debug information, split off, and the
// link line. Both name the build machine's paths.
inline fs::path debug_dir(const fs::path &out_dir) { return out_dir / ".debug"; }
inline fs::path debug_info_path(const fs::path &out_dir) { return debug_dir(out_dir) / "python.km.debug"; }
inline fs::path link_line_path(const fs::path &out_dir) { return debug_dir(out_dir) / "python.km.linkline"; }

// One module's work directory, <build-dir>/modules/<name>.
// The capture wrapper's name as a linker (a link to kmpack-capture in the
// module's directory; capture.h): a C compiler driver's, as rustc infers the
// gcc flavour from "-gcc".
inline constexpr const char *kCaptureLinkerName = "kmpack-link-gcc";

struct ModuleLayout {
    fs::path work;
    fs::path source() const { return work / "src"; }            // the fetched source
    fs::path lib() const { return work / "lib"; }               // the installed package
    fs::path log() const { return work / "build.log"; }
    fs::path capture_log() const { return work / "capture.jsonl"; }
    fs::path maps() const { return work / "maps"; }             // linker maps of its links
    fs::path temp() const { return work / "temp"; }             // setup.py --build-temp
    fs::path wheel() const { return work / "wheel"; }           // pip wheel --wheel-dir
    fs::path meson_build() const { return work / "meson-build"; }
    fs::path install() const { return work / "install"; }       // an interpreter's prefix
    fs::path cargo_config() const { return work / ".cargo" / "config.toml"; } // above the source: cargo finds it
    fs::path rust_linker() const { return work / ".cargo" / kCaptureLinkerName; } // -> kmpack-capture
    fs::path rust_temp() const { return work / "rust-temp"; }   // rustc's temporaries (TMPDIR)
    fs::path record() const { return work / "kmpack-module.json"; } // ModuleBuildRecord
    // A build's working directories: the source with its build tree, and
    // the build tools' own. Once built, a later build (and the module
    // cache) needs of them only what its links read (files_later_builds_read()).
    std::vector<fs::path> scratch() const { return {source(), temp(), wheel(), meson_build(), rust_temp()}; }
};

// ---- Renamed globals and library ids: "<name>_<digest>_km", where the
// digest is 32 lower-case hex digits (an MD5).
inline constexpr size_t kDigestLength = 32;

// The renamed form of `symbol` in the .so whose digest is `digest`.
std::string renamed_symbol(std::string_view symbol, std::string_view digest);

// The registry id of a .so: "<module>_<digest>_km" (module: module_of()).
std::string library_id(std::string_view module, std::string_view digest);

struct RenamedName {
    std::string original;
    std::string digest;
};

// `name` split into its original name and digest when it has kmpack's form.
std::optional<RenamedName> split_renamed(std::string_view name);

inline bool is_renamed(std::string_view name) { return split_renamed(name).has_value(); }

// ---- Constructor and destructor sections. An object's `.init_array[.N]`,
// `.fini_array[.N]`, `.ctors[.N]` and `.dtors[.N]` are renamed to
// "km_<init|fini|ctors|dtors>_<digest>[_pNNNNN]", a C identifier, so the
// linker defines __start_/__stop_ symbols for them and the runtime runs them
// at the first dlopen, as a dynamic loader would.
enum class CtorKind { Init, Fini, Ctors, Dtors };

struct CtorSection {
    CtorKind kind = CtorKind::Init;
    int priority = -1; // -1: none. For .ctors.N/.dtors.N, 65535 - N, as ld orders them.
    bool runs_at_open() const { return kind == CtorKind::Init || kind == CtorKind::Ctors; }
    bool legacy() const { return kind == CtorKind::Ctors || kind == CtorKind::Dtors; }
};

// The class of an ELF section ld treats as constructors or destructors;
// nothing for any other section.
std::optional<CtorSection> parse_ctor_section(std::string_view name);

// The ELF name of such a section (".init_array.00101", ".ctors.65434").
std::string ctor_section_name(const CtorSection &section);

// kmpack's name for it in the .so whose digest is `digest`.
std::string deferred_section_name(const CtorSection &section, std::string_view digest);

struct DeferredName {
    CtorSection section;
    std::string digest;
};

// A name deferred_section_name() made, split again; nothing for any other.
std::optional<DeferredName> parse_deferred_section(std::string_view name);

// ---- The state of a module after a build, and as `kmpack list` sees it.
enum class ModuleState { Built, UpToDate, Fetched, Failed };
enum class ListState { UpToDate, Changed, NotBuilt, NotInManifest };

std::string_view to_string(ModuleState state); // "built", "up to date", "fetched from cache", "failed"
std::string_view to_string(ListState state);   // "up to date", "changed", "not built", "not in modules.txt"

} // namespace kmpack
