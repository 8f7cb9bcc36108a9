/*
 * km_dl.h - the registry of pre-linked libraries inside a static python.km.
 *
 * kmpack generates one `<base>.km.symbols.c` per extension module. It fills
 * in a `km_dl_library` and registers it from a constructor, before `main`.
 * The runtime (km_dl.c) then answers dlopen/dlsym/dlclose/dlerror/dladdr
 * from the registered tables, and km_dl_open_id() opens a library by id.
 *
 * This header is the single definition of the table layout. kmpack's
 * generator (src/emit_c.cpp) emits code against it and a test compiles the
 * generated code with this header, so the two cannot drift apart.
 */
#ifndef KM_DL_H
#define KM_DL_H

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever the layout below changes; km_dl_register refuses others. */
#define KM_DL_ABI_VERSION 1

/* One exported symbol. Tables are sorted by `name` (strcmp order). */
typedef struct km_dl_symbol {
    const char *name;    /* the name the .so exported, e.g. "PyInit_spam" */
    void *addr;          /* the address of the renamed definition */
    unsigned long size;  /* st_size from the .so (0 when unknown), for dladdr */
} km_dl_symbol;

/* A deferred constructor or destructor (an .init_array / .fini_array entry). */
typedef void (*km_dl_fn)(void);

/*
 * A run of deferred functions: [begin, end). The generator emits one range
 * per renamed section (`km_init_<md5>`, `km_init_<md5>_p00101`, ...), in the
 * order the dynamic loader would have run them. `reverse` is set for legacy
 * `.ctors`/`.dtors` sections, whose entries run from the end to the start.
 * begin and end may both be NULL (an empty range).
 */
typedef struct km_dl_fn_range {
    km_dl_fn const *begin;
    km_dl_fn const *end;
    int reverse;
} km_dl_fn_range;

/* Flags of a library. */
#define KM_DL_MAIN_PROGRAM 0x1 /* the table of the whole program: dlopen(NULL) */

typedef struct km_dl_library {
    unsigned int abi_version;    /* KM_DL_ABI_VERSION */
    unsigned int flags;          /* KM_DL_* flags */
    const char *name;            /* file name: "uri.cpython-311-x86_64-linux-gnu.so" */
    const char *path;            /* package-relative path, the key:
                                    "falcon/routing/uri.cpython-311-x86_64-linux-gnu.so" */
    const char *id;              /* "<name>_<md5>_km", as in the .km.id file */
    const km_dl_symbol *symbols; /* sorted by name */
    unsigned long nsymbols;
    const km_dl_fn_range *init;  /* run in order on the first dlopen */
    unsigned long ninit;
    const km_dl_fn_range *fini;  /* run in reverse order at exit, if opened */
    unsigned long nfini;
    const char *const *needed;   /* package-relative paths opened first; for the
                                    KM_DL_MAIN_PROGRAM table, the file names of the
                                    system libraries linked into the program
                                    ("libc.so.6", "libssl.so.3"): dlopen of a path
                                    with such a file name answers with the main
                                    program */
    unsigned long nneeded;
} km_dl_library;

/*
 * Records `lib` (which must stay valid for the life of the process; the
 * generated tables are static). Safe to call from constructors in any order
 * and from several threads. Returns 0, or -1 when the library is refused
 * (wrong ABI version, NULL fields, a path already registered); the reason is
 * then available from km_dl_register_error(). The symbol table is checked
 * (sorted, no NULL name) at its first use: dlopen of a bad one fails.
 */
int km_dl_register(const km_dl_library *lib);

/* The reason the last failed km_dl_register() call on this thread failed. */
const char *km_dl_register_error(void);

/*
 * Opens the registered library whose id is `id` (km_dl_library.id, as in
 * its .km.id file) exactly as dlopen() of its path would: its needed
 * libraries are opened first, its deferred constructors run on the first
 * open, and a reference is taken. `mode` is dlopen's (RTLD_NOW,
 * RTLD_GLOBAL, RTLD_NOLOAD, ...). For code that knows the library but has
 * no path, such as the init functions of the built-in modules kmpack
 * generates (--mode=builtin). Returns the handle dlopen() gives for that
 * library, or NULL with the reason in dlerror():
 *   km_dl: %s: not a registered library id
 * (and dlopen's own messages for a needed library, RTLD_NOLOAD, memory).
 * An addition to the runtime's functions; the table layout, and so
 * KM_DL_ABI_VERSION, is unchanged. KM_DL_HAVE_OPEN_ID says it is there.
 */
#define KM_DL_HAVE_OPEN_ID 1
void *km_dl_open_id(const char *id, int mode);

#ifdef __cplusplus
}
#endif

#endif /* KM_DL_H */
