/* Cholesky factors with reference LAPACK (dpotrf_), and an xerbla_ of the
 * module's own that records LAPACK's and BLAS's argument errors. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stddef.h>
#include <string.h>

extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info, size_t uplo_len);
extern void dgemv_(const char *trans, const int *m, const int *n, const double *alpha, const double *a,
                   const int *lda, const double *x, const int *incx, const double *beta, double *y,
                   const int *incy, size_t trans_len);

enum { MAX_ERRORS = 16 };
static struct {
    char routine[8];
    int info;
} recorded[MAX_ERRORS];
static int error_count;

/* LAPACK's and BLAS's error handler: remember, print nothing, return. */
void xerbla_(const char *srname, const int *info, size_t srname_len) {
    if (error_count == MAX_ERRORS)
        return;
    size_t len = srname_len < sizeof recorded[0].routine - 1 ? srname_len : sizeof recorded[0].routine - 1;
    while (len > 0 && srname[len - 1] == ' ')
        len--;
    memcpy(recorded[error_count].routine, srname, len);
    recorded[error_count].routine[len] = '\0';
    recorded[error_count].info = *info;
    error_count++;
}

/* cholesky(a, n): the lower factor L (A = L L^T), row by row. */
static PyObject *cholesky(PyObject *self, PyObject *args) {
    PyObject *seq;
    int n;
    if (!PyArg_ParseTuple(args, "Oi", &seq, &n))
        return NULL;
    if (n <= 0 || n > 8 || PySequence_Size(seq) != (Py_ssize_t)n * n) {
        PyErr_SetString(PyExc_ValueError, "cholesky: a must hold n*n numbers, 0 < n <= 8");
        return NULL;
    }
    double a[64];
    for (int i = 0; i < n * n; i++) {
        PyObject *item = PySequence_GetItem(seq, i);
        if (!item)
            return NULL;
        a[i] = PyFloat_AsDouble(item); /* symmetric: row- and column-major alike */
        Py_DECREF(item);
        if (PyErr_Occurred())
            return NULL;
    }
    int info = 0;
    dpotrf_("L", &n, a, &n, &info, 1);
    if (info != 0)
        return PyErr_Format(PyExc_ArithmeticError, "cholesky: dpotrf_ info %d", info);
    PyObject *out = PyList_New((Py_ssize_t)n * n);
    for (int i = 0; out && i < n; i++)
        for (int j = 0; j < n; j++) /* column-major L(i,j) is a[j*n+i] */
            PyList_SET_ITEM(out, (Py_ssize_t)i * n + j, PyFloat_FromDouble(j <= i ? a[j * n + i] : 0.0));
    return out;
}

/* dpotrf_ with UPLO = 'X': LAPACK reports parameter 1; returns its info. */
static PyObject *bad_lapack_call(PyObject *self, PyObject *unused) {
    int n = 1, info = 0;
    double a[1] = {1};
    dpotrf_("X", &n, a, &n, &info, 1);
    return PyLong_FromLong(info);
}

/* dgemv_ with TRANS = 'Q': BLAS reports parameter 1. */
static PyObject *bad_blas_call(PyObject *self, PyObject *unused) {
    int m = 1, n = 1, one = 1;
    double alpha = 1, beta = 0, a[1] = {1}, x[1] = {1}, y[1] = {0};
    dgemv_("Q", &m, &n, &alpha, a, &one, x, &one, &beta, y, &one, 1);
    Py_RETURN_NONE;
}

/* errors(): [(routine, info), ...] as xerbla_ recorded them. */
static PyObject *errors(PyObject *self, PyObject *unused) {
    PyObject *out = PyList_New(error_count);
    for (int i = 0; out && i < error_count; i++)
        PyList_SET_ITEM(out, i, Py_BuildValue("(si)", recorded[i].routine, recorded[i].info));
    return out;
}

static PyMethodDef methods[] = {
    {"cholesky", cholesky, METH_VARARGS, "cholesky(a, n): the lower Cholesky factor, row by row"},
    {"bad_lapack_call", bad_lapack_call, METH_NOARGS, "dpotrf_ with UPLO = 'X'"},
    {"bad_blas_call", bad_blas_call, METH_NOARGS, "dgemv_ with TRANS = 'Q'"},
    {"errors", errors, METH_NOARGS, "the argument errors xerbla_ recorded"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_chol", NULL, -1, methods};

PyMODINIT_FUNC PyInit__chol(void) { return PyModule_Create(&module); }
