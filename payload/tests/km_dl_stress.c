/*
 * km_dl_stress.c - many threads using the km_dl runtime at once.
 *
 * 8 threads first open slow.so together (its constructor sleeps, then
 * opens another library: all must wait for it, and it must run once),
 * then loop over dlopen/dlsym/dlerror/dladdr/dlclose on 16 libraries,
 * checking every answer, while another thread registers and opens 300
 * more libraries. Registers no main-program table, so it also checks
 * dlopen(NULL) without one. Usage: km_dl_stress [iterations per thread]
 */
#define _GNU_SOURCE
#include "km_dl.h"
#include "km_dl_prefix.h"
#include "km_test.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

enum { NLIBS = 16, NSYMS = 64, NTHREADS = 8, NLATE = 300 };

static int vals[NLIBS][NSYMS];
static char sym_names[NSYMS][16], paths[NLIBS][32];
static km_dl_symbol syms[NLIBS][NSYMS];
static km_dl_library libs[NLIBS];
static atomic_int inits[NLIBS];

#define CTOR(n) static void ctor_##n(void) { atomic_fetch_add(&inits[n], 1); }
CTOR(0) CTOR(1) CTOR(2) CTOR(3) CTOR(4) CTOR(5) CTOR(6) CTOR(7)
CTOR(8) CTOR(9) CTOR(10) CTOR(11) CTOR(12) CTOR(13) CTOR(14) CTOR(15)
static const km_dl_fn ctors[NLIBS] = {ctor_0, ctor_1, ctor_2, ctor_3, ctor_4, ctor_5, ctor_6,
	ctor_7, ctor_8, ctor_9, ctor_10, ctor_11, ctor_12, ctor_13, ctor_14, ctor_15};
static km_dl_fn_range ranges[NLIBS];

static atomic_int slow_inits, slow_done, slow_inner_ok;
static void slow_init(void)
{
	struct timespec ts = {0, 100 * 1000 * 1000};
	void *h;
	nanosleep(&ts, 0);
	h = dlopen("lib15.so", RTLD_NOW);
	atomic_store(&slow_inner_ok, h && dlsym(h, "sym_063") == &vals[15][63] && !dlclose(h));
	atomic_fetch_add(&slow_inits, 1);
	atomic_store(&slow_done, 1);
}
static const km_dl_fn slow_fns[] = {slow_init};
static const km_dl_fn_range slow_range[] = {{slow_fns, slow_fns + 1, 0}};
static const km_dl_library slow_lib = {.abi_version = KM_DL_ABI_VERSION, .name = "slow.so",
	.path = "stress/slow.so", .id = "slow_km", .init = slow_range, .ninit = 1};

__attribute__((constructor)) static void register_libs(void)
{
	for (int s = 0; s < NSYMS; s++)
		snprintf(sym_names[s], sizeof sym_names[s], "sym_%03d", s);
	for (int l = 0; l < NLIBS; l++) {
		snprintf(paths[l], sizeof paths[l], "stress/lib%02d.so", l);
		for (int s = 0; s < NSYMS; s++) {
			vals[l][s] = l * 1000 + s;
			syms[l][s] = (km_dl_symbol){sym_names[s], &vals[l][s], sizeof(int)};
		}
		ranges[l] = (km_dl_fn_range){&ctors[l], &ctors[l] + 1, 0};
		libs[l] = (km_dl_library){.abi_version = KM_DL_ABI_VERSION, .name = paths[l] + 7,
			.path = paths[l], .id = paths[l], .symbols = syms[l], .nsymbols = NSYMS,
			.init = &ranges[l], .ninit = 1};
		CHECK(km_dl_register(&libs[l]) == 0);
	}
	CHECK(km_dl_register(&slow_lib) == 0);
}

static pthread_barrier_t start;
static int iterations = 20000;

static uint32_t next_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* One round on library l: open, look up, fail a lookup, dladdr, close. */
static int round_on(int t, int l, uint32_t *rnd)
{
	int s = next_rand(rnd) % NSYMS, ok = 1, global = next_rand(rnd) & 1;
	char missing[32], want[96];
	const char *err;
	void *h = dlopen(paths[l] + 7, RTLD_NOW | (global ? RTLD_GLOBAL : RTLD_LOCAL));
	int *p;
	Dl_info info;

	if (!h)
		return 0;
	p = dlsym(h, sym_names[s]);
	ok &= p == &vals[l][s] && *p == l * 1000 + s;
	snprintf(missing, sizeof missing, "missing_%d", t);
	snprintf(want, sizeof want, "km_dl: %s: undefined symbol: %s", paths[l], missing);
	ok &= !dlsym(h, missing);
	ok &= dlsym(h, sym_names[s]) == p;
	err = dlerror();
	ok &= err && !strcmp(err, want) && !dlerror();
	ok &= dladdr((char *)p + 1, &info) && info.dli_saddr == p &&
	      !strcmp(info.dli_sname, sym_names[s]) && !strcmp(info.dli_fname, paths[l]);
	/* Other threads open and close globals all the time: any answer must
	 * be some library's sym_000. */
	p = dlsym(RTLD_DEFAULT, "sym_000");
	ok &= !p || (*p % 1000 == 0 && p == &vals[*p / 1000][0]);
	dlerror();
	ok &= dlclose(h) == 0;
	return ok;
}

static void *worker(void *arg)
{
	int t = (int)(intptr_t)arg, ok = 1;
	uint32_t rnd = 2463534242u + t;
	void *h;

	pthread_barrier_wait(&start);
	h = dlopen("slow.so", RTLD_NOW);
	CHECK(h && atomic_load(&slow_done) && atomic_load(&slow_inits) == 1);
	for (int i = 0; i < iterations; i++)
		ok &= round_on(t, (t * 7 + i) % NLIBS, &rnd);
	CHECK(ok);
	CHECK(dlclose(h) == 0);
	return 0;
}

/* Registers and opens more libraries while the workers run. */
static void *registrar(void *arg)
{
	static int late_vals[NLATE];
	static char late_paths[NLATE][32];
	static km_dl_symbol late_syms[NLATE];
	static km_dl_library late[NLATE];
	int ok = 1;

	pthread_barrier_wait(&start);
	for (int i = 0; i < NLATE; i++) {
		void *h;
		snprintf(late_paths[i], sizeof late_paths[i], "late/x%04d.so", i);
		late_syms[i] = (km_dl_symbol){"v", &late_vals[i], sizeof(int)};
		late[i] = (km_dl_library){.abi_version = KM_DL_ABI_VERSION, .name = late_paths[i] + 5,
			.path = late_paths[i], .id = late_paths[i], .symbols = &late_syms[i], .nsymbols = 1};
		ok &= km_dl_register(&late[i]) == 0;
		h = dlopen(late_paths[i], RTLD_NOW);
		ok &= h && dlsym(h, "v") == &late_vals[i] && dlclose(h) == 0;
	}
	CHECK(ok);
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t th[NTHREADS + 1];
	void *self;

	if (argc > 1)
		iterations = atoi(argv[1]);
	pthread_barrier_init(&start, 0, NTHREADS + 1);
	for (int t = 0; t < NTHREADS; t++)
		CHECK(pthread_create(&th[t], 0, worker, (void *)(intptr_t)t) == 0);
	CHECK(pthread_create(&th[NTHREADS], 0, registrar, 0) == 0);
	for (int t = 0; t <= NTHREADS; t++)
		pthread_join(th[t], 0);

	CHECK(atomic_load(&slow_inits) == 1 && atomic_load(&slow_inner_ok));
	for (int l = 0; l < NLIBS; l++) {
		CHECK(atomic_load(&inits[l]) == 1);
		CHECK(!dlopen(paths[l], RTLD_NOW | RTLD_NOLOAD));
	}
	/* No main-program table: the main handle still works, and fails cleanly. */
	self = dlopen(NULL, RTLD_NOW);
	CHECK(self != NULL);
	dlerror();
	CHECK(!dlsym(self, "sym_000"));
	CHECK_STR(dlerror(), "km_dl: main program: undefined symbol: sym_000");
	CHECK(!dlsym(RTLD_DEFAULT, "sym_000"));
	CHECK_STR(dlerror(), "km_dl: RTLD_DEFAULT: undefined symbol: sym_000");
	CHECK(dlclose(self) == 0);
	return km_test_done();
}
