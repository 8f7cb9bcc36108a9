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
 *   frozen        off: the standard modules come from the archive, so that
 *                 os.__file__ and the others are set, as they are in a
 *                 dynamic python3 (a frozen module gets its __file__ from a
 *                 standard library directory, which a zip member is not)
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

/* Whether `path` ends with a zip archive's end-of-central-directory record
 * (kmpack writes no archive comment, so it is the last 22 bytes). */
static int ends_with_archive(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char record[22];
    int ok = fseek(f, -(long)sizeof record, SEEK_END) == 0 && fread(record, 1, sizeof record, f) == sizeof record &&
             memcmp(record, "PK\5\6", 4) == 0;
    fclose(f);
    return ok;
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
    if (!ends_with_archive(exe)) {
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
    config.use_frozen_modules = 0;
    config.pathconfig_warnings = 0;
    fail_on(PyConfig_SetBytesArgv(&config, argc, argv), &config);

    /* home: prefix and exec_prefix, and no ._pth or landmark search. */
    PyStatus status = PyConfig_SetBytesString(&config, &config.home, exe);
    free(exe);
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

    fail_on(Py_InitializeFromConfig(&config), &config);
    PyConfig_Clear(&config);
    return Py_RunMain();
}
