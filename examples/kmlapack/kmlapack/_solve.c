/* Solving linear systems with reference LAPACK (dgesv_) and a BLAS dot
 * product (ddot_), called as Fortran: every argument by reference. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdlib.h>

extern void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv, double *b, const int *ldb,
                   int *info);
extern double ddot_(const int *n, const double *x, const int *incx, const double *y, const int *incy);

static int read_doubles(PyObject *seq, double *out, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PySequence_GetItem(seq, i);
        if (!item)
            return -1;
        out[i] = PyFloat_AsDouble(item);
        Py_DECREF(item);
        if (PyErr_Occurred())
            return -1;
    }
    return 0;
}

/* solve(a, b): x with A x = b, A given row by row as a flat list of n*n. */
static PyObject *solve(PyObject *self, PyObject *args) {
    PyObject *a_seq, *b_seq;
    if (!PyArg_ParseTuple(args, "OO", &a_seq, &b_seq))
        return NULL;
    Py_ssize_t n = PySequence_Size(b_seq);
    if (n <= 0 || PySequence_Size(a_seq) != n * n) {
        PyErr_SetString(PyExc_ValueError, "solve: a must hold n*n numbers for b's n");
        return NULL;
    }
    double *a = malloc(sizeof(double) * (size_t)(n * n)), *b = malloc(sizeof(double) * (size_t)n);
    int *ipiv = malloc(sizeof(int) * (size_t)n);
    PyObject *result = NULL;
    double *row_major = malloc(sizeof(double) * (size_t)(n * n));
    if (!a || !b || !ipiv || !row_major) {
        PyErr_NoMemory();
        goto done;
    }
    if (read_doubles(a_seq, row_major, n * n) < 0 || read_doubles(b_seq, b, n) < 0)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) /* Fortran is column-major */
        for (Py_ssize_t j = 0; j < n; j++)
            a[j * n + i] = row_major[i * n + j];
    int in = (int)n, nrhs = 1, info = 0;
    dgesv_(&in, &nrhs, a, &in, ipiv, b, &in, &info);
    if (PyErr_Occurred()) /* xerbla_ raised */
        goto done;
    if (info > 0) {
        PyErr_Format(PyExc_ArithmeticError, "solve: the matrix is singular (U(%d,%d) is zero)", info, info);
        goto done;
    }
    result = PyList_New(n);
    for (Py_ssize_t i = 0; result && i < n; i++)
        PyList_SET_ITEM(result, i, PyFloat_FromDouble(b[i]));
done:
    free(a), free(b), free(ipiv), free(row_major);
    return result;
}

static PyObject *ddot(PyObject *self, PyObject *args) {
    PyObject *x_seq, *y_seq;
    if (!PyArg_ParseTuple(args, "OO", &x_seq, &y_seq))
        return NULL;
    Py_ssize_t n = PySequence_Size(x_seq);
    if (n < 0 || PySequence_Size(y_seq) != n) {
        PyErr_SetString(PyExc_ValueError, "ddot: x and y differ in length");
        return NULL;
    }
    double *x = malloc(sizeof(double) * (size_t)(n + 1)), *y = malloc(sizeof(double) * (size_t)(n + 1));
    PyObject *result = NULL;
    if (!x || !y)
        PyErr_NoMemory();
    else if (read_doubles(x_seq, x, n) == 0 && read_doubles(y_seq, y, n) == 0) {
        int in = (int)n, one = 1;
        result = PyFloat_FromDouble(ddot_(&in, x, &one, y, &one));
    }
    free(x), free(y);
    return result;
}

/* dgesv_ with N = -1: LAPACK reports parameter 1 through xerbla_. */
static PyObject *bad_lapack_call(PyObject *self, PyObject *unused) {
    int n = -1, nrhs = 1, lda = 1, ldb = 1, info = 0, ipiv[1];
    double a[1] = {1}, b[1] = {1};
    dgesv_(&n, &nrhs, a, &lda, ipiv, b, &ldb, &info);
    if (PyErr_Occurred())
        return NULL;
    return PyLong_FromLong(info); /* xerbla_ did not raise: LAPACK's own printed */
}

/* dgemv_ with TRANS = 'Q': BLAS reports parameter 1 through xerbla_. */
extern void dgemv_(const char *trans, const int *m, const int *n, const double *alpha, const double *a,
                   const int *lda, const double *x, const int *incx, const double *beta, double *y,
                   const int *incy, size_t trans_len);

static PyObject *bad_blas_call(PyObject *self, PyObject *unused) {
    int m = 1, n = 1, one = 1;
    double alpha = 1, beta = 0, a[1] = {1}, x[1] = {1}, y[1] = {0};
    dgemv_("Q", &m, &n, &alpha, a, &one, x, &one, &beta, y, &one, 1);
    if (PyErr_Occurred())
        return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"solve", solve, METH_VARARGS, "solve(a, b): x with A x = b (A row by row, n*n numbers)"},
    {"ddot", ddot, METH_VARARGS, "ddot(x, y): BLAS's dot product"},
    {"bad_lapack_call", bad_lapack_call, METH_NOARGS, "dgesv_ with N = -1"},
    {"bad_blas_call", bad_blas_call, METH_NOARGS, "dgemv_ with TRANS = 'Q'"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_solve", NULL, -1, methods};

PyMODINIT_FUNC PyInit__solve(void) { return PyModule_Create(&module); }
