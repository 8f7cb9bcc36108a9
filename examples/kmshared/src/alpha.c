/* kmshared.alpha: uses common.c (shared source) and a hidden-visibility
 * global/function whose names are identical in alpha.c and beta.c. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "common.h"

__attribute__((visibility("hidden"))) int kmh_value = 1;
__attribute__((visibility("hidden"))) int kmh_get(void) { return kmh_value; }

static PyObject *py_bump(PyObject *self, PyObject *noargs) {
    return PyLong_FromLong(bump());
}
static PyObject *py_count(PyObject *self, PyObject *noargs) {
    return PyLong_FromLong(count());
}
static PyObject *py_counter(PyObject *self, PyObject *noargs) {
    return PyLong_FromLong(counter);
}
static PyObject *py_owner(PyObject *self, PyObject *noargs) {
    return PyUnicode_FromString(common_owner());
}
static PyObject *py_hidden_value(PyObject *self, PyObject *noargs) {
    return PyLong_FromLong(kmh_value);
}
static PyObject *py_hidden_get(PyObject *self, PyObject *noargs) {
    return PyLong_FromLong(kmh_get());
}

static PyMethodDef methods[] = {
    {"bump", py_bump, METH_NOARGS, "increment common.c counter"},
    {"count", py_count, METH_NOARGS, "common.c counter via count()"},
    {"counter", py_counter, METH_NOARGS, "common.c counter read directly"},
    {"owner", py_owner, METH_NOARGS, "owner name stored in common.c"},
    {"hidden_value", py_hidden_value, METH_NOARGS, "hidden kmh_value"},
    {"hidden_get", py_hidden_get, METH_NOARGS, "hidden kmh_get()"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moddef = {
    PyModuleDef_HEAD_INIT, "kmshared.alpha", NULL, -1, methods,
};

PyMODINIT_FUNC PyInit_alpha(void) {
    set_owner("alpha");
    return PyModule_Create(&moddef);
}
