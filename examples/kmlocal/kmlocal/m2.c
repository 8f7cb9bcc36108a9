/* kmlocal.m2: uses only archive member a.o. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "kmmath.h"

static PyObject *py_bump(PyObject *self, PyObject *noargs) {
    return PyLong_FromLong(bump());
}
static PyObject *py_count(PyObject *self, PyObject *noargs) {
    return PyLong_FromLong(count());
}
static PyObject *py_counter(PyObject *self, PyObject *noargs) {
    return PyLong_FromLong(counter);
}

static PyMethodDef methods[] = {
    {"bump", py_bump, METH_NOARGS, "bump() from archive member a.o"},
    {"count", py_count, METH_NOARGS, "count() from archive member a.o"},
    {"counter", py_counter, METH_NOARGS, "a.o's counter read directly"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moddef = {
    PyModuleDef_HEAD_INIT, "kmlocal.m2", NULL, -1, methods,
};

PyMODINIT_FUNC PyInit_m2(void) {
    return PyModule_Create(&moddef);
}
