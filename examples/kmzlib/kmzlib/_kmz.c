/* kmzlib._kmz: thin wrapper over zlib's C API (linked with -lz). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <zlib.h>

static PyObject *py_crc32(PyObject *self, PyObject *args) {
    Py_buffer buf;
    unsigned long start = 0;
    if (!PyArg_ParseTuple(args, "y*|k", &buf, &start)) return NULL;
    uLong c = crc32(start, (const Bytef *)buf.buf, (uInt)buf.len);
    PyBuffer_Release(&buf);
    return PyLong_FromUnsignedLong(c & 0xffffffffUL);
}

static PyObject *py_adler32(PyObject *self, PyObject *args) {
    Py_buffer buf;
    if (!PyArg_ParseTuple(args, "y*", &buf)) return NULL;
    uLong a = adler32(adler32(0L, Z_NULL, 0), (const Bytef *)buf.buf, (uInt)buf.len);
    PyBuffer_Release(&buf);
    return PyLong_FromUnsignedLong(a & 0xffffffffUL);
}

static PyObject *py_compress(PyObject *self, PyObject *args) {
    Py_buffer buf;
    int level = Z_DEFAULT_COMPRESSION;
    if (!PyArg_ParseTuple(args, "y*|i", &buf, &level)) return NULL;
    uLongf outlen = compressBound((uLong)buf.len);
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)outlen);
    if (!out) { PyBuffer_Release(&buf); return NULL; }
    int rc = compress2((Bytef *)PyBytes_AS_STRING(out), &outlen,
                       (const Bytef *)buf.buf, (uLong)buf.len, level);
    PyBuffer_Release(&buf);
    if (rc != Z_OK) {
        Py_DECREF(out);
        PyErr_Format(PyExc_ValueError, "compress2 failed: %d", rc);
        return NULL;
    }
    if (_PyBytes_Resize(&out, (Py_ssize_t)outlen) < 0) return NULL;
    return out;
}

static PyObject *py_decompress(PyObject *self, PyObject *args) {
    Py_buffer buf;
    Py_ssize_t size;
    if (!PyArg_ParseTuple(args, "y*n", &buf, &size)) return NULL;
    uLongf outlen = (uLongf)size;
    PyObject *out = PyBytes_FromStringAndSize(NULL, size);
    if (!out) { PyBuffer_Release(&buf); return NULL; }
    int rc = uncompress((Bytef *)PyBytes_AS_STRING(out), &outlen,
                        (const Bytef *)buf.buf, (uLong)buf.len);
    PyBuffer_Release(&buf);
    if (rc != Z_OK) {
        Py_DECREF(out);
        PyErr_Format(PyExc_ValueError, "uncompress failed: %d", rc);
        return NULL;
    }
    if (_PyBytes_Resize(&out, (Py_ssize_t)outlen) < 0) return NULL;
    return out;
}

static PyObject *py_version(PyObject *self, PyObject *noargs) {
    return PyUnicode_FromString(zlibVersion());
}

static PyMethodDef methods[] = {
    {"crc32", py_crc32, METH_VARARGS, "crc32(data[, start]) -> int"},
    {"adler32", py_adler32, METH_VARARGS, "adler32(data) -> int"},
    {"compress", py_compress, METH_VARARGS, "compress(data[, level]) -> bytes"},
    {"decompress", py_decompress, METH_VARARGS, "decompress(data, size) -> bytes"},
    {"zlib_version", py_version, METH_NOARGS, "zlibVersion()"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moddef = {
    PyModuleDef_HEAD_INIT, "kmzlib._kmz", NULL, -1, methods,
};

PyMODINIT_FUNC PyInit__kmz(void) {
    return PyModule_Create(&moddef);
}
