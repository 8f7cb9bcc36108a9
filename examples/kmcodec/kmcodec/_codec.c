#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <kmcodec.h>

/* Defined by kmcodec.pc's Cflags: the header came through pkg-config. */
#ifndef KMCODEC_FROM_PKG_CONFIG
#error "kmcodec.h was not found through pkg-config (kmcodec.pc)"
#endif

static PyObject *encode(PyObject *self, PyObject *args) {
    Py_buffer in;
    if (!PyArg_ParseTuple(args, "y*", &in))
        return NULL;
    PyObject *out = PyBytes_FromStringAndSize(NULL, in.len * 2);
    if (out) {
        size_t n = kmcodec_rle_encode(in.buf, (size_t)in.len, (uint8_t *)PyBytes_AS_STRING(out));
        _PyBytes_Resize(&out, (Py_ssize_t)n);
    }
    PyBuffer_Release(&in);
    return out;
}

static PyObject *decode(PyObject *self, PyObject *args) {
    Py_buffer in;
    Py_ssize_t cap;
    if (!PyArg_ParseTuple(args, "y*n", &in, &cap))
        return NULL;
    PyObject *out = PyBytes_FromStringAndSize(NULL, cap);
    if (out) {
        size_t n = kmcodec_rle_decode(in.buf, (size_t)in.len, (uint8_t *)PyBytes_AS_STRING(out), (size_t)cap);
        if (n == (size_t)-1) {
            Py_CLEAR(out);
            PyErr_SetString(PyExc_ValueError, "not run-length coded data, or longer than the size given");
        } else {
            _PyBytes_Resize(&out, (Py_ssize_t)n);
        }
    }
    PyBuffer_Release(&in);
    return out;
}

static PyObject *fletcher16(PyObject *self, PyObject *args) {
    Py_buffer in;
    if (!PyArg_ParseTuple(args, "y*", &in))
        return NULL;
    unsigned sum = kmcodec_fletcher16(in.buf, (size_t)in.len);
    PyBuffer_Release(&in);
    return PyLong_FromUnsignedLong(sum);
}

static PyObject *log2_mean_run(PyObject *self, PyObject *args) {
    Py_buffer in;
    if (!PyArg_ParseTuple(args, "y*", &in))
        return NULL;
    double v = kmcodec_log2_mean_run(in.buf, (size_t)in.len);
    PyBuffer_Release(&in);
    return PyFloat_FromDouble(v);
}

static PyObject *library_version(PyObject *self, PyObject *unused) { return PyUnicode_FromString(kmcodec_version()); }

static PyObject *header_version(PyObject *self, PyObject *unused) { return PyUnicode_FromString(KMCODEC_VERSION); }

static PyMethodDef methods[] = {
    {"encode", encode, METH_VARARGS, "Run-length encode bytes."},
    {"decode", decode, METH_VARARGS, "decode(data, size): run-length decode at most `size` bytes."},
    {"fletcher16", fletcher16, METH_VARARGS, "Fletcher-16 of bytes."},
    {"log2_mean_run", log2_mean_run, METH_VARARGS, "log2 of the mean run length."},
    {"library_version", library_version, METH_NOARGS, "libkmcodec's version, as built."},
    {"header_version", header_version, METH_NOARGS, "kmcodec.h's version, as compiled against."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "kmcodec._codec", NULL, -1, methods};

PyMODINIT_FUNC PyInit__codec(void) { return PyModule_Create(&module); }
