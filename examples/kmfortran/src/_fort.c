/* The C side of kmfortran: Python calls into the Fortran kernels. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdlib.h>

extern int kmf_calls; /* the Fortran module's variable (bind(C)) */
extern void kmf_axpy(int n, double a, const double *x, double *y);
extern double kmf_sum_squares(int n);
extern void kmf_quad_sqrt(double x, int digits, char *buf, int len);

/* axpy(a, x, y): a*x + y as a new list. */
static PyObject *axpy(PyObject *self, PyObject *args) {
    double a;
    PyObject *xs, *ys;
    if (!PyArg_ParseTuple(args, "dOO", &a, &xs, &ys))
        return NULL;
    Py_ssize_t n = PySequence_Size(xs);
    if (n < 0 || PySequence_Size(ys) != n || n > 1 << 20)
        return PyErr_Format(PyExc_ValueError, "axpy: x and y differ in length");
    double *x = malloc(sizeof(double) * (size_t)(n + 1)), *y = malloc(sizeof(double) * (size_t)(n + 1));
    PyObject *out = NULL;
    if (!x || !y) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *xi = PySequence_GetItem(xs, i), *yi = PySequence_GetItem(ys, i);
        x[i] = xi ? PyFloat_AsDouble(xi) : 0;
        y[i] = yi ? PyFloat_AsDouble(yi) : 0;
        Py_XDECREF(xi);
        Py_XDECREF(yi);
        if (PyErr_Occurred())
            goto done;
    }
    kmf_axpy((int)n, a, x, y);
    out = PyList_New(n);
    for (Py_ssize_t i = 0; out && i < n; i++)
        PyList_SET_ITEM(out, i, PyFloat_FromDouble(y[i]));
done:
    free(x);
    free(y);
    return out;
}

static PyObject *sum_squares(PyObject *self, PyObject *args) {
    int n;
    if (!PyArg_ParseTuple(args, "i", &n))
        return NULL;
    if (n < 1)
        return PyErr_Format(PyExc_ValueError, "sum_squares: n must be positive");
    return PyFloat_FromDouble(kmf_sum_squares(n));
}

static PyObject *quad_sqrt(PyObject *self, PyObject *args) {
    double x;
    int digits;
    if (!PyArg_ParseTuple(args, "di", &x, &digits))
        return NULL;
    if (x < 0 || digits < 1 || digits > 40)
        return PyErr_Format(PyExc_ValueError, "quad_sqrt: x >= 0 and 1 <= digits <= 40");
    char buf[80];
    kmf_quad_sqrt(x, digits, buf, (int)sizeof buf);
    return PyUnicode_FromString(buf);
}

static PyObject *calls(PyObject *self, PyObject *unused) { return PyLong_FromLong(kmf_calls); }

static PyMethodDef methods[] = {
    {"axpy", axpy, METH_VARARGS, "axpy(a, x, y): a*x + y, by the Fortran kernel"},
    {"sum_squares", sum_squares, METH_VARARGS, "sum_squares(n): 1**2 + ... + n**2, in Fortran"},
    {"quad_sqrt", quad_sqrt, METH_VARARGS, "quad_sqrt(x, digits): sqrt(x) in quad precision, as text"},
    {"calls", calls, METH_NOARGS, "how many times the Fortran kernels ran"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_fort", NULL, -1, methods};

PyMODINIT_FUNC PyInit__fort(void) { return PyModule_Create(&module); }
