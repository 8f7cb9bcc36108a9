/* kmhello._hello: plain C extension with exported data symbols and a
 * self-lookup via dlopen/dlsym on the extension's own file. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <dlfcn.h>

/* Exported (non-static, default visibility) data symbols. */
__attribute__((visibility("default"))) int kmhello_magic = 0x4b4d;
__attribute__((visibility("default"))) const char kmhello_version[] = "1.2.3";

PyMODINIT_FUNC PyInit__hello(void);

static PyObject *greet(PyObject *self, PyObject *args) {
    const char *name;
    if (!PyArg_ParseTuple(args, "s", &name)) return NULL;
    return PyUnicode_FromFormat("Hello, %s!", name);
}

static PyObject *add(PyObject *self, PyObject *args) {
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b)) return NULL;
    return PyLong_FromLong(a + b);
}

static PyObject *magic(PyObject *self, PyObject *noargs) {
    return PyLong_FromLong(kmhello_magic);
}

static PyObject *version(PyObject *self, PyObject *noargs) {
    return PyUnicode_FromString(kmhello_version);
}

/* dlopen our own file and check that dlsym resolves our own symbols to
 * exactly the addresses this code is bound to. */
static PyObject *self_lookup(PyObject *self, PyObject *args) {
    const char *path;
    if (!PyArg_ParseTuple(args, "s", &path)) return NULL;
    void *h = dlopen(path, RTLD_NOW);
    if (!h) {
        const char *e = dlerror();
        PyErr_Format(PyExc_OSError, "dlopen failed: %s", e ? e : "?");
        return NULL;
    }
    void *pm = dlsym(h, "kmhello_magic");
    void *pv = dlsym(h, "kmhello_version");
    void *pi = dlsym(h, "PyInit__hello");
    int ok = pm == (void *)&kmhello_magic
          && pv == (void *)kmhello_version
          && pi == (void *)&PyInit__hello
          && pm != NULL && *(int *)pm == 0x4b4d;
    dlclose(h);
    return PyBool_FromLong(ok);
}

/* Looks up interpreter and libc functions by name in the whole program, as
   ctypes.pythonapi and cffi do: dlsym(RTLD_DEFAULT, ...) and dlopen(NULL). */
static PyObject *program_lookup(PyObject *self, PyObject *unused) {
    PyObject *(*from_long)(long) = (PyObject * (*)(long)) dlsym(RTLD_DEFAULT, "PyLong_FromLong");
    if (!from_long) {
        PyErr_Format(PyExc_OSError, "dlsym(RTLD_DEFAULT, PyLong_FromLong): %s", dlerror());
        return NULL;
    }
    void *program = dlopen(NULL, RTLD_NOW);
    size_t (*length)(const char *) = program ? (size_t(*)(const char *))dlsym(program, "strlen") : NULL;
    if (!length) {
        PyErr_Format(PyExc_OSError, "dlsym(dlopen(NULL), strlen): %s", dlerror());
        return NULL;
    }
    PyObject *value = from_long((long)length("kmpack"));
    return value;
}

static PyMethodDef methods[] = {
    {"program_lookup", program_lookup, METH_NOARGS,
     "program_lookup() -> 6: PyLong_FromLong(strlen(\"kmpack\")), both found by name"},
    {"greet", greet, METH_VARARGS, "greet(name) -> str"},
    {"add", add, METH_VARARGS, "add(a, b) -> int"},
    {"magic", magic, METH_NOARGS, "value of kmhello_magic"},
    {"version", version, METH_NOARGS, "value of kmhello_version"},
    {"self_lookup", self_lookup, METH_VARARGS,
     "self_lookup(path) -> bool: dlsym on own file finds own symbols"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moddef = {
    PyModuleDef_HEAD_INIT, "kmhello._hello", NULL, -1, methods,
};

PyMODINIT_FUNC PyInit__hello(void) {
    return PyModule_Create(&moddef);
}
