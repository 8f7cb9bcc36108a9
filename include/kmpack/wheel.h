// A pure-Python wheel (PEP 427, *-none-any.whl) as a module's source: not
// built, but unpacked as pip installs it. A wheel with compiled code is
// refused: kmpack links extension modules from their object files, which a
// wheel does not carry.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// The parts of a wheel's file name: {distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl
struct WheelName {
    std::string distribution, version, build, python, abi, platform;
};

// Whether `source` (a modules.txt source, as written) names a wheel.
bool is_wheel_name(std::string_view source);

// The parts of `filename`; nothing for a name that is not a wheel's.
std::optional<WheelName> parse_wheel_name(std::string_view filename);

// Why `wheel` cannot be shipped: it holds compiled code (an ABI or platform
// tag), or none of its Python tags is for Python `version` ("3.11"); empty
// when it can. Each reason says what to give instead.
std::string wheel_refusal(const WheelName &wheel, const std::string &version);

// Unpacks `wheel` into `lib` as pip installs it: its files and its
// .dist-info at lib's root, and the purelib and platlib parts of its .data
// directory there too; its scripts, headers and data are left out (each
// named in `notes`). `lib` is replaced only when all of it is there. Error,
// prefixed with `origin`, for a wheel with no .dist-info/WHEEL or one that
// holds an extension module (.so) although its name says it is pure.
void install_wheel(const fs::path &wheel, const fs::path &lib, const std::string &origin,
                   std::vector<std::string> &notes);

} // namespace kmpack
