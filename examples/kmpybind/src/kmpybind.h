// The C++ types both modules of kmpybind use, and the registry each one's
// static constructors fill.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace kmpybind {

// Registered with pybind11 by _core only; _ops returns and takes it.
struct Vec {
    double x = 0, y = 0;
    Vec() = default;
    Vec(double x, double y) : x(x), y(y) {}
};

// Thrown by _ops, translated to Python by the translator _core registers.
struct VecError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Registered by both modules with py::module_local(): each its own Python type.
struct Tag {
    std::string origin;
};

// One registry per .so (the .so's hidden copy of this inline function's
// static, as with RTLD_LOCAL), filled by the static constructors of its
// translation units.
inline std::vector<std::string> &registry() {
    static std::vector<std::string> entries;
    return entries;
}

struct Registrar {
    explicit Registrar(const char *name) { registry().push_back(name); }
};

} // namespace kmpybind
