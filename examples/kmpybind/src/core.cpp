// kmpybind._core: registers Vec (global), VecError and its own module-local Tag.
#include "kmpybind.h"

#include <pybind11/pybind11.h>

namespace py = pybind11;
using namespace kmpybind;

static Registrar core_module("core:module");

int core_extra_answer(); // core_extra.cpp

PYBIND11_MODULE(_core, m) {
    py::class_<Vec>(m, "Vec")
        .def(py::init<double, double>())
        .def_readwrite("x", &Vec::x)
        .def_readwrite("y", &Vec::y)
        .def("norm2", [](const Vec &v) { return v.x * v.x + v.y * v.y; });
    py::register_exception<VecError>(m, "VecError", PyExc_ValueError);
    py::class_<Tag>(m, "Tag", py::module_local())
        .def(py::init([]() { return Tag{"core"}; }))
        .def_readonly("origin", &Tag::origin);
    m.def("make_tag", []() { return Tag{"core"}; });
    m.def("tag_origin", [](const Tag &t) { return t.origin; });
    m.def("registry", []() {
        py::list out;
        for (const auto &entry : registry())
            out.append(entry);
        return out;
    });
    m.def("extra_answer", &core_extra_answer);
}
