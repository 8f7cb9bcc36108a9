/* A C extension built by meson: the build backend is not setuptools, but it
   compiles and links through $CC, so kmpack sees every command. */
#include <Python.h>

int counter; /* a global with a common name: it must stay this module's own */

static PyObject *triple(PyObject *self, PyObject *arg) {
    long x = PyLong_AsLong(arg);
    if (x == -1 && PyErr_Occurred())
        return NULL;
    counter++;
    return PyLong_FromLong(3 * x);
}

static PyObject *calls(PyObject *self, PyObject *unused) { return PyLong_FromLong(counter); }

static PyMethodDef methods[] = {
    {"triple", triple, METH_O, "3 * x"},
    {"calls", calls, METH_NOARGS, "how many times triple ran"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_fast", NULL, -1, methods};

PyMODINIT_FUNC PyInit__fast(void) { return PyModule_Create(&module); }
