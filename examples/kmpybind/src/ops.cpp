// kmpybind._ops: returns and takes _core's Vec without registering it, throws
// the VecError _core translates, and registers a module-local Tag of its own.
#include "kmpybind.h"

#include <cmath>

#include <pybind11/pybind11.h>

namespace py = pybind11;
using namespace kmpybind;

static Registrar ops_module("ops:module");

PYBIND11_MODULE(_ops, m) {
    m.def("make_vec", [](double x, double y) { return Vec(x, y); });
    m.def("scale", [](const Vec &v, double k) { return Vec(v.x * k, v.y * k); });
    m.def("unit", [](const Vec &v) {
        double n2 = v.x * v.x + v.y * v.y;
        if (n2 == 0)
            throw VecError("kmpybind: the zero vector has no direction");
        double n = std::sqrt(n2);
        return Vec(v.x / n, v.y / n);
    });
    py::class_<Tag>(m, "Tag", py::module_local())
        .def(py::init([]() { return Tag{"ops"}; }))
        .def_readonly("origin", &Tag::origin);
    m.def("make_tag", []() { return Tag{"ops"}; });
    m.def("tag_origin", [](const Tag &t) { return t.origin; });
    m.def("registry", []() {
        py::list out;
        for (const auto &entry : registry())
            out.append(entry);
        return out;
    });
}
