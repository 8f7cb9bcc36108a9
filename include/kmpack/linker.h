// Which linker links python.km. `auto`, the default, takes the fastest one
// installed: ld.lld, then mold (both faster than GNU ld on python.km's link
// line, measured in bench/RESULTS.md), unless the
// compiler command or a --link-arg already picks one with -fuse-ld=.
#pragma once

#include <string>
#include <vector>

namespace kmpack {

struct LinkerChoice {
    std::string name; // "lld", "mold", "gold", "bfd", or "default": the compiler driver's own
    std::string flag; // what kmpack adds to the link line ("-fuse-ld=lld"), or "" for nothing
    std::string why;  // how it was chosen, for the build's output
};

// The --ld words, in the order --help lists them.
const std::vector<std::string> &linker_words();

// `requested` is one of linker_words(): auto, default, lld, mold, gold, bfd.
// `cc` and `link_args` are the link's compiler command and extra arguments;
// `path_list` is the PATH the linker is looked up on. Error when a named
// linker is not installed, or contradicts a -fuse-ld= already given.
LinkerChoice choose_linker(const std::string &requested, const std::vector<std::string> &cc,
                           const std::vector<std::string> &link_args, const std::string &path_list);

// Whether linking with another linker might cure a link that failed with
// `output`: not when it failed on what every linker refuses alike (an
// unknown option, a missing file or library, a symbol undefined or defined
// twice, a full disk).
bool another_linker_may_help(const std::string &output);

} // namespace kmpack
