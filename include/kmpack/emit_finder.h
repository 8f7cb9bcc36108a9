// The generated Python of python.km's run-time tree: lib/_kmpack_finder.py,
// the meta path finder that imports the linked extension modules with no
// file on disk, and lib/sitecustomize.py, which installs it.
#pragma once

#include "kmpack/link_mode.h"

#include <map>
#include <string>

namespace kmpack {

// The module a package-relative .so path holds:
// "pkg/sub/mod.cpython-311-x86_64-linux-gnu.so" -> "pkg.sub.mod".
std::string extension_module_name(const std::string &rel_path);

// A Python string literal holding `text` (UTF-8) exactly.
std::string python_string_literal(const std::string &text);

// lib/_kmpack_finder.py for `modules` (module name -> package-relative path
// of its .so). Registry mode: an ExtensionFileLoader spec, appended to
// sys.meta_path (files on disk win). Built-in mode: a BuiltinImporter spec,
// first on sys.meta_path; __file__ and __spec__.origin name the package path
// in both. Stable: the same input, the same bytes.
std::string emit_finder_py(const std::map<std::string, std::string> &modules, LinkMode mode);

// lib/sitecustomize.py: installs the finder, drops site-packages.
std::string emit_sitecustomize_py();

} // namespace kmpack
