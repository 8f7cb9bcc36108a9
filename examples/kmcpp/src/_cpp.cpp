// kmcpp._cpp: C++17 extension with a static initializer that calls the
// Python C API, C++ exceptions thrown in one TU and caught in another,
// std::string/std::vector, templates and an inline function static local.
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string>
#include <vector>

#include "helpers.hpp"

namespace {

int g_ctor_runs = 0;
int g_initialized_at_load = -1;

struct StaticInit {
    PyObject *number = nullptr;
    PyObject *text = nullptr;
    std::string label;
    StaticInit() {
        ++g_ctor_runs;
        g_initialized_at_load = Py_IsInitialized();
        if (g_initialized_at_load) {
            number = PyLong_FromLong(42);
            text = PyUnicode_FromString("kmcpp static init");
        }
        label = "constructed";
        kmcpp::Registry<int>::add(7);
    }
};

StaticInit g_static_init;  // constructor runs at load time

}  // namespace

static PyObject *init_value(PyObject *, PyObject *) {
    if (!g_static_init.number) {
        PyErr_SetString(PyExc_RuntimeError, "static initializer did not create value");
        return nullptr;
    }
    Py_INCREF(g_static_init.number);
    return g_static_init.number;
}

static PyObject *init_text(PyObject *, PyObject *) {
    if (!g_static_init.text) {
        PyErr_SetString(PyExc_RuntimeError, "static initializer did not create text");
        return nullptr;
    }
    Py_INCREF(g_static_init.text);
    return g_static_init.text;
}

static PyObject *initialized_at_load(PyObject *, PyObject *) {
    return PyBool_FromLong(g_initialized_at_load == 1);
}

static PyObject *ctor_runs(PyObject *, PyObject *) {
    return PyLong_FromLong(g_ctor_runs);
}

static PyObject *label(PyObject *, PyObject *) {
    return PyUnicode_FromString(g_static_init.label.c_str());
}

static PyObject *safe_div(PyObject *, PyObject *args) {
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b)) return nullptr;
    try {
        return PyLong_FromLong(kmcpp::checked_div(a, b));
    } catch (const std::runtime_error &e) {
        PyErr_SetString(PyExc_ValueError, e.what());
        return nullptr;
    }
}

static PyObject *km_error(PyObject *, PyObject *args) {
    int code;
    if (!PyArg_ParseTuple(args, "i", &code)) return nullptr;
    try {
        kmcpp::raise_km_error(code);
    } catch (const kmcpp::KmError &e) {  // needs matching typeinfo across TUs
        return Py_BuildValue("(is)", e.code, e.what());
    } catch (...) {
        PyErr_SetString(PyExc_RuntimeError, "KmError not caught by its type");
        return nullptr;
    }
    PyErr_SetString(PyExc_RuntimeError, "no exception thrown");
    return nullptr;
}

static PyObject *bump(PyObject *, PyObject *) {
    // Increment through this TU, then through helpers.cpp: both must see
    // the same inline static local.
    int a = ++kmcpp::instance_counter();
    int b = kmcpp::bump_from_helpers();
    return Py_BuildValue("(ii)", a, b);
}

static PyObject *counter(PyObject *, PyObject *) {
    return PyLong_FromLong(kmcpp::instance_counter());
}

static PyObject *registry_sizes(PyObject *, PyObject *) {
    return Py_BuildValue("(nnii)", (Py_ssize_t)kmcpp::Registry<int>::size(),
                         (Py_ssize_t)kmcpp::Registry<std::string>::size(),
                         kmcpp::Registry<int>::adds,
                         kmcpp::Registry<std::string>::adds);
}

static PyObject *vsum(PyObject *, PyObject *arg) {
    PyObject *seq = PySequence_Fast(arg, "expected a sequence");
    if (!seq) return nullptr;
    std::vector<long> v;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    for (Py_ssize_t i = 0; i < n; ++i) {
        long x = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
        if (x == -1 && PyErr_Occurred()) { Py_DECREF(seq); return nullptr; }
        v.push_back(x);
    }
    Py_DECREF(seq);
    return PyLong_FromLong(kmcpp::sum(v));
}

static PyObject *join(PyObject *, PyObject *args) {
    PyObject *seq;
    const char *sep;
    if (!PyArg_ParseTuple(args, "Os", &seq, &sep)) return nullptr;
    PyObject *fast = PySequence_Fast(seq, "expected a sequence");
    if (!fast) return nullptr;
    std::vector<std::string> parts;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast); ++i) {
        const char *s = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(fast, i));
        if (!s) { Py_DECREF(fast); return nullptr; }
        parts.emplace_back(s);
    }
    Py_DECREF(fast);
    std::string r = kmcpp::join(parts, sep);
    return PyUnicode_FromStringAndSize(r.data(), (Py_ssize_t)r.size());
}

static PyMethodDef methods[] = {
    {"init_value", init_value, METH_NOARGS, "PyLong created by static initializer"},
    {"init_text", init_text, METH_NOARGS, "str created by static initializer"},
    {"initialized_at_load", initialized_at_load, METH_NOARGS,
     "Py_IsInitialized() as seen by the static initializer"},
    {"ctor_runs", ctor_runs, METH_NOARGS, "number of static constructor runs"},
    {"label", label, METH_NOARGS, "std::string set by static initializer"},
    {"safe_div", safe_div, METH_VARARGS, "a // b; ValueError on b == 0"},
    {"km_error", km_error, METH_VARARGS, "throw+catch custom KmError across TUs"},
    {"bump", bump, METH_NOARGS, "bump inline static counter from two TUs"},
    {"counter", counter, METH_NOARGS, "inline static counter value"},
    {"registry_sizes", registry_sizes, METH_NOARGS, "template static member sizes"},
    {"vsum", vsum, METH_O, "sum of ints via std::vector + template"},
    {"join", join, METH_VARARGS, "join(list_of_str, sep) via std::string"},
    {nullptr, nullptr, 0, nullptr},
};

static struct PyModuleDef moddef = {
    PyModuleDef_HEAD_INIT, "kmcpp._cpp", nullptr, -1, methods,
};

PyMODINIT_FUNC PyInit__cpp(void) {
    return PyModule_Create(&moddef);
}
