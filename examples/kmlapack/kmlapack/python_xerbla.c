/* LAPACK's and BLAS's error handler, replaced as numpy's python_xerbla.c
 * replaces it: a bad argument becomes a Python ValueError instead of a
 * message on stdout. Dynamically, the LAPACK this module loads binds its
 * calls to xerbla_ to this definition (the module's own exports come first
 * in its lookup scope). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stddef.h>

void xerbla_(const char *srname, const int *info, size_t srname_len) {
    static const char format[] = "On entry to %.*s parameter number %d had an illegal value";
    char buf[sizeof(format) + 32];
    int len = 0;
    while (len < (int)srname_len && len < 16 && srname[len] != '\0')
        len++;
    while (len > 0 && srname[len - 1] == ' ')
        len--;
    PyGILState_STATE save = PyGILState_Ensure();
    PyOS_snprintf(buf, sizeof(buf), format, len, srname, *info);
    PyErr_SetString(PyExc_ValueError, buf);
    PyGILState_Release(save);
}
