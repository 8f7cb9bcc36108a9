/*
 * km_onefile_main.c - the main of a python.km linked with --onefile.
 *
 * Such a python.km carries its whole run-time tree (the standard library,
 * the packages' Python files and data, kmpack's finder) as a zip archive
 * appended to the executable: the ELF loader never maps what follows the
 * last segment, and CPython's zipimport reads an archive with data in front
 * of it. Nothing is unpacked.
 *
 * This main starts CPython as python.km._pth starts a directory-mode
 * python.km, with the archive in place of the directory:
 *
 *   sys.path      <exe>/lib, <exe>/lib/python3.X (members of the archive)
 *   sys.prefix    <exe> itself, so sysconfig's stdlib and purelib name
 *                 the same members; site-packages do not exist on disk and
 *                 site adds none
 *   isolated      as a ._pth makes it: PYTHON* variables and the user's
 *                 site directory are ignored, the script's directory is not
 *                 put in front of sys.path
 *   site          imported, and runs the archive's sitecustomize, which
 *                 installs the finder of the extension modules
 *   frozen        on, as in a dynamic python3: os, codecs, io, site and the
 *                 other standard modules CPython freezes come from the
 *                 executable, not the archive, and their __file__ names
 *                 the archive's member (sys._stdlib_dir, see below); as in
 *                 a dynamic python3, their tracebacks say "<frozen os>";
 *                 -X frozen_modules=off takes them from the archive
 *
 * <exe> is found as CPython finds sys.executable: argv[0] when it holds a
 * '/', else the first executable of that name on PATH; /proc/self/exe
 * only when neither answers. It is then resolved (realpath), so a symbolic
 * link to python.km opens the real file. Before CPython starts, the file is
 * checked to end with a zip archive: a python.km that was stripped, or
 * found under the wrong name, says so instead of failing to find its
 * encodings.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <marshal.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The path of the running executable, resolved, or NULL. malloc'ed. */
static char *executable_path(const char *argv0) {
    if (argv0 && strchr(argv0, '/'))
        return realpath(argv0, NULL);
    const char *path = getenv("PATH");
    if (argv0 && *argv0 && path) {
        size_t name_len = strlen(argv0);
        for (const char *dir = path;; ++dir) {
            const char *end = strchr(dir, ':');
            size_t dir_len = end ? (size_t)(end - dir) : strlen(dir);
            char candidate[PATH_MAX];
            if (dir_len + 1 + name_len < sizeof candidate) {
                /* An empty entry is the current directory, as for execvp. */
                int n = dir_len ? snprintf(candidate, sizeof candidate, "%.*s/%s", (int)dir_len, dir, argv0)
                                : snprintf(candidate, sizeof candidate, "%s", argv0);
                struct stat st;
                if (n > 0 && stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0)
                    return realpath(candidate, NULL);
            }
            if (!end)
                break;
            dir = end;
        }
    }
    return realpath("/proc/self/exe", NULL);
}

/* The archive at the end of python.km: present, and where kmpack put its
 * directory ready-made (see below), or no directory (size 0). */
struct archive {
    int present;
    long long directory_at, directory_size;
};

/* kmpack writes a 42-byte comment "kmpack-directory <16 hex> <8 hex>" after
 * the end-of-central-directory record; without it (another writer, an older
 * kmpack) the record is the last 22 bytes. */
enum { EOCD_SIZE = 22, COMMENT_SIZE = 42 };

static struct archive find_archive(const char *path) {
    struct archive a = {0, 0, 0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return a;
    unsigned char tail[EOCD_SIZE + COMMENT_SIZE];
    if (fseek(f, -(long)sizeof tail, SEEK_END) == 0 && fread(tail, 1, sizeof tail, f) == sizeof tail &&
        memcmp(tail, "PK\5\6", 4) == 0 && tail[20] == COMMENT_SIZE && tail[21] == 0) {
        char comment[COMMENT_SIZE + 1];
        memcpy(comment, tail + EOCD_SIZE, COMMENT_SIZE);
        comment[COMMENT_SIZE] = 0;
        unsigned long long at, size;
        a.present = 1;
        if (sscanf(comment, "kmpack-directory %16llx %8llx", &at, &size) == 2) {
            a.directory_at = (long long)at;
            a.directory_size = (long long)size;
        }
    } else if (fseek(f, -EOCD_SIZE, SEEK_END) == 0 && fread(tail, 1, EOCD_SIZE, f) == EOCD_SIZE &&
               memcmp(tail, "PK\5\6", 4) == 0) {
        a.present = 1;
    }
    fclose(f);
    return a;
}

/* Hands zipimport the archive's directory, as kmpack marshalled it at link
 * time (name -> entry without its path), so that the first import does not
 * read some 1,500 entries in Python: zipimport's cache of directories
 * (zipimport._zip_directory_cache), keyed by the archive's path, is what
 * its importer looks in first. Runs between CPython's two phases of
 * initialisation: the frozen importers work, zipimport is not yet in use.
 * Any failure only leaves the cache empty (zipimport reads the directory
 * itself). */
static void preload_directory(const char *path, const wchar_t *exe, struct archive a) {
    if (a.directory_size <= 0)
        return;
    /* Some 1,500 tuples, marshalled and made: no collection meanwhile. */
    int gc_was_enabled = PyGC_Disable();
    char *blob = malloc((size_t)a.directory_size);
    FILE *f = fopen(path, "rb");
    int ok = blob && f && fseek(f, (long)a.directory_at, SEEK_SET) == 0 &&
             fread(blob, 1, (size_t)a.directory_size, f) == (size_t)a.directory_size;
    if (f)
        fclose(f);
    PyObject *marshalled = ok ? PyMarshal_ReadObjectFromString(blob, (Py_ssize_t)a.directory_size) : NULL;
    free(blob);
    PyObject *archive = PyUnicode_FromWideChar(exe, -1), *files = PyDict_New();
    PyObject *zipimport = PyImport_ImportModule("zipimport");
    PyObject *cache = zipimport ? PyObject_GetAttrString(zipimport, "_zip_directory_cache") : NULL;
    PyObject *archive_slash = archive ? PyUnicode_FromFormat("%U/", archive) : NULL;
    ok = marshalled && PyDict_Check(marshalled) && archive_slash && files && cache && PyDict_Check(cache);
    PyObject *name, *entry;
    Py_ssize_t pos = 0;
    while (ok && PyDict_Next(marshalled, &pos, &name, &entry)) {
        if (!PyUnicode_Check(name) || !PyTuple_Check(entry)) {
            ok = 0;
            break;
        }
        Py_ssize_t n = PyTuple_GET_SIZE(entry);
        PyObject *full = PyTuple_New(n + 1);
        /* As zipimport's _path_join: "<archive>/<name>", the name's trailing
         * '/' (a directory's) dropped. */
        Py_ssize_t len = PyUnicode_GET_LENGTH(name);
        while (len > 0 && PyUnicode_READ_CHAR(name, len - 1) == '/')
            --len;
        PyObject *stem = PyUnicode_Substring(name, 0, len);
        PyObject *member = stem ? PyUnicode_Concat(archive_slash, stem) : NULL;
        Py_XDECREF(stem);
        if (!full || !member) {
            Py_XDECREF(full);
            Py_XDECREF(member);
            ok = 0;
            break;
        }
        PyTuple_SET_ITEM(full, 0, member);
        for (Py_ssize_t i = 0; i < n; ++i) {
            PyObject *item = PyTuple_GET_ITEM(entry, i);
            Py_INCREF(item);
            PyTuple_SET_ITEM(full, i + 1, item);
        }
        /* Strings and integers only: as the collector itself would, take
         * it off its lists (it would walk them all at its next run). */
        PyObject_GC_UnTrack(full);
        ok = PyDict_SetItem(files, name, full) == 0;
        Py_DECREF(full);
    }
    if (ok)
        ok = PyDict_SetItem(cache, archive, files) == 0;
    if (!ok)
        PyErr_Clear();
    Py_XDECREF(cache);
    Py_XDECREF(zipimport);
    Py_XDECREF(files);
    Py_XDECREF(archive_slash);
    Py_XDECREF(archive);
    Py_XDECREF(marshalled);
    if (gc_was_enabled)
        PyGC_Enable();
}

/* A frozen module's __file__ is sys._stdlib_dir's file of that name, and
 * getpath leaves sys._stdlib_dir unset when the search path is given (as
 * here). It is set to <exe>/lib/python3.X between the two phases (for
 * zipimport, imported then), and again by a finder that CPython's second
 * phase meets at its first import, after it has set sys._stdlib_dir back
 * to None and before encodings, codecs, io and site are imported. The
 * finder, a module object whose find_spec is the C function below, goes in
 * front of BuiltinImporter and takes itself out at that first import; as
 * importlib iterates sys.meta_path itself, and so skips the finder after
 * the one removed, it answers as BuiltinImporter for that import. */
static PyObject *stdlib_dir; /* "<exe>/lib/python3.X" */

static PyObject *stdlib_dir_find_spec(PyObject *finder, PyObject *const *args, Py_ssize_t nargs) {
    if (PySys_SetObject("_stdlib_dir", stdlib_dir) < 0)
        return NULL;
    PyObject *meta_path = PySys_GetObject("meta_path"); /* borrowed */
    PyObject *builtin = meta_path && PyList_Check(meta_path) && PyList_GET_SIZE(meta_path) > 1
                            ? PyList_GET_ITEM(meta_path, 1)
                            : NULL;
    if (!builtin || PyList_GET_ITEM(meta_path, 0) != finder) {
        PyErr_SetString(PyExc_ImportError, "python.km: sys.meta_path changed before its first import");
        return NULL;
    }
    Py_INCREF(builtin);
    PyObject *find_spec = PySequence_DelItem(meta_path, 0) == 0 ? PyObject_GetAttrString(builtin, "find_spec") : NULL;
    Py_DECREF(builtin);
    PyObject *spec = find_spec ? PyObject_Vectorcall(find_spec, args, (size_t)nargs, NULL) : NULL;
    Py_XDECREF(find_spec);
    return spec;
}

static PyMethodDef stdlib_dir_method = {"find_spec", (PyCFunction)(void (*)(void))stdlib_dir_find_spec,
                                        METH_FASTCALL, NULL};

/* Sets sys._stdlib_dir, between the phases. This and the finder's
 * install print a failure, which leaves frozen modules without __file__. */
static void set_stdlib_dir(const wchar_t *home) {
    char suffix[32];
    snprintf(suffix, sizeof suffix, "/lib/python%d.%d", PY_MAJOR_VERSION, PY_MINOR_VERSION);
    PyObject *prefix = PyUnicode_FromWideChar(home, -1);
    stdlib_dir = prefix ? PyUnicode_FromFormat("%U%s", prefix, suffix) : NULL;
    Py_XDECREF(prefix);
    if (!stdlib_dir || PySys_SetObject("_stdlib_dir", stdlib_dir) < 0)
        PyErr_Print();
}

/* Puts the finder in front of sys.meta_path, after preload_directory. */
static void install_stdlib_dir_finder(void) {
    if (!stdlib_dir)
        return;
    PyObject *finder = PyModule_New("_kmpack_stdlib_dir");
    PyObject *find_spec = finder ? PyCFunction_New(&stdlib_dir_method, finder) : NULL;
    PyObject *meta_path = PySys_GetObject("meta_path"); /* borrowed */
    if (!find_spec || PyObject_SetAttrString(finder, "find_spec", find_spec) < 0 || !meta_path ||
        PyList_Insert(meta_path, 0, finder) < 0)
        PyErr_Print();
    Py_XDECREF(find_spec);
    Py_XDECREF(finder);
}

/* "<exe><suffix>" as a wide string, or NULL. PyMem_RawFree'd by the caller. */
static wchar_t *below(const wchar_t *exe, const char *suffix) {
    size_t len = wcslen(exe) + strlen(suffix) + 1;
    wchar_t *out = PyMem_RawMalloc(len * sizeof(wchar_t));
    if (out)
        swprintf(out, len, L"%ls%s", exe, suffix);
    return out;
}

static void fail_on(PyStatus status, PyConfig *config) {
    if (!PyStatus_Exception(status))
        return;
    PyConfig_Clear(config);
    Py_ExitStatusException(status);
}

int main(int argc, char **argv) {
    char *exe = executable_path(argc > 0 ? argv[0] : NULL);
    if (!exe) {
        fprintf(stderr, "python.km: cannot find its own file (from argv[0] '%s', PATH or /proc/self/exe): %s\n",
                argc > 0 ? argv[0] : "", strerror(errno));
        return 1;
    }
    struct archive archive = find_archive(exe);
    if (!archive.present) {
        fprintf(stderr,
                "python.km: %s carries no standard library: it was linked with --onefile, and its archive "
                "is gone (was it stripped?) or this is another file; link it again with kmpack\n",
                exe);
        return 1;
    }

    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    config.isolated = 1;
    config.use_environment = 0;
    config.user_site_directory = 0;
    config.safe_path = 1;
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030E0000
    config.use_frozen_modules = 1; /* __file__ from sys._stdlib_dir, set between the phases */
#else
    config.use_frozen_modules = 0; /* no second phase to set sys._stdlib_dir in: from the archive */
#endif
    config.pathconfig_warnings = 0;
    fail_on(PyConfig_SetBytesArgv(&config, argc, argv), &config);

    /* home: prefix and exec_prefix, and no ._pth or landmark search. */
    PyStatus status = PyConfig_SetBytesString(&config, &config.home, exe);
    fail_on(status, &config);
    char stdlib[32];
    snprintf(stdlib, sizeof stdlib, "/lib/python%d.%d", PY_MAJOR_VERSION, PY_MINOR_VERSION);
    wchar_t *paths[2] = {below(config.home, "/lib"), below(config.home, stdlib)};
    status = paths[0] && paths[1] ? PyConfig_SetWideStringList(&config, &config.module_search_paths, 2, paths)
                                  : PyStatus_NoMemory();
    PyMem_RawFree(paths[0]);
    PyMem_RawFree(paths[1]);
    fail_on(status, &config);
    config.module_search_paths_set = 1;

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030E0000
    /* Two phases (PEP 587's _init_main, private but kept through 3.13): the
     * directory goes in between them, before encodings is imported. */
    wchar_t *home = below(config.home, "");
    config._init_main = 0;
    fail_on(Py_InitializeFromConfig(&config), &config);
    PyConfig_Clear(&config);
    if (home) {
        set_stdlib_dir(home);
        preload_directory(exe, home, archive);
        install_stdlib_dir_finder();
    }
    PyMem_RawFree(home);
    free(exe);
    status = _Py_InitializeMain();
    if (PyStatus_Exception(status))
        Py_ExitStatusException(status);
#else
    free(exe);
    fail_on(Py_InitializeFromConfig(&config), &config);
    PyConfig_Clear(&config);
#endif
    return Py_RunMain();
}
