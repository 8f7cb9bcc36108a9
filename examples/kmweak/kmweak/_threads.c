/* kmweak._threads: the package-local libkmthr.a's decision on threads, and
 * a run of real threads through it (with the GIL released). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "kmthr.h"

static PyObject *threaded(PyObject *self, PyObject *args) { return PyBool_FromLong(kmthr_threaded()); }

static PyObject *run(PyObject *self, PyObject *args) {
    int threads;
    long iters, counter;
    int distinct = 0;
    if (!PyArg_ParseTuple(args, "il", &threads, &iters))
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    counter = kmthr_run(threads, iters, &distinct);
    Py_END_ALLOW_THREADS
    return Py_BuildValue("(li)", counter, distinct);
}

static PyMethodDef methods[] = {
    {"threaded", threaded, METH_NOARGS, "Whether libkmthr found pthread_equal & co (weak references)."},
    {"run", run, METH_VARARGS, "run(threads, iters) -> (counter, distinct per-thread states)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_threads", NULL, -1, methods};

PyMODINIT_FUNC PyInit__threads(void) { return PyModule_Create(&module); }
