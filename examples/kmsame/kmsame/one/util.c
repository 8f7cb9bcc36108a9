/* kmsame.one.util: same file name, same PyInit_util and same global names
 * as the sibling kmsame.two.util. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

int util_id = 1;
const char util_name[] = "one";

const char *which(void) { return util_name; }

static PyObject *py_which(PyObject *self, PyObject *noargs) {
    return PyUnicode_FromString(which());
}
static PyObject *py_util_id(PyObject *self, PyObject *noargs) {
    return PyLong_FromLong(util_id);
}
static PyObject *py_set_id(PyObject *self, PyObject *args) {
    int v;
    if (!PyArg_ParseTuple(args, "i", &v)) return NULL;
    util_id = v;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"which", py_which, METH_NOARGS, "name of this util module"},
    {"util_id", py_util_id, METH_NOARGS, "value of global util_id"},
    {"set_id", py_set_id, METH_VARARGS, "set global util_id"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moddef = {
    PyModuleDef_HEAD_INIT, "kmsame.one.util", NULL, -1, methods,
};

PyMODINIT_FUNC PyInit_util(void) {
    return PyModule_Create(&moddef);
}
