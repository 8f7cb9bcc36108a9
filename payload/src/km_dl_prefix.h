/*
 * km_dl_prefix.h - optional renaming of the runtime's dl* functions.
 *
 * A static python.km replaces the C library's dlopen & co. with km_dl.c.
 * The sanitizer builds of the tests cannot do that: ThreadSanitizer and
 * AddressSanitizer need a dynamic executable, and their runtimes call the
 * real dlsym themselves. Those builds define KM_DL_PREFIX (for example
 * -DKM_DL_PREFIX=km_test_), which renames km_dl.c's functions and the
 * tests' calls alike, so the same logic runs under the sanitizer without
 * taking over the real dynamic loader. Without KM_DL_PREFIX this header
 * only includes <dlfcn.h>.
 */
#ifndef KM_DL_PREFIX_H
#define KM_DL_PREFIX_H

#include <dlfcn.h>

#ifdef KM_DL_PREFIX
#define KM_DL_PASTE_(p, n) p##n
#define KM_DL_PASTE(p, n) KM_DL_PASTE_(p, n)
#define dlopen KM_DL_PASTE(KM_DL_PREFIX, dlopen)
#define dlsym KM_DL_PASTE(KM_DL_PREFIX, dlsym)
#define dlclose KM_DL_PASTE(KM_DL_PREFIX, dlclose)
#define dlerror KM_DL_PASTE(KM_DL_PREFIX, dlerror)
#define dladdr KM_DL_PASTE(KM_DL_PREFIX, dladdr)
#define dlinfo KM_DL_PASTE(KM_DL_PREFIX, dlinfo)
void *dlopen(const char *file, int mode);
void *dlsym(void *handle, const char *name);
int dlclose(void *handle);
char *dlerror(void);
int dladdr(const void *addr, Dl_info *info);
int dlinfo(void *handle, int request, void *arg);
#endif

#endif /* KM_DL_PREFIX_H */
