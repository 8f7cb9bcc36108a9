/* Linked against libkmcore: its references bind to that library's exports. */
#include <Python.h>

int kmcore_answer(int x);
int kmcore_count(void);

static PyObject *answer(PyObject *self, PyObject *arg) {
    long x = PyLong_AsLong(arg);
    if (x == -1 && PyErr_Occurred())
        return NULL;
    return PyLong_FromLong(kmcore_answer((int)x));
}

static PyObject *count(PyObject *self, PyObject *unused) { return PyLong_FromLong(kmcore_count()); }

static PyMethodDef methods[] = {
    {"answer", answer, METH_O, "kmcore_answer(x) through the link-time dependency"},
    {"count", count, METH_NOARGS, "calls made into libkmcore so far"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_user", NULL, -1, methods};

PyMODINIT_FUNC PyInit__user(void) { return PyModule_Create(&module); }
