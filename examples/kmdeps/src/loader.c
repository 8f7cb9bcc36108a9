/* Opens a library by path at run time and calls into it, as ctypes and cffi do. */
#include <Python.h>
#include <dlfcn.h>

static PyObject *call(PyObject *self, PyObject *args) {
    const char *path, *symbol;
    int x;
    if (!PyArg_ParseTuple(args, "ssi", &path, &symbol, &x))
        return NULL;
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        PyErr_Format(PyExc_OSError, "dlopen: %s", dlerror());
        return NULL;
    }
    int (*fn)(int) = (int (*)(int))dlsym(handle, symbol);
    if (!fn) {
        PyErr_Format(PyExc_OSError, "dlsym: %s", dlerror());
        dlclose(handle);
        return NULL;
    }
    int result = fn(x);
    dlclose(handle);
    return PyLong_FromLong(result);
}

static PyMethodDef methods[] = {
    {"call", call, METH_VARARGS, "call(path, symbol, x): dlopen(path), dlsym(symbol), return symbol(x)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_loader", NULL, -1, methods};

PyMODINIT_FUNC PyInit__loader(void) { return PyModule_Create(&module); }
