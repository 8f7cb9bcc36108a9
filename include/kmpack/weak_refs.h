// Weak references bound as a dynamic link binds them. A weak undefined
// reference pulls no member out of a static archive, so in a static link it
// stays 0 unless something else pulled its definition in; dynamically it
// binds to whichever loaded library defines it (libxml2 tests a weak
// pthread_equal to decide whether the process has threads). kmpack reads
// the weak references of what python.km links from the packages (their
// renamed archives), libpython and the system -l archives, and forces each
// one some linked library defines into the link (-Wl,--undefined=SYM).
#pragma once

#include "kmpack/host.h"
#include "kmpack/link_plan.h"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace kmpack {

namespace fs = std::filesystem;

// A file whose weak references count: an object or an archive (every
// member: a shared library would hold them all), and what to call it.
struct WeakSource {
    std::string who; // "kmweak: kmweak/_threads.cpython-311-x86_64-linux-gnu.so", "libxml2.a (for lxml/etree.so)"
    fs::path file;
};

// A library python.km links, that may define them, in link order.
struct WeakLibrary {
    std::string name;           // "libc.a"
    std::vector<fs::path> files; // its archives (a linker script's, for glibc's libm.a)
};

// What one file holds: its weak undefined references and its definitions.
struct WeakScan {
    std::set<std::string> weak;
    std::set<std::string> defined;
};

// One weakly referenced symbol and what binds it.
struct WeakReference {
    std::string symbol;
    std::vector<std::string> from; // the sources that reference it weakly, in order
    std::string library;           // the first library that defines it; empty when none does
};

// Reads an object or every member of an archive; members that are not ELF
// objects are passed over.
WeakScan scan_weak_references(const fs::path &file);

// Pure: the weak references of `sources` (each source's scan, in order)
// against the libraries' definitions (in link order). A symbol in
// `linked_anyway` (defined by an object the link always takes), a renamed
// one, and the symbols the linker itself defines or that no dynamic link
// defines either (__start_SEC, __gmon_start__, _ITM_*) are left out.
std::vector<WeakReference> resolve_weak_references(const std::vector<std::pair<std::string, WeakScan>> &sources,
                                                   const std::vector<std::pair<std::string, WeakScan>> &libraries,
                                                   const std::set<std::string> &linked_anyway);

// The sources of `plan`: every .so's renamed archive, libpython and the
// system archives found on `search`.
std::vector<WeakSource> weak_sources(const LinkPlan &plan, const fs::path &build_dir,
                                     const std::vector<fs::path> &search);

// The libraries of `plan` in link order: libpython, the system -l archives
// and the interpreter's, the C++ runtime for C++ modules, libm, libc,
// libgcc, libgcc_eh, each found on `search`.
std::vector<WeakLibrary> weak_libraries(const LinkPlan &plan, const std::vector<fs::path> &search);

// Reads it all (`jobs` files at a time), sets plan.undefined to the bound
// symbols, lists them with -v and warns about each one nothing defines,
// naming the sources. `objects` are the objects the link always takes (the
// runtime, the main object).
void bind_weak_references(LinkPlan &plan, const fs::path &build_dir, const std::vector<fs::path> &search,
                          const std::vector<fs::path> &objects, unsigned jobs, Host &host);

} // namespace kmpack
