/* kmlocal.m1: uses archive members a.o and b.o. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "kmmath.h"

static PyObject *py_bump(PyObject *self, PyObject *noargs) {
    return PyLong_FromLong(bump());
}
static PyObject *py_count(PyObject *self, PyObject *noargs) {
    return PyLong_FromLong(count());
}
static PyObject *py_bump_by(PyObject *self, PyObject *args) {
    int n;
    if (!PyArg_ParseTuple(args, "i", &n)) return NULL;
    return PyLong_FromLong(kmm_bump_by(n));
}
static PyObject *py_square(PyObject *self, PyObject *args) {
    int x;
    if (!PyArg_ParseTuple(args, "i", &x)) return NULL;
    return PyLong_FromLong(kmm_square(x));
}
static PyObject *py_name(PyObject *self, PyObject *noargs) {
    return PyUnicode_FromString(kmm_name);
}

static PyMethodDef methods[] = {
    {"bump", py_bump, METH_NOARGS, "bump() from archive member a.o"},
    {"count", py_count, METH_NOARGS, "count() from archive member a.o"},
    {"bump_by", py_bump_by, METH_VARARGS, "kmm_bump_by(n) from b.o"},
    {"square", py_square, METH_VARARGS, "kmm_square(x) from b.o"},
    {"name", py_name, METH_NOARGS, "kmm_name from b.o"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moddef = {
    PyModuleDef_HEAD_INIT, "kmlocal.m1", NULL, -1, methods,
};

PyMODINIT_FUNC PyInit_m1(void) {
    return PyModule_Create(&moddef);
}
