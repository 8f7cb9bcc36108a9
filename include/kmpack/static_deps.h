// What a static archive leaves unsaid: a shared library records the
// libraries it needs, its static archive does not, so a static link of
// `-lreadline` also needs `-ltinfo`. pkg-config --static knows these.
#pragma once

#include "kmpack/process.h"

#include <string>
#include <vector>

namespace kmpack {

// The other libraries a static link of `-l<name>` needs, in link order,
// from the pkg-config module named `name` or `lib<name>` (`--static
// --libs-only-l`). Empty when pkg-config or the module is missing.
std::vector<std::string> static_companions(CommandRunner &runner, const std::string &name);

// `libs` with every library's companions added, each library once, in an
// order a single pass of the linker accepts when the graph allows it.
std::vector<std::string> with_static_companions(CommandRunner &runner, const std::vector<std::string> &libs);

} // namespace kmpack
