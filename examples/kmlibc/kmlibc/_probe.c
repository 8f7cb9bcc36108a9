/* kmlibc._probe: the address C code compiled against glibc's headers gets
 * for fscanf (the function it is redirected to), to compare with what
 * ctypes finds under each name. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>

uintptr_t kmlibc_fscanf_as_compiled(void);

static PyObject *fscanf_as_compiled(PyObject *self, PyObject *args) {
    return PyLong_FromUnsignedLongLong(kmlibc_fscanf_as_compiled());
}

static PyMethodDef methods[] = {
    {"fscanf_as_compiled", fscanf_as_compiled, METH_NOARGS, "&fscanf in C99 code: __isoc99_fscanf's address."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_probe", NULL, -1, methods};

PyMODINIT_FUNC PyInit__probe(void) { return PyModule_Create(&module); }
