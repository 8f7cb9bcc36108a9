#include "kmpack/rust_build.h"

#include "kmpack/fs.h"
#include "kmpack/process.h"

#include <cstdlib>
#include <unistd.h>

namespace kmpack {

namespace {

// The module line's value of `var`, else kmpack's own; empty if neither.
std::string env_value(const std::map<std::string, std::string> &module_env, const char *var) {
    if (auto it = module_env.find(var); it != module_env.end())
        return it->second;
    const char *value = std::getenv(var);
    return value ? value : "";
}

// A TOML basic string.
std::string toml_string(const std::string &text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

} // namespace

bool uses_cargo(const fs::path &package_dir) {
    std::error_code ec;
    if (fs::exists(package_dir / "Cargo.toml", ec))
        return true;
    for (auto it = fs::directory_iterator(package_dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
        if (it->is_directory(ec) && fs::exists(it->path() / "Cargo.toml", ec))
            return true;
    return false;
}

RustTools find_rust_tools(const std::map<std::string, std::string> &module_env, const fs::path &debian_cargo,
                          const fs::path &registry) {
    std::string path = env_value(module_env, "PATH");
    RustTools tools;
    tools.cargo = env_value(module_env, "CARGO");
    std::error_code ec;
    if (tools.cargo.empty() && fs::is_directory(registry, ec) && ::access(debian_cargo.c_str(), X_OK) == 0)
        tools.cargo = debian_cargo.string();
    if (tools.cargo.empty())
        tools.cargo = find_program("cargo", path);
    tools.rustc = env_value(module_env, "RUSTC");
    if (tools.rustc.empty() && !tools.cargo.empty()) {
        // cargo's own rustc (Debian's /usr/bin, a rustup toolchain's bin/),
        // not whichever comes first on PATH.
        std::error_code ec;
        fs::path beside = fs::path(tools.cargo).parent_path() / "rustc";
        if (fs::path(tools.cargo).has_parent_path() && fs::exists(beside, ec))
            tools.rustc = beside.string();
    }
    if (tools.rustc.empty())
        tools.rustc = find_program("rustc", path);
    return tools;
}

std::string cargo_config_text(const fs::path &registry) {
    std::string text = "# Written by kmpack: the package's crates come from a local registry, offline.\n"
                       "[net]\noffline = true\n";
    if (!registry.empty())
        text += "\n[source.crates-io]\nreplace-with = \"kmpack-local\"\n\n[source.kmpack-local]\ndirectory = " +
                toml_string(registry.string()) + "\n";
    return text;
}

std::map<std::string, std::string> rust_environment(const ModuleLayout &dirs, const std::string &module,
                                                    const RustTools &tools, const fs::path &linker,
                                                    const std::map<std::string, std::string> &module_env) {
    std::map<std::string, std::string> env;
    if (!tools.cargo.empty())
        env["CARGO"] = tools.cargo;
    if (!tools.rustc.empty())
        env["RUSTC"] = tools.rustc;
    env["TMPDIR"] = dirs.rust_temp().string();
    // cargo takes CARGO_ENCODED_RUSTFLAGS (words split by 0x1f) over
    // RUSTFLAGS (split by blanks), so the ones the build had come first.
    std::vector<std::string> flags;
    std::string encoded = env_value(module_env, "CARGO_ENCODED_RUSTFLAGS");
    if (!encoded.empty()) {
        size_t start = 0;
        while (start <= encoded.size()) {
            size_t end = std::min(encoded.find('\x1f', start), encoded.size());
            flags.push_back(encoded.substr(start, end - start));
            start = end + 1;
        }
    } else {
        flags = split_words(env_value(module_env, "RUSTFLAGS"));
    }
    flags.insert(flags.end(), {"-C", "linker=" + linker.string(), "-C", "save-temps",
                               "--remap-path-prefix=" + dirs.work.string() + "=/kmpack/" + module});
    std::string joined;
    for (const auto &f : flags)
        joined += (joined.empty() ? "" : "\x1f") + f;
    env["CARGO_ENCODED_RUSTFLAGS"] = joined;
    return env;
}

void prepare_cargo(const ModuleLayout &dirs, const fs::path &capture) {
    std::error_code ec;
    fs::path registry = fs::is_directory(kDebianCrateRegistry, ec) ? fs::path(kDebianCrateRegistry) : fs::path();
    fs::create_directories(dirs.cargo_config().parent_path());
    fs::create_directories(dirs.rust_temp());
    write_file_atomic(dirs.cargo_config(), cargo_config_text(registry));
    fs::remove(dirs.rust_linker(), ec);
    fs::create_symlink(fs::absolute(capture), dirs.rust_linker());
}

} // namespace kmpack
