/*
 * km_dl.c - dlopen, dlsym, dlclose, dlerror and dladdr for a static python.km,
 * and km_dl_open_id, which opens a registered library by its id.
 *
 * A fully static executable cannot map a real .so. kmpack links every
 * extension module into python.km under renamed symbols, and a generated
 * constructor per module registers its table (km_dl.h) with
 * km_dl_register(). The functions below answer the dl* calls of Python
 * and of the modules from those tables. They replace the C library's:
 * glibc's libc.a defines dlopen & co. as weak symbols, and musl's archive
 * members are only pulled in for symbols still undefined, so our object
 * wins when it comes before libc.a on the link line. dlinfo is defined
 * too (it fails), or a call to it would pull musl's dlerror in twice.
 *
 * Libraries are never unmapped: dlclose only drops a reference, and
 * constructors run once, on the first dlopen, given (argc, argv, environ)
 * as glibc gives them. Destructors run at exit for
 * every library whose constructors ran, last initialised first.
 *
 * Data
 *
 *   libs     every registered library, in a segmented array (segment k
 *            holds SEG0 << k entries) so that entries never move. A handle
 *            is a pointer to an entry, validated by comparing addresses
 *            (lib_of), never by reading what the caller passed.
 *   by_path  the libraries but the main program, sorted by their paths
 *            read backwards component by component (reverse_path), so
 *            that the ones sharing the most trailing components with a
 *            path are found by one binary search; by_id, sorted by id.
 *   globals  the libraries opened with RTLD_GLOBAL, in open order.
 *
 * Locking
 *
 *   lock       rwlock over all of the above. Written by registration,
 *              dlopen, dlclose and dladdr (which builds its index lazily);
 *              read by path resolution and by dlsym on RTLD_DEFAULT and on
 *              the main handle.
 *   init_lock  recursive mutex, held while deferred constructors or
 *              destructors run: concurrent first opens wait for them, and
 *              a constructor may itself call dlopen. Taken before lock,
 *              never after; lock is never held while library code runs.
 *
 *   table_lock mutex, held while a library's symbol table is checked and
 *              its keys computed, at its first use (table_of). Taken after
 *              lock, never before.
 *
 *   dlsym on a library handle takes no lock and allocates nothing: what it
 *   reads is fixed at registration, published by the release store of
 *   nlibs (and of the entry's segment), or by the release store of the
 *   table's keys before the handle was first returned; the open count is
 *   an atomic.
 *
 * A symbol table that is not strictly sorted by strcmp is refused (rather
 * than sorting a private copy), so dlsym has one simple path, a binary
 * search (see lookup). The table is checked, and its keys computed, at its
 * first use, not at registration: python.km registers a hundred tables
 * before main, most of which a run never opens, and reading every name of
 * each would be a tenth of its start-up. dlopen of a library with a bad
 * table fails, naming the fault. dladdr sorts all symbols by address on
 * first use, and again after later registrations.
 *
 * Error messages (dlerror)
 *
 *   km_dl: %s: not a pre-linked library (no registered path ends with '%s', no %s)
 *     (unless it is a system library linked into the program, see linked_in:
 *     then dlopen answers with the main program)
 *   km_dl: %s: not a pre-linked library (no registered path ends with '%s', cannot read %s)
 *   km_dl: %s: ambiguous (matches %s, %s[, ...])
 *   km_dl: %s: %s names '%s', which is not a registered library id
 *   km_dl: %s: not open (RTLD_NOLOAD)
 *   km_dl: %s: not a registered library id       (km_dl_open_id)
 *   km_dl: km_dl_open_id: NULL id
 *   km_dl: %s: needed library '%s' is not registered
 *   km_dl: %s: symbol %lu has a NULL name            (dlopen, or dlsym on the
 *   km_dl: %s: symbol table not sorted: '%s' (index %lu) must sort before '%s' (index %lu)
 *   km_dl: %s: symbol '%s' is listed twice (index %lu)  main program: its table's first use)
 *   km_dl: %s: out of memory
 *   km_dl: %s: undefined symbol: %s
 *   km_dl: RTLD_DEFAULT: undefined symbol: %s     (NULL, RTLD_DEFAULT, RTLD_NEXT)
 *   km_dl: main program: undefined symbol: %s     (the dlopen(NULL) handle)
 *   km_dl: dlsym: invalid handle 0x%lx
 *   km_dl: %s: dlsym on a closed handle
 *   km_dl: dlclose: invalid handle 0x%lx
 *   km_dl: %s: dlclose on a closed handle
 *   km_dl: dlinfo: not supported
 *
 * The first %s is dlopen's argument or the library's registered path. In
 * the first two, the second is the argument's file name and the third the
 * .km.id file looked for: the argument with a trailing ".so" replaced by
 * ".km.id" (".km.id" appended when there is none). Ambiguous matches are
 * listed in by_path order. A message stays until dlerror() reads it, as
 * POSIX says: a later success does not clear it. Long messages are cut.
 *
 * Refusals (km_dl_register_error)
 *
 *   km_dl_register: NULL library
 *   km_dl_register: %s: ABI version %u, expected %u
 *   km_dl_register: %s: NULL or empty name, path or id
 *   km_dl_register: %s: malformed path (absolute, an empty component or a control character)
 *   km_dl_register: %s: name '%s' is not the file name of the path
 *   km_dl_register: %s: NULL array with a non-zero count
 *   km_dl_register: %s: init range %lu is malformed          (or fini)
 *   km_dl_register: %s: needed entry %lu is NULL
 *   km_dl_register: %s: path already registered
 *   km_dl_register: %s: id '%s' already registered by %s
 *   km_dl_register: %s: a main-program table is already registered
 *   km_dl_register: %s: out of memory
 *
 * where %s is the path ("main program" for a KM_DL_MAIN_PROGRAM table
 * without one, "(null)" when NULL).
 */
#define _GNU_SOURCE
#include "km_dl.h"
#include "km_dl_prefix.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The first 16 bytes of a symbol name, zero padded, read as a big-endian
 * number: keys order like strcmp orders the names. (unsigned __int128 is
 * a GCC and Clang extension, there on every 64-bit target.)
 */
typedef unsigned __int128 key;

struct lib {
	const km_dl_library *def;
	char *rev;            /* reverse_path(def->path); NULL for the main program */
	key *_Atomic keys;    /* key_of() each symbol name, for lookup(); NULL until
	                         the table's first use (table_of) */
	char *refused;        /* why the table is not usable, once found (table_lock) */
	uintptr_t lowest;     /* lowest symbol address, dladdr's dli_fbase (lock) */
	atomic_int refcnt;    /* open count; dlsym reads it without the lock */
	atomic_int inited;    /* constructors done (set under init_lock) */
	int running;          /* constructors running (under init_lock) */
	int global;           /* in globals[] (under lock) */
};

#define SEG0 64UL
#define NSEG 26
#define SEG_SIZE(k) (SEG0 << (k))

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lib *_Atomic segs[NSEG];
static atomic_size_t nlibs;
static struct lib *main_lib;
static struct lib **by_path, **by_id;
static size_t nnamed, cap_path, cap_id;
static struct lib **globals;
static size_t nglobals, cap_globals;

static pthread_once_t init_lock_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t init_lock;
static struct lib **init_order;
static size_t ninit_order, cap_init_order;
static int atexit_done;

/* What dlopen(NULL) returns. Only its address matters. */
static char main_handle;

static _Thread_local char err_buf[1024];
static _Thread_local int err_pending;
static _Thread_local char reg_err_buf[512];

static void set_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err_buf, sizeof err_buf, fmt, ap);
	va_end(ap);
	err_pending = 1;
}

static int refuse(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reg_err_buf, sizeof reg_err_buf, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *lib_path(const km_dl_library *d)
{
	if (d->path && *d->path)
		return d->path;
	return d->flags & KM_DL_MAIN_PROGRAM ? "main program" : "(null)";
}

static const char *file_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Makes room in *a, holding n of *cap entries, for one more. */
static int grow(struct lib ***a, size_t *cap, size_t n)
{
	struct lib **p;
	size_t c = *cap ? *cap * 2 : 16;
	if (n < *cap)
		return 0;
	if (!(p = realloc(*a, c * sizeof *p)))
		return -1;
	*a = p;
	*cap = c;
	return 0;
}

/* ---- the library array and handles ---- */

/* The entry of library i. Under lock. */
static struct lib *lib_at(size_t i)
{
	size_t k = 0, first = 0;
	while (i - first >= SEG_SIZE(k))
		first += SEG_SIZE(k++);
	return segs[k] + (i - first);
}

/* The entry for the next library, allocating its segment. Under lock. */
static struct lib *new_slot(void)
{
	size_t i = atomic_load_explicit(&nlibs, memory_order_relaxed), k = 0, first = 0;
	while (i - first >= SEG_SIZE(k))
		first += SEG_SIZE(k++);
	if (k >= NSEG)
		return 0;
	if (!segs[k]) {
		struct lib *s = calloc(SEG_SIZE(k), sizeof *s);
		if (!s)
			return 0;
		atomic_store_explicit(&segs[k], s, memory_order_release);
	}
	return segs[k] + (i - first);
}

/*
 * The library a handle points at, or NULL when it points at no registered
 * library (the main program's entry is no handle either). Only compares
 * addresses, so any value is safe. Needs no lock: a segment is published
 * before nlibs counts entries in it.
 */
static struct lib *lib_of(const void *h)
{
	size_t n = atomic_load_explicit(&nlibs, memory_order_acquire);
	uintptr_t p = (uintptr_t)h, first = 0;
	for (int k = 0; k < NSEG; first += SEG_SIZE(k), k++) {
		struct lib *s = atomic_load_explicit(&segs[k], memory_order_acquire);
		uintptr_t off = p - (uintptr_t)s;
		if (!s)
			break;
		if (p < (uintptr_t)s || off >= SEG_SIZE(k) * sizeof *s)
			continue;
		if (off % sizeof *s || first + off / sizeof *s >= n)
			return 0;
		s += off / sizeof *s;
		return s->def->flags & KM_DL_MAIN_PROGRAM ? 0 : s;
	}
	return 0;
}

/* ---- symbol lookup ---- */

static key key_of(const char *s)
{
	uint64_t hi = 0, lo = 0;
	int i = 0;
	for (; i < 8 && s[i]; i++)
		hi |= (uint64_t)(unsigned char)s[i] << (56 - 8 * i);
	for (; i >= 8 && i < 16 && s[i]; i++)
		lo |= (uint64_t)(unsigned char)s[i] << (120 - 8 * i);
	return (key)hi << 64 | lo;
}

/*
 * Binary search of lib's table, sorted by strcmp (checked at registration),
 * in two steps. First the run [lo, hi) of names with the same key as
 * `name`, over the dense array of keys: its lower and upper bound are
 * searched together, without branches (for random lookups they would be a
 * coin toss for the branch predictor), and four ways at a time while the
 * range is large, to halve the chain of dependent loads. Then strcmp over
 * that run, which is one name long unless names share their first 16
 * bytes. A name shorter than that is all in its key: no strcmp at all.
 */
static const km_dl_symbol *lookup(const struct lib *lib, const char *name)
{
	const km_dl_symbol *s = lib->def->symbols;
	const key *keys = atomic_load_explicit(&lib->keys, memory_order_acquire), *a = keys, *b = keys,
	          k = key_of(name);
	size_t n = lib->def->nsymbols, lo, hi;

	if (!n)
		return 0;
	for (size_t q; (q = n / 4); n -= 3 * q) {
		a += ((a[q] < k) + (a[2 * q] < k) + (a[3 * q] < k)) * q;
		b += ((b[q] <= k) + (b[2 * q] <= k) + (b[3 * q] <= k)) * q;
	}
	for (; n > 1; n -= n / 2) {
		a += (a[n / 2] < k) * (n / 2);
		b += (b[n / 2] <= k) * (n / 2);
	}
	lo = a - keys + (*a < k);
	hi = b - keys + (*b <= k);
	if (lo < hi && !(k & 0xff))
		return &s[lo];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, s[mid].name);
		if (!c)
			return &s[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* ---- paths read backwards ---- */

#define SEP '\1' /* between components in a reversed path: sorts first */

/*
 * Writes the components of path in reverse order, separated by SEP, to dst
 * (of at least strlen(path) + 1 bytes): "falcon/routing/uri.so" becomes
 * "uri.so" SEP "routing" SEP "falcon". strcmp orders such strings by the
 * last component, then the one before, and so on; a path whose components
 * all end another's sorts right before it. Runs of slashes count as one,
 * a leading one is dropped, a trailing one leaves an empty file name.
 */
static void reverse_path(char *dst, const char *path)
{
	size_t end = strlen(path), s;
	for (;;) {
		for (s = end; s && path[s - 1] != '/'; s--)
			;
		memcpy(dst, path + s, end - s);
		dst += end - s;
		while (s && path[s - 1] == '/')
			s--;
		if (!s)
			break;
		*dst++ = SEP;
		end = s;
	}
	*dst = 0;
}

/*
 * How many whole components the reversed paths q and r (registered) have
 * in common at their start; *whole is set when that is all of r.
 */
static size_t common_components(const char *q, const char *r, int *whole)
{
	size_t n = 0;
	*whole = 0;
	for (;; q++, r++) {
		int qend = !*q || *q == SEP, rend = !*r || *r == SEP;
		if (qend && rend) {
			n++;
			if (!*r)
				*whole = 1;
			if (!*r || !*q)
				return n;
		} else if (*q != *r) {
			return n;
		}
	}
}

/* Index in by_path of the first entry not before rev. Under lock. */
static size_t path_pos(const char *rev)
{
	size_t lo = 0, hi = nnamed;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(by_path[mid]->rev, rev) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Index in by_id of the first entry not before id. Under lock. */
static size_t id_pos(const char *id)
{
	size_t lo = 0, hi = nnamed;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(by_id[mid]->def->id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- registration ---- */

static int check_path(const char *p)
{
	if (*p == '/')
		return -1;
	for (; *p; p++)
		if ((unsigned char)*p < ' ' || (*p == '/' && (p[1] == '/' || !p[1])))
			return -1;
	return 0;
}

static int check_ranges(const km_dl_library *d, const km_dl_fn_range *r,
                        unsigned long n, const char *what)
{
	for (unsigned long i = 0; i < n; i++)
		if (!r[i].begin != !r[i].end || r[i].begin > r[i].end)
			return refuse("km_dl_register: %s: %s range %lu is malformed",
			              lib_path(d), what, i);
	return 0;
}

static int check_symbols(const km_dl_library *d)
{
	const km_dl_symbol *s = d->symbols;
	for (unsigned long i = 0; i < d->nsymbols; i++) {
		int c;
		if (!s[i].name)
			return refuse("km_dl: %s: symbol %lu has a NULL name", lib_path(d), i);
		if (!i)
			continue;
		c = strcmp(s[i - 1].name, s[i].name);
		if (!c)
			return refuse("km_dl: %s: symbol '%s' is listed twice (index %lu)",
			              lib_path(d), s[i].name, i);
		if (c > 0)
			return refuse("km_dl: %s: symbol table not sorted: "
			              "'%s' (index %lu) must sort before '%s' (index %lu)",
			              lib_path(d), s[i].name, i, s[i - 1].name, i - 1);
	}
	return 0;
}

/* Everything about d that can be checked without the lock. */
static int check(const km_dl_library *d)
{
	int main_prog;
	if (!d)
		return refuse("km_dl_register: NULL library");
	main_prog = d->flags & KM_DL_MAIN_PROGRAM;
	if (d->abi_version != KM_DL_ABI_VERSION)
		return refuse("km_dl_register: %s: ABI version %u, expected %u",
		              lib_path(d), d->abi_version, KM_DL_ABI_VERSION);
	if (!main_prog && (!d->name || !*d->name || !d->path || !*d->path || !d->id || !*d->id))
		return refuse("km_dl_register: %s: NULL or empty name, path or id", lib_path(d));
	if (!main_prog && check_path(d->path))
		return refuse("km_dl_register: %s: malformed path "
		              "(absolute, an empty component or a control character)", d->path);
	if (!main_prog && strcmp(d->name, file_name(d->path)))
		return refuse("km_dl_register: %s: name '%s' is not the file name of the path",
		              d->path, d->name);
	if ((d->nsymbols && !d->symbols) || (d->ninit && !d->init) ||
	    (d->nfini && !d->fini) || (d->nneeded && !d->needed))
		return refuse("km_dl_register: %s: NULL array with a non-zero count", lib_path(d));
	for (unsigned long i = 0; i < d->nneeded; i++)
		if (!d->needed[i])
			return refuse("km_dl_register: %s: needed entry %lu is NULL", lib_path(d), i);
	if (check_ranges(d, d->init, d->ninit, "init") || check_ranges(d, d->fini, d->nfini, "fini"))
		return -1;
	return 0;
}

static void insert_at(struct lib **a, size_t n, size_t at, struct lib *lib)
{
	memmove(a + at + 1, a + at, (n - at) * sizeof *a);
	a[at] = lib;
}

/* Fills in lib for d: its reversed path. The symbol table waits for table_of. */
static int prepare(struct lib *lib, const km_dl_library *d)
{
	if (!(d->flags & KM_DL_MAIN_PROGRAM)) {
		if (!(lib->rev = malloc(strlen(d->path) + 1)))
			return refuse("km_dl_register: %s: out of memory", lib_path(d));
		reverse_path(lib->rev, d->path);
	}
	lib->def = d;
	return 0;
}

/*
 * lib's keys, the table checked (check_symbols) and keyed at its first
 * use; NULL when it is refused, with why in lib->refused (or out of
 * memory). Published by a release store, so that a thread that sees the
 * keys sees them whole.
 */
static const key *ready_table(struct lib *lib)
{
	key *keys = atomic_load_explicit(&lib->keys, memory_order_acquire);
	const km_dl_library *d = lib->def;

	if (keys)
		return keys;
	pthread_mutex_lock(&table_lock);
	keys = atomic_load_explicit(&lib->keys, memory_order_relaxed);
	if (!keys && !lib->refused) {
		if (check_symbols(d))
			lib->refused = strdup(reg_err_buf);
		else if ((keys = malloc(d->nsymbols * sizeof *keys + 1))) {
			for (unsigned long i = 0; i < d->nsymbols; i++)
				keys[i] = key_of(d->symbols[i].name);
			atomic_store_explicit(&lib->keys, keys, memory_order_release);
		}
	}
	pthread_mutex_unlock(&table_lock);
	return keys;
}

/* ready_table, saying why not in dlerror. */
static const key *table_of(struct lib *lib)
{
	const key *keys = ready_table(lib);
	if (!keys) {
		if (lib->refused)
			set_error("%s", lib->refused);
		else
			set_error("km_dl: %s: out of memory", lib_path(lib->def));
	}
	return keys;
}

/*
 * Records d (checked) in lib (prepared): the main program, or in by_path
 * and by_id. Returns the refusal, if any. Under lock.
 */
static int add(struct lib *lib, const km_dl_library *d)
{
	size_t np, ni;
	if (d->flags & KM_DL_MAIN_PROGRAM) {
		if (main_lib)
			return refuse("km_dl_register: %s: a main-program table is already registered",
			              lib_path(d));
		main_lib = lib;
		return 0;
	}
	np = path_pos(lib->rev);
	if (np < nnamed && !strcmp(by_path[np]->rev, lib->rev))
		return refuse("km_dl_register: %s: path already registered", d->path);
	ni = id_pos(d->id);
	if (ni < nnamed && !strcmp(by_id[ni]->def->id, d->id))
		return refuse("km_dl_register: %s: id '%s' already registered by %s",
		              d->path, d->id, by_id[ni]->def->path);
	if (grow(&by_path, &cap_path, nnamed) || grow(&by_id, &cap_id, nnamed))
		return refuse("km_dl_register: %s: out of memory", d->path);
	insert_at(by_path, nnamed, np, lib);
	insert_at(by_id, nnamed, ni, lib);
	nnamed++;
	return 0;
}

int km_dl_register(const km_dl_library *d)
{
	struct lib *lib;
	int r = -1;

	if (check(d))
		return -1;
	pthread_rwlock_wrlock(&lock);
	if (!(lib = new_slot())) {
		refuse("km_dl_register: %s: out of memory", lib_path(d));
	} else if (!(r = prepare(lib, d)) && !(r = add(lib, d))) {
		atomic_fetch_add_explicit(&nlibs, 1, memory_order_release);
	} else {
		free(lib->rev);
		memset(lib, 0, sizeof *lib);
	}
	pthread_rwlock_unlock(&lock);
	return r;
}

const char *km_dl_register_error(void)
{
	return reg_err_buf;
}

/* ---- path resolution ---- */

enum { FOUND, NONE, AMBIGUOUS };

/*
 * Finds the run by_path[*lo, *hi) of the libraries sharing the most
 * trailing components with the path reversed in rev; by_path's order puts
 * them next to where rev sorts. FOUND (*out) when that is one library, or
 * one matched in full (for "/x/a/b.so", "a/b.so" beats "y/a/b.so"); NONE
 * when not even the file name matches; else AMBIGUOUS. Under lock.
 */
static int match_path(const char *rev, struct lib **out, size_t *lo, size_t *hi)
{
	size_t pos = path_pos(rev), best = 0, n;
	int whole;

	*out = 0;
	if (pos > 0)
		best = common_components(rev, by_path[pos - 1]->rev, &whole);
	if (pos < nnamed && (n = common_components(rev, by_path[pos]->rev, &whole)) > best)
		best = n;
	if (!best)
		return NONE;
	for (*lo = pos; *lo > 0 && common_components(rev, by_path[*lo - 1]->rev, &whole) == best; --*lo)
		if (whole)
			*out = by_path[*lo - 1];
	for (*hi = pos; *hi < nnamed && common_components(rev, by_path[*hi]->rev, &whole) == best; ++*hi)
		if (whole)
			*out = by_path[*hi];
	if (!*out && *hi - *lo == 1)
		*out = by_path[*lo];
	return *out ? FOUND : AMBIGUOUS;
}

/* Sets the error naming the equally good matches by_path[lo, hi). */
static void ambiguous_error(const char *file, size_t lo, size_t hi)
{
	size_t len;
	set_error("km_dl: %s: ambiguous (matches ", file);
	for (size_t i = lo; i < hi; i++) {
		len = strlen(err_buf);
		snprintf(err_buf + len, sizeof err_buf - len, "%s%s", i > lo ? ", " : "",
		         by_path[i]->def->path);
	}
	len = strlen(err_buf);
	snprintf(err_buf + len, sizeof err_buf - len, ")");
}

/* The library registered under exactly `path`, if it fits in rev. Under lock. */
static struct lib *find_path(const char *path)
{
	char rev[4096];
	size_t i;
	if (strlen(path) >= sizeof rev)
		return 0;
	reverse_path(rev, path);
	i = path_pos(rev);
	return i < nnamed && !strcmp(by_path[i]->def->path, path) ? by_path[i] : 0;
}

/* The library with this id. Under lock. */
static struct lib *find_id(const char *id)
{
	size_t i = id_pos(id);
	return i < nnamed && !strcmp(by_id[i]->def->id, id) ? by_id[i] : 0;
}

/*
 * Reads the .km.id file beside `file` ("d/x.so" -> "d/x.km.id") into id,
 * without trailing white space; its name goes to kmid. Returns 0, -1 when
 * there is no such file, -2 when it cannot be read. Keeps errno.
 */
static int read_id(const char *file, char *kmid, size_t kmid_size, char *id, size_t id_size)
{
	size_t n = strlen(file);
	int fd, e = errno, r = -2;
	ssize_t len;

	if (n >= 3 && !strcmp(file + n - 3, ".so"))
		n -= 3;
	if (snprintf(kmid, kmid_size, "%.*s.km.id", (int)n, file) >= (int)kmid_size)
		return -2;
	if ((fd = open(kmid, O_RDONLY | O_CLOEXEC)) < 0) {
		r = errno == ENOENT || errno == ENOTDIR ? -1 : -2;
	} else {
		len = read(fd, id, id_size - 1);
		close(fd);
		if (len >= 0) {
			while (len > 0 && id[len - 1] && strchr(" \t\r\n\v\f", id[len - 1]))
				len--;
			id[len] = 0;
			r = 0;
		}
	}
	errno = e;
	return r;
}

/*
 * The library `file` names: by its trailing path components, else (none
 * or ambiguous) by the id in the .km.id file beside it, read without the
 * lock. A path too long for rev can only be found by its .km.id file.
 */
static struct lib *find(const char *file)
{
	char rev[4096], kmid[4096 + 16], id[256];
	int fits = strlen(file) < sizeof rev, r;
	struct lib *lib = 0;
	size_t lo, hi;

	if (fits) {
		reverse_path(rev, file);
		pthread_rwlock_rdlock(&lock);
		r = match_path(rev, &lib, &lo, &hi);
		pthread_rwlock_unlock(&lock);
		if (r == FOUND)
			return lib;
	}
	r = read_id(file, kmid, sizeof kmid, id, sizeof id);
	pthread_rwlock_rdlock(&lock);
	if (!r) {
		if (!(lib = find_id(id)))
			set_error("km_dl: %s: %s names '%s', which is not a registered library id",
			          file, kmid, id);
	} else if (fits && match_path(rev, &lib, &lo, &hi) == AMBIGUOUS) {
		ambiguous_error(file, lo, hi);
	} else if (!lib) {
		set_error("km_dl: %s: not a pre-linked library (no registered path ends with '%s', %s %s)",
		          file, file_name(file), r == -1 ? "no" : "cannot read", kmid);
	}
	pthread_rwlock_unlock(&lock);
	return lib;
}

/* ---- references, constructors, destructors ---- */

/* Puts lib at the end of the RTLD_GLOBAL search order. Under lock. */
static int make_global(struct lib *lib)
{
	if (lib->global)
		return 0;
	if (grow(&globals, &cap_globals, nglobals))
		return -1;
	globals[nglobals++] = lib;
	lib->global = 1;
	return 0;
}

static void drop_global(struct lib *lib)
{
	size_t i = 0;
	while (globals[i] != lib)
		i++;
	memmove(globals + i, globals + i + 1, (--nglobals - i) * sizeof *globals);
	lib->global = 0;
}

/* Takes a reference to lib; with RTLD_NOLOAD only if it is open already. */
static int ref(struct lib *lib, int mode)
{
	int r = -1;
	pthread_rwlock_wrlock(&lock);
	if ((mode & RTLD_NOLOAD) && !atomic_load_explicit(&lib->refcnt, memory_order_relaxed)) {
		set_error("km_dl: %s: not open (RTLD_NOLOAD)", lib->def->path);
	} else if ((mode & RTLD_GLOBAL) && make_global(lib)) {
		set_error("km_dl: %s: out of memory", lib->def->path);
	} else {
		atomic_fetch_add_explicit(&lib->refcnt, 1, memory_order_relaxed);
		r = 0;
	}
	pthread_rwlock_unlock(&lock);
	return r;
}

/*
 * The program's argc and argv, which glibc passes to every .init_array
 * function, a static program's included. A library's constructors get
 * them, with the environment, as the dynamic loader gives them on dlopen:
 * Rust's standard library keeps them for std::env::args().
 */
static int prog_argc;
static char **prog_argv;

#ifdef __GLIBC__ /* musl calls them with none, for programs and libraries alike */
__attribute__((constructor)) static void save_program_args(int argc, char **argv, char **envp)
{
	(void)envp;
	prog_argc = argc;
	prog_argv = argv;
}
#endif

typedef void (*init_fn)(int, char **, char **);

/*
 * Runs the functions of a range from begin to end, or from end to begin
 * when `backwards` differs from the range's reverse flag; constructors
 * (`init`) with (argc, argv, environ), as glibc calls them. Skips 0 and -1,
 * the terminators of legacy .ctors/.dtors lists.
 */
static void run_range(const km_dl_fn_range *r, int backwards, int init)
{
	size_t n = r->begin ? (size_t)(r->end - r->begin) : 0;
	for (size_t i = 0; i < n; i++) {
		km_dl_fn f = r->begin[backwards != !!r->reverse ? n - 1 - i : i];
		if (!f || (uintptr_t)f == UINTPTR_MAX)
			continue;
		if (init)
			((init_fn)f)(prog_argc, prog_argv, environ);
		else
			f();
	}
}

/* At exit: the destructors of every initialised library, last one first. */
static void run_fini(void)
{
	pthread_mutex_lock(&init_lock);
	while (ninit_order) {
		const km_dl_library *d = init_order[--ninit_order]->def;
		for (unsigned long i = d->nfini; i-- > 0;)
			run_range(&d->fini[i], 1, 0);
	}
	pthread_mutex_unlock(&init_lock);
}

static void setup_init_lock(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&init_lock, &a);
	pthread_mutexattr_destroy(&a);
}

static int init(struct lib *lib, int mode);

/* Opens a library lib needs, for good: the reference is never dropped. */
static int open_needed(const struct lib *lib, const char *path, int mode)
{
	struct lib *dep;
	pthread_rwlock_rdlock(&lock);
	dep = find_path(path);
	pthread_rwlock_unlock(&lock);
	if (!dep) {
		set_error("km_dl: %s: needed library '%s' is not registered", lib->def->path, path);
		return -1;
	}
	if (!table_of(dep))
		return -1;
	return init(dep, mode) || ref(dep, mode & RTLD_GLOBAL);
}

/*
 * Opens lib's needed libraries, runs its constructors, and queues it for
 * the destructors at exit. Under init_lock. `running` makes a nested open
 * of lib on this thread (a constructor calling dlopen, a cycle of needed
 * libraries) return at once instead of running them twice.
 */
static int run_init(struct lib *lib, int mode)
{
	const km_dl_library *d = lib->def;
	int r = 0;

	lib->running = 1;
	for (unsigned long i = 0; i < d->nneeded && !r; i++)
		r = open_needed(lib, d->needed[i], mode);
	if (!r) {
		for (unsigned long i = 0; i < d->ninit; i++)
			run_range(&d->init[i], 0, 1);
		/* Fails only when out of memory; lib's destructors are then lost. */
		if (!grow(&init_order, &cap_init_order, ninit_order))
			init_order[ninit_order++] = lib;
		if (!atexit_done)
			atexit_done = !atexit(run_fini);
		atomic_store_explicit(&lib->inited, 1, memory_order_release);
	}
	lib->running = 0;
	return r;
}

/* Runs lib's constructors unless done; waits while another thread does. */
static int init(struct lib *lib, int mode)
{
	int r = 0;
	if (atomic_load_explicit(&lib->inited, memory_order_acquire))
		return 0;
	pthread_once(&init_lock_once, setup_init_lock);
	pthread_mutex_lock(&init_lock);
	if (!atomic_load_explicit(&lib->inited, memory_order_relaxed) && !lib->running)
		r = run_init(lib, mode);
	pthread_mutex_unlock(&init_lock);
	return r;
}

/*
 * Whether file names a system library the program was linked with: its
 * file name is one the main table lists ("libc.so.6", "libssl.so.3"). Its
 * symbols are the program's own. main_lib's list is fixed once registered.
 */
static int linked_in(const char *file)
{
	const km_dl_library *d;
	const char *base = file_name(file);
	pthread_rwlock_rdlock(&lock);
	d = main_lib ? main_lib->def : 0;
	pthread_rwlock_unlock(&lock);
	for (unsigned long i = 0; d && i < d->nneeded; i++)
		if (!strcmp(base, d->needed[i]))
			return 1;
	return 0;
}

/* ---- the dl* functions ---- */

/* Opens lib found by dlopen or km_dl_open_id: constructors, then a reference. */
static void *open_lib(struct lib *lib, int mode)
{
	if (!table_of(lib))
		return 0;
	/* A reference only if open; then wait for a concurrent first open. */
	if (mode & RTLD_NOLOAD)
		return ref(lib, mode) || init(lib, mode) ? 0 : lib;
	return init(lib, mode) || ref(lib, mode) ? 0 : lib;
}

void *dlopen(const char *file, int mode)
{
	struct lib *lib;
	if (!file)
		return &main_handle;
	if ((lib = find(file)))
		return open_lib(lib, mode);
	if (!linked_in(file))
		return 0;
	err_pending = 0; /* find's complaint does not apply */
	return &main_handle;
}

void *km_dl_open_id(const char *id, int mode)
{
	struct lib *lib;
	if (!id) {
		set_error("km_dl: km_dl_open_id: NULL id");
		return 0;
	}
	pthread_rwlock_rdlock(&lock);
	lib = find_id(id);
	pthread_rwlock_unlock(&lock);
	if (!lib) {
		set_error("km_dl: %s: not a registered library id", id);
		return 0;
	}
	return open_lib(lib, mode);
}

/* The main program's table, then the RTLD_GLOBAL libraries in open order. */
static void *dlsym_default(const void *h, const char *name)
{
	const km_dl_symbol *s = 0;
	pthread_rwlock_rdlock(&lock);
	if (main_lib && !table_of(main_lib)) {
		pthread_rwlock_unlock(&lock);
		return 0;
	}
	if (main_lib)
		s = lookup(main_lib, name);
	for (size_t i = 0; !s && i < nglobals; i++)
		s = lookup(globals[i], name); /* open: their tables are ready */
	pthread_rwlock_unlock(&lock);
	if (s)
		return s->addr;
	set_error("km_dl: %s: undefined symbol: %s",
	          h == &main_handle ? "main program" : "RTLD_DEFAULT", name);
	return 0;
}

void *dlsym(void *restrict h, const char *restrict name)
{
	const km_dl_symbol *s;
	struct lib *lib;

	if (h == RTLD_DEFAULT || h == RTLD_NEXT || h == &main_handle)
		return dlsym_default(h, name);
	if (!(lib = lib_of(h))) {
		set_error("km_dl: dlsym: invalid handle 0x%lx", (unsigned long)(uintptr_t)h);
		return 0;
	}
	if (!atomic_load_explicit(&lib->refcnt, memory_order_relaxed)) {
		set_error("km_dl: %s: dlsym on a closed handle", lib->def->path);
		return 0;
	}
	if ((s = lookup(lib, name)))
		return s->addr;
	set_error("km_dl: %s: undefined symbol: %s", lib->def->path, name);
	return 0;
}

int dlclose(void *h)
{
	struct lib *lib;
	int r = -1;

	if (h == &main_handle)
		return 0;
	pthread_rwlock_wrlock(&lock);
	if (!(lib = lib_of(h))) {
		set_error("km_dl: dlclose: invalid handle 0x%lx", (unsigned long)(uintptr_t)h);
	} else if (!atomic_load_explicit(&lib->refcnt, memory_order_relaxed)) {
		set_error("km_dl: %s: dlclose on a closed handle", lib->def->path);
	} else {
		if (atomic_fetch_sub_explicit(&lib->refcnt, 1, memory_order_relaxed) == 1 && lib->global)
			drop_global(lib);
		r = 0;
	}
	pthread_rwlock_unlock(&lock);
	return r;
}

char *dlerror(void)
{
	if (!err_pending)
		return 0;
	err_pending = 0;
	return err_buf;
}

int dlinfo(void *restrict h, int request, void *restrict arg)
{
	(void)h;
	(void)request;
	(void)arg;
	set_error("km_dl: dlinfo: not supported");
	return -1;
}

/* ---- dladdr ---- */

struct addr_ent {
	uintptr_t addr, end;  /* [addr, end): the symbol; just addr for size 0 */
	uintptr_t maxend;     /* the largest end of this and all earlier entries */
	size_t seq;           /* registration order, to break ties */
	const km_dl_symbol *sym;
	const struct lib *lib;
};

static struct addr_ent *addrs;
static size_t naddrs, addrs_nlibs;

static int cmp_addr(const void *a, const void *b)
{
	const struct addr_ent *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Sorts every symbol of every registered library by address, and notes
 * each library's lowest. Under lock. A refused table is left out.
 */
static int index_addresses(void)
{
	size_t n = atomic_load_explicit(&nlibs, memory_order_relaxed), total = 0, k = 0;
	struct addr_ent *e;

	for (size_t i = 0; i < n; i++)
		total += lib_at(i)->def->nsymbols;
	if (!(e = malloc((total ? total : 1) * sizeof *e)))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct lib *lib = lib_at(i);
		uintptr_t lowest = UINTPTR_MAX;
		if (!ready_table(lib))
			continue;
		for (unsigned long j = 0; j < lib->def->nsymbols; j++) {
			const km_dl_symbol *s = &lib->def->symbols[j];
			uintptr_t a = (uintptr_t)s->addr;
			if (a < lowest)
				lowest = a;
			if (!a)
				continue;
			e[k] = (struct addr_ent){a, a + (s->size ? s->size : 1), 0, k, s, lib};
			k++;
		}
		lib->lowest = lib->def->nsymbols ? lowest : 0;
	}
	qsort(e, k, sizeof *e, cmp_addr);
	for (size_t i = 0; i < k; i++)
		e[i].maxend = i && e[i - 1].maxend > e[i].end ? e[i - 1].maxend : e[i].end;
	free(addrs);
	addrs = e;
	naddrs = k;
	addrs_nlibs = n;
	return 0;
}

/*
 * The symbol covering a with the highest start; of several starting
 * there, the first registered. Walks back from the last entry starting at
 * or before a while maxend says an earlier one may still cover it.
 */
static const struct addr_ent *find_addr(uintptr_t a)
{
	const struct addr_ent *hit = 0;
	size_t lo = 0, hi = naddrs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (addrs[mid].addr <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo-- > 0 && addrs[lo].maxend > a) {
		if (hit && addrs[lo].addr != hit->addr)
			break;
		if (a < addrs[lo].end)
			hit = &addrs[lo];
	}
	return hit;
}

int dladdr(const void *addr, Dl_info *info)
{
	const struct addr_ent *e = 0;

	pthread_rwlock_wrlock(&lock);
	if (addrs_nlibs == atomic_load_explicit(&nlibs, memory_order_relaxed) || !index_addresses())
		e = find_addr((uintptr_t)addr);
	if (e) {
		info->dli_fname = e->lib->def->path ? e->lib->def->path : "";
		info->dli_fbase = (void *)e->lib->lowest;
		info->dli_sname = e->sym->name;
		info->dli_saddr = e->sym->addr;
	}
	pthread_rwlock_unlock(&lock);
	return e != 0;
}
