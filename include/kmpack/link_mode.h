// How python.km imports its extension modules (kmpack build/link --mode).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kmpack {

enum class LinkMode {
    // CPython's ExtensionFileLoader "dlopen"s the module's package path; the
    // payload runtime answers from the registry (the default).
    Registry,
    // Every extension module is also in the interpreter's table of built-in
    // modules under its full name; BuiltinImporter creates it. The registry
    // is linked all the same (dlopen/dlsym of the libraries still work).
    Builtin,
};

inline std::string_view link_mode_name(LinkMode mode) { return mode == LinkMode::Builtin ? "builtin" : "registry"; }

// "registry" or "builtin"; nothing for any other word.
inline std::optional<LinkMode> parse_link_mode(std::string_view name) {
    if (name == "registry")
        return LinkMode::Registry;
    if (name == "builtin")
        return LinkMode::Builtin;
    return std::nullopt;
}

} // namespace kmpack
