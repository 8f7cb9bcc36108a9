// Building a package whose extension is Rust (setuptools-rust, or maturin
// through pip): cargo runs offline against a local crate registry (Debian's,
// in /usr/share/cargo/registry) through a cargo configuration kmpack writes
// above the package's source; rustc links through the capture wrapper (a
// link named kCaptureLinkerName, given as `-C linker`) and keeps its
// temporary objects (`-C save-temps`, temporaries in the module's own
// directory), so the link can be taken apart as a C one is.
#pragma once

#include "kmpack/conventions.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// Debian's crate registry, a directory source (librust-*-dev packages), and
// the cargo its crates are packaged for.
inline constexpr const char *kDebianCrateRegistry = "/usr/share/cargo/registry";
inline constexpr const char *kDebianCargo = "/usr/bin/cargo";

// True when the package holds a Cargo.toml, at its top or one directory down.
bool uses_cargo(const fs::path &package_dir);

// cargo and rustc for a build: $CARGO and $RUSTC (the module line's env
// first, then kmpack's); else Debian's cargo when Debian's registry is there
// (`debian_cargo`, the same whatever else is on PATH), else `cargo` on PATH;
// and the rustc beside the cargo (else rustc on PATH). Empty when there is
// no cargo.
struct RustTools {
    std::string cargo;
    std::string rustc;
};
RustTools find_rust_tools(const std::map<std::string, std::string> &module_env,
                          const fs::path &debian_cargo = kDebianCargo, const fs::path &registry = kDebianCrateRegistry);

// The cargo configuration kmpack writes: offline, and crates.io replaced by
// the directory source `registry` (none when `registry` is empty).
std::string cargo_config_text(const fs::path &registry);

// What a Rust build's environment adds: CARGO and RUSTC, TMPDIR (rustc's
// temporaries) in the module's directory, and CARGO_ENCODED_RUSTFLAGS with
// the flags the build already had ($RUSTFLAGS or $CARGO_ENCODED_RUSTFLAGS,
// the module line's first) then `-C linker=<linker>`, `-C save-temps` and
// the module's directory remapped as -ffile-prefix-map does for C.
std::map<std::string, std::string> rust_environment(const ModuleLayout &dirs, const std::string &module,
                                                    const RustTools &tools, const fs::path &linker,
                                                    const std::map<std::string, std::string> &module_env);

// Writes dirs.cargo_config() (cargo_config_text of Debian's registry when it
// is there), the link to the capture wrapper (dirs.rust_linker()) and the
// temporaries' directory.
void prepare_cargo(const ModuleLayout &dirs, const fs::path &capture);

} // namespace kmpack
