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
// of its .so), first on sys.meta_path: a linked module wins over its Python
// source beside it (as the path finder prefers a .so there), with or without
// a file on disk; a submodule only when its package is the one in lib/.
// Registry mode: an ExtensionFileLoader spec. Built-in mode: a
// BuiltinImporter spec. __file__ and __spec__.origin name the package path in
// both. Stable: the same input, the same bytes.
std::string emit_finder_py(const std::map<std::string, std::string> &modules, LinkMode mode);

// lib/sitecustomize.py: installs the finder; with --onefile, prints an
// uncaught exception through the traceback module, which reads source lines
// from the archive (CPython's own printer reads them from disk only).
std::string emit_sitecustomize_py();

} // namespace kmpack
