/*
 * km_dl_test.c - unit tests of the km_dl runtime.
 *
 * Registers hand-written tables the way kmpack's generated code does (from
 * constructors, with __start_/__stop_ section ranges), plus some from main,
 * and checks every dl* behaviour and every error message exactly. The
 * destructors at exit are checked by running this program again with
 * --fini-child and reading what it prints.
 */
#define _GNU_SOURCE
#include "km_dl.h"
#include "km_dl_prefix.h"
#include "km_test.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof *(a))
#define ROUTING "falcon/routing/uri.cpython-311-x86_64-linux-gnu.so"
#define MEDIA "falcon/media/uri.cpython-311-x86_64-linux-gnu.so"
#define URI "uri.cpython-311-x86_64-linux-gnu.so"
#define SPAM "spam.cpython-311-x86_64-linux-gnu.so"

static int main_started, in_fini_child;
static int main_argc;
static char **main_argv;
static char log_buf[64];

static void log_char(char c)
{
	size_t n = strlen(log_buf);
	if (n + 1 < sizeof log_buf) {
		log_buf[n] = c;
		log_buf[n + 1] = 0;
	}
}

/* Destructors print only in the --fini-child run that test_fini reads. */
static void say(const char *s)
{
	if (in_fini_child && write(1, s, strlen(s)) < 0)
		abort();
}

#define LIB(path_, id_) .abi_version = KM_DL_ABI_VERSION, .path = path_, .id = id_

/* ---- two uri modules in different packages ---- */

static void routing_init(void) { log_char('r'); }
static void media_init(void) { log_char('m'); }
static int route_data[4];
static void media_fini(void) { say("X"); }
static const km_dl_fn media_fini_fns[] = {media_fini};
static const km_dl_fn_range media_fini_range[] = {{media_fini_fns, media_fini_fns + 1, 0}};

static const km_dl_symbol routing_syms[] = {
	{"PyInit_uri", (void *)routing_init, 0},
	{"route", route_data, sizeof route_data},
};
static const km_dl_symbol media_syms[] = {{"PyInit_uri", (void *)media_init, 0}};
static const km_dl_library routing_lib = {LIB(ROUTING, "uri_1111_km"), .name = URI,
	.symbols = routing_syms, .nsymbols = N(routing_syms)};
static const km_dl_library media_lib = {LIB(MEDIA, "uri_2222_km"), .name = URI,
	.symbols = media_syms, .nsymbols = N(media_syms), .fini = media_fini_range, .nfini = 1};

/* ---- spam: functions and data, for dlsym and dladdr ---- */

static int spam_inits;
static char spam_blob[64], unregistered[16];
static int spam_zero[4];
static void spam_init(void) { spam_inits++; }
/* Distinct bodies, so that no two functions can share an address. */
static void spam_func(void) { log_char('f'); }
static void PyInit_spam(void) { log_char('p'); }
static const km_dl_fn spam_init_fns[] = {spam_init};
static const km_dl_fn_range spam_init_range[] = {{spam_init_fns, spam_init_fns + 1, 0}};
static const km_dl_symbol spam_syms[] = {
	{"PyInit_spam", (void *)PyInit_spam, 0},
	{"spam_blob", spam_blob, sizeof spam_blob},
	{"spam_func", (void *)spam_func, 0},
	{"spam_inner", spam_blob + 16, 8},
	{"spam_zero", spam_zero, 0},
};
static const km_dl_library spam_lib = {LIB(SPAM, "spam_3333_km"), .name = SPAM,
	.symbols = spam_syms, .nsymbols = N(spam_syms), .init = spam_init_range, .ninit = 1};

/* ---- timing: its constructors must run at the first dlopen, once ---- */

static int timing_count, timing_saw_main = -1;
static void timing_ctor1(void) { timing_saw_main = main_started; timing_count++; }
/* As glibc calls a library's constructors: with argc, argv and the environment. */
static int timing_argc = -1;
static char **timing_argv, **timing_envp;
static void timing_ctor2(int argc, char **argv, char **envp)
{
	timing_argc = argc;
	timing_argv = argv;
	timing_envp = envp;
	timing_count += 10;
}
static const km_dl_fn timing_fns[] = {timing_ctor1, (km_dl_fn)timing_ctor2};
static const km_dl_fn_range timing_init[] = {{timing_fns, timing_fns + 2, 0}};
static const km_dl_symbol timing_syms[] = {{"timing_count", &timing_count, sizeof timing_count}};
static const km_dl_library timing_lib = {LIB("timing.so", "timing_4444_km"), .name = "timing.so",
	.symbols = timing_syms, .nsymbols = 1, .init = timing_init, .ninit = 1};

/* ---- pkg/a needs b and c, b needs c ---- */

static void a_init(void) { log_char('a'); }
static void b_init(void) { log_char('b'); }
static void c_init(void) { log_char('c'); }
static void a_fini(void) { say("A"); }
static void b_fini(void) { say("B"); }
static void c_fini(void) { say("C"); }
static const km_dl_fn a_fns[] = {a_init, a_fini}, b_fns[] = {b_init, b_fini}, c_fns[] = {c_init, c_fini};
static const km_dl_fn_range a_ranges[] = {{a_fns, a_fns + 1, 0}, {a_fns + 1, a_fns + 2, 0}};
static const km_dl_fn_range b_ranges[] = {{b_fns, b_fns + 1, 0}, {b_fns + 1, b_fns + 2, 0}};
static const km_dl_fn_range c_ranges[] = {{c_fns, c_fns + 1, 0}, {c_fns + 1, c_fns + 2, 0}};
static const char *const a_needed[] = {"pkg/b.so", "pkg/c.so"}, *const b_needed[] = {"pkg/c.so"};
static const km_dl_library a_lib = {LIB("pkg/a.so", "a_km"), .name = "a.so", .init = a_ranges,
	.ninit = 1, .fini = a_ranges + 1, .nfini = 1, .needed = a_needed, .nneeded = 2};
static const km_dl_library b_lib = {LIB("pkg/b.so", "b_km"), .name = "b.so", .init = b_ranges,
	.ninit = 1, .fini = b_ranges + 1, .nfini = 1, .needed = b_needed, .nneeded = 1};
static const km_dl_library c_lib = {LIB("pkg/c.so", "c_km"), .name = "c.so", .init = c_ranges,
	.ninit = 1, .fini = c_ranges + 1, .nfini = 1};

/* ---- order: a real section range, a reverse range, empty ranges ---- */

static void o1(void) { log_char('1'); }
static void o2(void) { log_char('2'); }
static void o3(void) { log_char('3'); }
static void o4(void) { log_char('4'); }
static void g1(void) { say("1"); }
static void g2(void) { say("2"); }
static void g3(void) { say("3"); }
static void g4(void) { say("4"); }
static const km_dl_fn order_section[] __attribute__((section("km_init_ktest"), used)) = {o1, o2};
extern const km_dl_fn __start_km_init_ktest[] __attribute__((weak));
extern const km_dl_fn __stop_km_init_ktest[] __attribute__((weak));
extern const km_dl_fn __start_km_init_absent[] __attribute__((weak));
extern const km_dl_fn __stop_km_init_absent[] __attribute__((weak));
static const km_dl_fn order_rev[] = {o3, o4}, order_fini1[] = {g1, g2}, order_fini2[] = {g3, g4};
static const km_dl_fn_range order_init[] = {
	{__start_km_init_ktest, __stop_km_init_ktest, 0},
	{order_rev, order_rev + 2, 1},
	{0, 0, 0},
	{__start_km_init_absent, __stop_km_init_absent, 0},
};
static const km_dl_fn_range order_fini[] = {{order_fini1, order_fini1 + 2, 0}, {order_fini2, order_fini2 + 2, 1}};
static const km_dl_library order_lib = {LIB("order.so", "order_km"), .name = "order.so",
	.init = order_init, .ninit = N(order_init), .fini = order_fini, .nfini = N(order_fini)};

/* ---- x/dup.so and y/x/dup.so: a whole match beats a tie ---- */

static const km_dl_library dup1_lib = {LIB("x/dup.so", "dup1_km"), .name = "dup.so"};
static const km_dl_library dup2_lib = {LIB("y/x/dup.so", "dup2_km"), .name = "dup.so"};
static const km_dl_library m1_lib = {LIB("x/m.so", "m1_km"), .name = "m.so"};
static const km_dl_library m2_lib = {LIB("b/x/m.so", "m2_km"), .name = "m.so"};
static const km_dl_library m3_lib = {LIB("a/m2.so", "m3_km"), .name = "m2.so"};
static const km_dl_library m4_lib = {LIB("a-b/m2.so", "m4_km"), .name = "m2.so"};

/* ---- noload, broken, alias ---- */

static int noload_inits, broken_inits;
static void noload_init(void) { noload_inits++; }
static void broken_init(void) { broken_inits++; }
static const km_dl_fn noload_fns[] = {noload_init}, broken_fns[] = {broken_init};
static const km_dl_fn_range noload_init_range[] = {{noload_fns, noload_fns + 1, 0}};
static const km_dl_fn_range broken_init_range[] = {{broken_fns, broken_fns + 1, 0}};
static const char *const broken_needed[] = {"nowhere/missing.so"};
static const km_dl_library noload_lib = {LIB("noload.so", "noload_km"), .name = "noload.so",
	.init = noload_init_range, .ninit = 1};
static const km_dl_library broken_lib = {LIB("broken.so", "broken_km"), .name = "broken.so",
	.init = broken_init_range, .ninit = 1, .needed = broken_needed, .nneeded = 1};
static int alias_obj;
static const km_dl_symbol alias_syms[] = {{"alias_a", &alias_obj, 4}, {"alias_b", &alias_obj, 4}};
static const km_dl_library alias_lib = {LIB("alias.so", "alias_km"), .name = "alias.so",
	.symbols = alias_syms, .nsymbols = 2};

/* ---- selfopen: a constructor that calls dlopen, on itself too ---- */

static int nested_inits;
static void nested_init(void) { nested_inits++; }
static const km_dl_fn nested_fns[] = {nested_init};
static const km_dl_fn_range nested_range[] = {{nested_fns, nested_fns + 1, 0}};
static const km_dl_library nested_lib = {LIB("nested.so", "nested_km"), .name = "nested.so",
	.init = nested_range, .ninit = 1};

static void *self_handle, *self_noload, *self_nested;
static int self_nested_inits = -1;
static void selfopen_init(void)
{
	self_handle = dlopen("selfopen.so", RTLD_NOW);
	self_noload = dlopen("selfopen.so", RTLD_NOW | RTLD_NOLOAD);
	self_nested = dlopen("nested.so", RTLD_NOW);
	self_nested_inits = nested_inits;
}
static const km_dl_fn selfopen_fns[] = {selfopen_init};
static const km_dl_fn_range selfopen_range[] = {{selfopen_fns, selfopen_fns + 1, 0}};
static const km_dl_library selfopen_lib = {LIB("selfopen.so", "selfopen_km"), .name = "selfopen.so",
	.init = selfopen_range, .ninit = 1};

/* ---- gen: written the way kmpack's generator writes them ---- */

static int gen_inits;
void gen_impl(void) __asm__("PyInit_gen_0123abcd_km");
void gen_impl(void) { gen_inits += 100; }
static void gen_ctor(void) { gen_inits++; }
static const km_dl_fn gen_ctors[] __attribute__((section("km_init_0123abcd"), used)) = {gen_ctor};

extern char km_sym_0 __asm__("PyInit_gen_0123abcd_km");
static const km_dl_symbol km_symbols[] = {{"PyInit_gen", &km_sym_0, 0}};
extern km_dl_fn const __start_km_init_0123abcd[] __attribute__((weak));
extern km_dl_fn const __stop_km_init_0123abcd[] __attribute__((weak));
static const km_dl_fn_range km_init[] = {{__start_km_init_0123abcd, __stop_km_init_0123abcd, 0}};
static const km_dl_library km_lib = {KM_DL_ABI_VERSION, 0, "gen.cpython-311-x86_64-linux-gnu.so",
	"pkg/gen.cpython-311-x86_64-linux-gnu.so", "gen_0123abcd_km", km_symbols, 1, km_init, 1, 0, 0, 0, 0};
__attribute__((constructor)) static void km_register(void) { km_dl_register(&km_lib); }

/* ---- byid: opened by id, as a built-in module's init function does ---- */

static void byid_dep_init(void) { log_char('D'); }
static void byid_init(void) { log_char('I'); }
static int byid_obj;
static const km_dl_fn byid_dep_fns[] = {byid_dep_init}, byid_fns[] = {byid_init};
static const km_dl_fn_range byid_dep_range[] = {{byid_dep_fns, byid_dep_fns + 1, 0}};
static const km_dl_fn_range byid_range[] = {{byid_fns, byid_fns + 1, 0}};
static const char *const byid_needed[] = {"pkg/byid_dep.so"}, *const byid_broken_needed[] = {"pkg/gone.so"};
static const km_dl_symbol byid_syms[] = {{"PyInit_byid", &byid_obj, 4}};
static const km_dl_library byid_dep_lib = {LIB("pkg/byid_dep.so", "byid_dep_km"), .name = "byid_dep.so",
	.init = byid_dep_range, .ninit = 1};
static const km_dl_library byid_lib = {LIB("pkg/byid.so", "byid_km"), .name = "byid.so",
	.symbols = byid_syms, .nsymbols = 1, .init = byid_range, .ninit = 1, .needed = byid_needed, .nneeded = 1};
static const km_dl_library byid_broken_lib = {LIB("pkg/byid_broken.so", "byid_broken_km"),
	.name = "byid_broken.so", .needed = byid_broken_needed, .nneeded = 1};

/* ---- the main program and RTLD_GLOBAL / RTLD_LOCAL libraries ---- */

static int main_var, main_shared, g1_shared, g1_only, g2_g1, g2_only, local_only;
static const km_dl_symbol main_syms[] = {{"main_sym", &main_var, 4}, {"shared_name", &main_shared, 4}};
static const km_dl_symbol glob1_syms[] = {{"g1_only", &g1_only, 4}, {"shared_name", &g1_shared, 4}};
static const km_dl_symbol glob2_syms[] = {{"g1_only", &g2_g1, 4}, {"g2_only", &g2_only, 4}};
static const km_dl_symbol local_syms[] = {{"local_only", &local_only, 4}};
static const char *const main_system_libs[] = {"libc.so.6", "libssl.so.3", "libssl.so"};
static const km_dl_library main_lib = {.abi_version = KM_DL_ABI_VERSION, .flags = KM_DL_MAIN_PROGRAM,
	.path = "python.km", .symbols = main_syms, .nsymbols = 2, .needed = main_system_libs, .nneeded = 3};
static const km_dl_library glob1_lib = {LIB("glob1.so", "glob1_km"), .name = "glob1.so",
	.symbols = glob1_syms, .nsymbols = 2};
static const km_dl_library glob2_lib = {LIB("glob2.so", "glob2_km"), .name = "glob2.so",
	.symbols = glob2_syms, .nsymbols = 2};
static const km_dl_library local_lib = {LIB("local.so", "local_km"), .name = "local.so",
	.symbols = local_syms, .nsymbols = 1};

static const km_dl_library *const startup_libs[] = {
	&routing_lib, &media_lib, &spam_lib, &timing_lib, &c_lib, &a_lib, &b_lib, &order_lib,
	&dup1_lib, &dup2_lib, &m1_lib, &m2_lib, &m3_lib, &m4_lib, &noload_lib, &broken_lib,
	&alias_lib, &nested_lib, &selfopen_lib, &main_lib, &glob1_lib, &glob2_lib, &local_lib,
	&byid_dep_lib, &byid_lib, &byid_broken_lib,
};

static int startup_refusals;

__attribute__((constructor)) static void register_startup_libs(void)
{
	for (size_t i = 0; i < N(startup_libs); i++)
		if (km_dl_register(startup_libs[i]))
			startup_refusals++;
}

/* ---- tests ---- */

static char want[4096];

static const char *fmt_handle(const char *what, const void *h)
{
	snprintf(want, sizeof want, "km_dl: %s: invalid handle 0x%lx", what, (unsigned long)(uintptr_t)h);
	return want;
}

static void test_paths(void)
{
	void *routing = dlopen(ROUTING, RTLD_NOW), *media = dlopen(MEDIA, RTLD_NOW);

	CHECK(routing && media && routing != media);
	CHECK(dlsym(routing, "PyInit_uri") == (void *)routing_init);
	CHECK(dlsym(media, "PyInit_uri") == (void *)media_init);
	CHECK(dlopen("/any/prefix/" ROUTING, RTLD_NOW) == routing);
	CHECK(dlopen("/site-packages/falcon/media/" URI, RTLD_NOW) == media);
	CHECK(dlopen("routing/" URI, RTLD_NOW) == routing);
	CHECK(dlopen("//x//falcon//routing//" URI, RTLD_NOW) == routing);
	CHECK(dlopen("/a/routing/" URI, RTLD_NOW) == routing);

	CHECK(!dlopen(URI, RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: " URI ": ambiguous (matches " MEDIA ", " ROUTING ")");
	CHECK(!dlopen("/other/" URI, RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: /other/" URI ": ambiguous (matches " MEDIA ", " ROUTING ")");

	CHECK(dlopen("/q/x/dup.so", RTLD_NOW) == dlopen("x/dup.so", RTLD_NOW));
	CHECK(dlopen("/q/y/x/dup.so", RTLD_NOW) == dlopen("y/x/dup.so", RTLD_NOW));
	CHECK(dlopen("x/dup.so", RTLD_NOW) != dlopen("y/x/dup.so", RTLD_NOW));
	CHECK(!dlopen("dup.so", RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: dup.so: ambiguous (matches x/dup.so, y/x/dup.so)");
	/* The full match need not be next to the query in path order. */
	CHECK(dlopen("/c/x/m.so", RTLD_NOW) == dlopen("x/m.so", RTLD_NOW));
	CHECK(dlopen("/b/x/m.so", RTLD_NOW) == dlopen("b/x/m.so", RTLD_NOW));
	CHECK(dlopen("x/m.so", RTLD_NOW) != dlopen("b/x/m.so", RTLD_NOW));
	/* '-' sorts before '/': components are compared whole. */
	CHECK(dlopen("/z/a/m2.so", RTLD_NOW) == dlopen("a/m2.so", RTLD_NOW));
	CHECK(dlopen("/z/a-b/m2.so", RTLD_NOW) == dlopen("a-b/m2.so", RTLD_NOW));
	CHECK(dlopen("a/m2.so", RTLD_NOW) != dlopen("a-b/m2.so", RTLD_NOW));
	CHECK(!dlopen("/z/a-/m2.so", RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: /z/a-/m2.so: ambiguous (matches a/m2.so, a-b/m2.so)");

	CHECK(dlopen(SPAM, RTLD_NOW) == dlopen("/usr/lib/python3/" SPAM, RTLD_NOW));
	CHECK(!dlopen("/x/y/nosuch.so", RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: /x/y/nosuch.so: not a pre-linked library "
	          "(no registered path ends with 'nosuch.so', no /x/y/nosuch.km.id)");
	CHECK(!dlerror());
	/* Whole components only: "xspam..." is not "spam...". */
	CHECK(!dlopen("/d/x" SPAM, RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: /d/x" SPAM ": not a pre-linked library (no registered path ends "
	          "with 'x" SPAM "', no /d/xspam.cpython-311-x86_64-linux-gnu.km.id)");
	CHECK(!dlopen("libfoo.so.1", RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: libfoo.so.1: not a pre-linked library "
	          "(no registered path ends with 'libfoo.so.1', no libfoo.so.1.km.id)");
	CHECK(!dlopen("", RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: : not a pre-linked library (no registered path ends with '', no .km.id)");
	CHECK(!dlopen("/x/", RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: /x/: not a pre-linked library (no registered path ends with '', no /x/.km.id)");
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_kmid(void)
{
	char dir[] = "/tmp/km_dl_test.XXXXXX", path[512], sub[600];
	void *spam = dlopen(SPAM, RTLD_NOW);

	CHECK(mkdtemp(dir) != NULL);
	write_file(dir, "renamed.cpython-311-x86_64-linux-gnu.so", "");
	write_file(dir, "renamed.cpython-311-x86_64-linux-gnu.km.id", "spam_3333_km \n\n");
	write_file(dir, "uri.cpython-311-x86_64-linux-gnu.km.id", "uri_2222_km");
	write_file(dir, "bogus.km.id", "nope_km\n");
	snprintf(sub, sizeof sub, "%s/unreadable.km.id", dir);
	CHECK(mkdir(sub, 0700) == 0);

	snprintf(path, sizeof path, "%s/renamed.cpython-311-x86_64-linux-gnu.so", dir);
	CHECK(dlopen(path, RTLD_NOW) == spam);
	CHECK(dlsym(dlopen(path, RTLD_NOW), "PyInit_spam") == (void *)PyInit_spam);
	/* An ambiguous name is settled by the .km.id file. */
	snprintf(path, sizeof path, "%s/" URI, dir);
	CHECK(dlopen(path, RTLD_NOW) == dlopen(MEDIA, RTLD_NOW));

	snprintf(path, sizeof path, "%s/bogus.so", dir);
	CHECK(!dlopen(path, RTLD_NOW));
	snprintf(want, sizeof want, "km_dl: %s/bogus.so: %s/bogus.km.id names 'nope_km', "
	         "which is not a registered library id", dir, dir);
	CHECK_STR(dlerror(), want);

	snprintf(path, sizeof path, "%s/unreadable.so", dir);
	CHECK(!dlopen(path, RTLD_NOW));
	snprintf(want, sizeof want, "km_dl: %s/unreadable.so: not a pre-linked library (no registered "
	         "path ends with 'unreadable.so', cannot read %s/unreadable.km.id)", dir, dir);
	CHECK_STR(dlerror(), want);

	errno = 1234;
	CHECK(!dlopen("/x/y/nosuch.so", RTLD_NOW) && errno == 1234);
	CHECK(dlerror() != NULL);

	rmdir(sub);
	snprintf(path, sizeof path, "rm -r '%s'", dir);
	CHECK(system(path) == 0);
}

static void test_dlsym_dlerror(void)
{
	void *spam = dlopen(SPAM, RTLD_NOW);

	CHECK(dlsym(spam, "PyInit_spam") == (void *)PyInit_spam);
	CHECK(dlsym(spam, "spam_blob") == spam_blob);
	CHECK(dlsym(spam, "spam_inner") == spam_blob + 16);
	CHECK(dlsym(spam, "spam_func") == (void *)spam_func);
	CHECK(!dlerror());

	CHECK(!dlsym(spam, "foo"));
	CHECK_STR(dlerror(), "km_dl: " SPAM ": undefined symbol: foo");
	CHECK(!dlerror());
	CHECK(!dlsym(spam, "PyInit_spa"));
	CHECK(!dlsym(spam, "spam_funcs"));
	CHECK(!dlsym(spam, ""));
	CHECK_STR(dlerror(), "km_dl: " SPAM ": undefined symbol: ");

	/* An error stays until read, across successful calls. */
	CHECK(!dlsym(spam, "foo"));
	CHECK(dlsym(spam, "spam_blob") == spam_blob);
	CHECK(dlopen(SPAM, RTLD_NOW) == spam);
	CHECK_STR(dlerror(), "km_dl: " SPAM ": undefined symbol: foo");
	CHECK(!dlerror());

	/* The last error wins. */
	CHECK(!dlsym(spam, "first"));
	CHECK(!dlsym(spam, "second"));
	CHECK_STR(dlerror(), "km_dl: " SPAM ": undefined symbol: second");

	CHECK(dlinfo(spam, 0, &spam) == -1);
	CHECK_STR(dlerror(), "km_dl: dlinfo: not supported");
}

static void test_noload_refcount(void)
{
	void *h, *h2;
	int local;

	CHECK(!dlopen("noload.so", RTLD_NOW | RTLD_NOLOAD));
	CHECK_STR(dlerror(), "km_dl: noload.so: not open (RTLD_NOLOAD)");
	CHECK(noload_inits == 0);

	h = dlopen("noload.so", RTLD_LAZY);
	CHECK(h && noload_inits == 1);
	h2 = dlopen("/p/noload.so", RTLD_NOW | RTLD_NOLOAD);
	CHECK(h2 == h && noload_inits == 1);
	CHECK(dlclose(h) == 0);
	CHECK(dlsym(h, "anything") == NULL);
	CHECK_STR(dlerror(), "km_dl: noload.so: undefined symbol: anything");
	CHECK(dlclose(h) == 0);
	CHECK(dlclose(h) != 0);
	CHECK_STR(dlerror(), "km_dl: noload.so: dlclose on a closed handle");
	CHECK(!dlsym(h, "anything"));
	CHECK_STR(dlerror(), "km_dl: noload.so: dlsym on a closed handle");
	CHECK(!dlopen("noload.so", RTLD_NOW | RTLD_NOLOAD));
	CHECK_STR(dlerror(), "km_dl: noload.so: not open (RTLD_NOLOAD)");

	/* Reopening does not run the constructors again. */
	CHECK(dlopen("noload.so", RTLD_NOW) == h && noload_inits == 1);
	CHECK(dlclose(h) == 0);

	CHECK(dlclose((void *)0x1234) != 0);
	CHECK_STR(dlerror(), fmt_handle("dlclose", (void *)0x1234));
	CHECK(dlclose(&local) != 0);
	CHECK_STR(dlerror(), fmt_handle("dlclose", &local));
	CHECK(dlclose((char *)h + 1) != 0);
	CHECK_STR(dlerror(), fmt_handle("dlclose", (char *)h + 1));
	CHECK(!dlsym((char *)h + 1, "x"));
	CHECK_STR(dlerror(), fmt_handle("dlsym", (char *)h + 1));
	CHECK(!dlsym((void *)main_syms, "x"));
	CHECK_STR(dlerror(), fmt_handle("dlsym", main_syms));
}

static void test_constructors(void)
{
	void *h;

	CHECK(startup_refusals == 0);
	CHECK(timing_count == 0 && timing_saw_main == -1);
	h = dlopen("timing.so", RTLD_NOW);
	CHECK(h && timing_count == 11 && timing_saw_main == 1);
#ifdef __GLIBC__
	CHECK(timing_argc == main_argc && timing_argv == main_argv && timing_envp == environ);
#endif
	CHECK(dlopen("timing.so", RTLD_NOW) == h && timing_count == 11);
	CHECK(dlsym(h, "timing_count") == &timing_count);
	CHECK(dlclose(h) == 0 && dlclose(h) == 0);

	log_buf[0] = 0;
	CHECK(dlopen("pkg/a.so", RTLD_NOW) != NULL);
	CHECK_STR(log_buf, "cba");
	CHECK(dlopen("pkg/c.so", RTLD_NOW | RTLD_NOLOAD) != NULL);
	CHECK(dlopen("pkg/b.so", RTLD_NOW | RTLD_NOLOAD) != NULL);
	CHECK_STR(log_buf, "cba");

	log_buf[0] = 0;
	CHECK(dlopen("order.so", RTLD_NOW) != NULL);
	CHECK_STR(log_buf, "1243");

	CHECK(spam_inits == 1);
	h = dlopen("selfopen.so", RTLD_NOW);
	CHECK(h && self_handle == h && self_noload == h);
	CHECK(self_nested == dlopen("nested.so", RTLD_NOW) && self_nested_inits == 1);
	CHECK(nested_inits == 1);
	CHECK(dlclose(h) == 0 && dlclose(h) == 0 && dlclose(h) == 0 && dlclose(h) != 0);
	CHECK(dlerror() != NULL);

	CHECK(gen_inits == 0);
	h = dlopen("/site-packages/pkg/gen.cpython-311-x86_64-linux-gnu.so", RTLD_NOW);
	CHECK(h && gen_inits == 1 && dlopen("gen.cpython-311-x86_64-linux-gnu.so", RTLD_NOW) == h);
	CHECK(dlsym(h, "PyInit_gen") == (void *)gen_impl && gen_inits == 1);

	CHECK(!dlopen("broken.so", RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: broken.so: needed library 'nowhere/missing.so' is not registered");
	CHECK(!dlopen("broken.so", RTLD_NOW | RTLD_NOLOAD) && broken_inits == 0);
	CHECK(dlerror() != NULL);
}

static void test_open_id(void)
{
	void *h;

	CHECK(km_dl_open_id("spam_3333_km", RTLD_NOW) == dlopen(SPAM, RTLD_NOW));
	CHECK(!km_dl_open_id("byid_km", RTLD_NOW | RTLD_NOLOAD));
	CHECK_STR(dlerror(), "km_dl: pkg/byid.so: not open (RTLD_NOLOAD)");

	/* As dlopen: the needed library's constructors first, then its own, once. */
	log_buf[0] = 0;
	h = km_dl_open_id("byid_km", RTLD_NOW);
	CHECK(h != NULL);
	CHECK_STR(log_buf, "DI");
	CHECK(km_dl_open_id("byid_km", RTLD_NOW) == h && dlopen("/site/pkg/byid.so", RTLD_NOW) == h);
	CHECK(dlopen("pkg/byid_dep.so", RTLD_NOW | RTLD_NOLOAD) == km_dl_open_id("byid_dep_km", RTLD_NOW));
	CHECK_STR(log_buf, "DI");
	CHECK(dlsym(h, "PyInit_byid") == &byid_obj);
	CHECK(dlclose(h) == 0 && dlclose(h) == 0 && dlclose(h) == 0 && dlclose(h) != 0);
	CHECK(dlerror() != NULL);

	CHECK(!km_dl_open_id("nosuch_km", RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: nosuch_km: not a registered library id");
	CHECK(!km_dl_open_id("", RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: : not a registered library id");
	CHECK(!km_dl_open_id(NULL, RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: km_dl_open_id: NULL id");
	/* The main program has no id; a path is no id. */
	CHECK(!km_dl_open_id("pkg/byid.so", RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: pkg/byid.so: not a registered library id");
	CHECK(!km_dl_open_id("byid_broken_km", RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: pkg/byid_broken.so: needed library 'pkg/gone.so' is not registered");
}

static void test_default(void)
{
	void *self = dlopen(NULL, RTLD_NOW), *g1, *g2, *loc;

	CHECK(self != NULL && dlopen(NULL, RTLD_LAZY | RTLD_NOLOAD) == self);
	CHECK(dlsym(self, "main_sym") == &main_var);
	CHECK(dlsym(RTLD_DEFAULT, "main_sym") == &main_var);
	CHECK(!dlsym(RTLD_DEFAULT, "g1_only"));
	CHECK_STR(dlerror(), "km_dl: RTLD_DEFAULT: undefined symbol: g1_only");
	CHECK(!dlsym(self, "g1_only"));
	CHECK_STR(dlerror(), "km_dl: main program: undefined symbol: g1_only");
	CHECK(!dlsym(NULL, "nosuch"));
	CHECK_STR(dlerror(), "km_dl: RTLD_DEFAULT: undefined symbol: nosuch");
	CHECK(!dlsym(RTLD_NEXT, "nosuch"));
	CHECK_STR(dlerror(), "km_dl: RTLD_DEFAULT: undefined symbol: nosuch");

	loc = dlopen("local.so", RTLD_NOW | RTLD_LOCAL);
	CHECK(loc && dlsym(loc, "local_only") == &local_only);
	CHECK(!dlsym(RTLD_DEFAULT, "local_only"));
	CHECK(dlerror() != NULL);

	g2 = dlopen("glob2.so", RTLD_NOW | RTLD_GLOBAL);
	g1 = dlopen("glob1.so", RTLD_NOW | RTLD_GLOBAL);
	CHECK(g1 && g2);
	CHECK(dlsym(RTLD_DEFAULT, "g1_only") == &g2_g1);
	CHECK(dlsym(RTLD_DEFAULT, "g2_only") == &g2_only);
	CHECK(dlsym(RTLD_DEFAULT, "shared_name") == &main_shared);
	CHECK(dlsym(NULL, "g1_only") == &g2_g1);
	CHECK(dlsym(RTLD_NEXT, "g1_only") == &g2_g1);
	CHECK(dlsym(self, "g1_only") == &g2_g1);
	CHECK(dlsym(g1, "g1_only") == &g1_only && dlsym(g1, "shared_name") == &g1_shared);

	/* RTLD_NOLOAD | RTLD_GLOBAL promotes a local library. */
	CHECK(dlopen("local.so", RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL) == loc);
	CHECK(dlsym(RTLD_DEFAULT, "local_only") == &local_only);

	/* Closed to zero, a library leaves the global scope. */
	CHECK(dlclose(g2) == 0);
	CHECK(dlsym(RTLD_DEFAULT, "g1_only") == &g1_only);
	CHECK(!dlsym(RTLD_DEFAULT, "g2_only"));
	CHECK(dlerror() != NULL);
	CHECK(dlopen("glob2.so", RTLD_NOW | RTLD_GLOBAL) == g2);
	CHECK(dlsym(RTLD_DEFAULT, "g1_only") == &g1_only);
	CHECK(dlsym(RTLD_DEFAULT, "g2_only") == &g2_only);
	CHECK(dlclose(self) == 0 && dlclose(self) == 0);
	CHECK(dlsym(dlopen(NULL, 0), "main_sym") == &main_var);
}

/* A system library linked into the program is the program. */
static void test_linked_in(void)
{
	void *self = dlopen(NULL, RTLD_NOW);
	CHECK(dlopen("libc.so.6", RTLD_NOW) == self);
	CHECK(!dlerror());
	CHECK(dlopen("/usr/lib/x86_64-linux-gnu/libssl.so.3", RTLD_NOW) == self);
	CHECK(dlopen("libssl.so", RTLD_LAZY) == self);
	CHECK(dlsym(dlopen("libc.so.6", RTLD_NOW), "main_sym") == &main_var);
	/* Other libraries, and names that only start like a linked one, are not. */
	CHECK(!dlopen("libcrypto.so.3", RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: libcrypto.so.3: not a pre-linked library (no registered path ends with "
	                     "'libcrypto.so.3', no libcrypto.so.3.km.id)");
	CHECK(!dlopen("libc.so.9", RTLD_NOW)); /* another version */
	CHECK(dlerror() != NULL);
	CHECK(!dlopen("libc.so", RTLD_NOW));
	CHECK(dlerror() != NULL);
	CHECK(!dlopen("c.so.6", RTLD_NOW));
	CHECK(dlerror() != NULL);
}

static void check_dladdr(const void *addr, const char *fname, const char *sname, const void *saddr)
{
	Dl_info info;
	memset(&info, 0, sizeof info);
	if (!CHECK(dladdr(addr, &info)))
		return;
	CHECK_STR(info.dli_fname, fname);
	CHECK_STR(info.dli_sname, sname);
	CHECK(info.dli_saddr == saddr);
}

static void test_dladdr(void)
{
	Dl_info info;
	int local;
	uintptr_t lowest = UINTPTR_MAX;

	check_dladdr(spam_blob, SPAM, "spam_blob", spam_blob);
	check_dladdr(spam_blob + 10, SPAM, "spam_blob", spam_blob);
	check_dladdr(spam_blob + 16, SPAM, "spam_inner", spam_blob + 16);
	check_dladdr(spam_blob + 23, SPAM, "spam_inner", spam_blob + 16);
	check_dladdr(spam_blob + 24, SPAM, "spam_blob", spam_blob);
	check_dladdr(spam_blob + 63, SPAM, "spam_blob", spam_blob);
	check_dladdr((void *)spam_func, SPAM, "spam_func", (void *)spam_func);
	check_dladdr(&alias_obj, "alias.so", "alias_a", &alias_obj);
	check_dladdr(route_data + 3, ROUTING, "route", route_data);
	check_dladdr(&main_var, "python.km", "main_sym", &main_var);

	for (size_t i = 0; i < N(spam_syms); i++)
		if ((uintptr_t)spam_syms[i].addr < lowest)
			lowest = (uintptr_t)spam_syms[i].addr;
	CHECK(dladdr(spam_blob + 1, &info) && info.dli_fbase == (void *)lowest);

	/* Size 0: the exact address only. */
	check_dladdr(spam_zero, SPAM, "spam_zero", spam_zero);
	CHECK(!dladdr(spam_zero + 1, &info));
	CHECK(!dladdr(unregistered + 1, &info));
	CHECK(!dladdr(&local, &info));
	CHECK(!dladdr(NULL, &info));
	CHECK(!dlerror());
}

static void test_register_refusals(void)
{
	static const km_dl_fn fns[1];
	static const km_dl_fn_range half[] = {{0, 0, 0}, {fns, 0, 0}};
	static const km_dl_fn_range backwards[] = {{fns + 1, fns, 0}};
	static const char *const null_needed[] = {"ok.so", 0};
	km_dl_library d = {LIB("r/ok.so", "ok_km"), .name = "ok.so"};
	km_dl_library main2 = {.abi_version = KM_DL_ABI_VERSION, .flags = KM_DL_MAIN_PROGRAM};
	km_dl_library x;

#define REFUSED(lib, msg) do { CHECK(km_dl_register(lib) == -1); CHECK_STR(km_dl_register_error(), msg); } while (0)
	REFUSED(NULL, "km_dl_register: NULL library");
	x = d, x.abi_version = 7;
	REFUSED(&x, "km_dl_register: r/ok.so: ABI version 7, expected 1");
	x = d, x.name = NULL;
	REFUSED(&x, "km_dl_register: r/ok.so: NULL or empty name, path or id");
	x = d, x.path = NULL;
	REFUSED(&x, "km_dl_register: (null): NULL or empty name, path or id");
	x = d, x.id = "";
	REFUSED(&x, "km_dl_register: r/ok.so: NULL or empty name, path or id");
	x = d, x.path = "/abs/ok.so";
	REFUSED(&x, "km_dl_register: /abs/ok.so: malformed path (absolute, an empty component or a control character)");
	x = d, x.path = "r//ok.so";
	REFUSED(&x, "km_dl_register: r//ok.so: malformed path (absolute, an empty component or a control character)");
	x = d, x.path = "r/ok.so/";
	REFUSED(&x, "km_dl_register: r/ok.so/: malformed path (absolute, an empty component or a control character)");
	x = d, x.name = "other.so";
	REFUSED(&x, "km_dl_register: r/ok.so: name 'other.so' is not the file name of the path");
	x = d, x.nsymbols = 3;
	REFUSED(&x, "km_dl_register: r/ok.so: NULL array with a non-zero count");
	x = d, x.init = half, x.ninit = 2;
	REFUSED(&x, "km_dl_register: r/ok.so: init range 1 is malformed");
	x = d, x.fini = backwards, x.nfini = 1;
	REFUSED(&x, "km_dl_register: r/ok.so: fini range 0 is malformed");
	x = d, x.needed = null_needed, x.nneeded = 2;
	REFUSED(&x, "km_dl_register: r/ok.so: needed entry 1 is NULL");
	x = spam_lib, x.id = "fresh_km";
	REFUSED(&x, "km_dl_register: " SPAM ": path already registered");
	x = d, x.id = "spam_3333_km";
	REFUSED(&x, "km_dl_register: r/ok.so: id 'spam_3333_km' already registered by " SPAM);
	REFUSED(&main2, "km_dl_register: main program: a main-program table is already registered");
#undef REFUSED

	CHECK(!dlopen("r/ok.so", RTLD_NOW));
	CHECK(dlerror() != NULL);
	/* Registering after main has started works too. */
	static const km_dl_library late = {LIB("r/ok.so", "ok_km"), .name = "ok.so"};
	CHECK(km_dl_register(&late) == 0);
	CHECK(dlopen("ok.so", RTLD_NOW) != NULL);
	CHECK(!dlerror());
}

/*
 * A symbol table is checked at its first use, not at registration: a bad
 * one registers, and dlopen of it (or of a library that needs it) fails,
 * every time, naming the fault; dladdr leaves it out.
 */
static void test_bad_tables(void)
{
	static const km_dl_symbol unsorted[] = {{"b", 0, 0}, {"a", (void *)&unsorted, 0}};
	static const km_dl_symbol twice[] = {{"a", 0, 0}, {"a", 0, 0}};
	static const km_dl_symbol unnamed[] = {{"a", 0, 0}, {0, 0, 0}};
	static const char *const needs_unsorted[] = {"bad/unsorted.so"};
	static const km_dl_library bad[] = {
		{LIB("bad/unsorted.so", "unsorted_km"), .name = "unsorted.so", .symbols = unsorted, .nsymbols = 2},
		{LIB("bad/twice.so", "twice_km"), .name = "twice.so", .symbols = twice, .nsymbols = 2},
		{LIB("bad/unnamed.so", "unnamed_km"), .name = "unnamed.so", .symbols = unnamed, .nsymbols = 2},
		{LIB("bad/user.so", "user_km"), .name = "user.so", .needed = needs_unsorted, .nneeded = 1},
	};
	Dl_info info;

	for (size_t i = 0; i < N(bad); i++)
		CHECK(km_dl_register(&bad[i]) == 0);
	for (int round = 0; round < 2; round++) {
		CHECK(!dlopen("bad/unsorted.so", RTLD_NOW));
		CHECK_STR(dlerror(), "km_dl: bad/unsorted.so: symbol table not sorted: 'a' (index 1) must sort before 'b' (index 0)");
	}
	CHECK(!km_dl_open_id("twice_km", RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: bad/twice.so: symbol 'a' is listed twice (index 1)");
	CHECK(!dlopen("bad/unnamed.so", RTLD_NOW));
	CHECK_STR(dlerror(), "km_dl: bad/unnamed.so: symbol 1 has a NULL name");
	CHECK(!dlopen("bad/user.so", RTLD_NOW | RTLD_GLOBAL));
	CHECK_STR(dlerror(), "km_dl: bad/unsorted.so: symbol table not sorted: 'a' (index 1) must sort before 'b' (index 0)");
	CHECK(!dladdr(&unsorted, &info));
	CHECK(!dlsym(RTLD_DEFAULT, "a"));
	CHECK_STR(dlerror(), "km_dl: RTLD_DEFAULT: undefined symbol: a");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A large table against a reference bsearch: names of all lengths around
 * the 16 bytes of lookup()'s keys, sharing long prefixes, prefixes of one
 * another; probes found and not found.
 */
static void test_big_table(void)
{
	enum { COUNT = 3000 };
	static char *names[COUNT], vals[COUNT];
	static km_dl_symbol syms[COUNT];
	static const char *const stems[] = {"", "a", "ab", "abcdefghijklmn", "abcdefghijklmno",
		"abcdefghijklmnop", "abcdefghijklmnopq", "PyUnicode_AsUTF8", "__pyx_pw_6falcon_7routing_"};
	static km_dl_library big = {LIB("big/big.so", "big_km"), .name = "big.so", .symbols = syms};
	size_t n = 0, m = 1;
	int ok = 1;
	void *h;

	for (int i = 0; n < COUNT; i++) {
		char buf[64];
		snprintf(buf, sizeof buf, "%s%d", stems[i % 9], i / 9);
		names[n++] = strdup(buf);
		if (n < COUNT && i % 7 == 0)
			names[n++] = strdup(stems[i % 9][0] ? stems[i % 9] : "z");
	}
	qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 1; i < n; i++) /* drop duplicates */
		if (strcmp(names[i], names[m - 1]))
			names[m++] = names[i];
		else
			free(names[i]);
	n = m;
	for (size_t i = 0; i < n; i++)
		syms[i] = (km_dl_symbol){names[i], &vals[i], 1};
	big.nsymbols = n;
	CHECK(km_dl_register(&big) == 0);
	h = dlopen("big.so", RTLD_NOW);
	CHECK(h != NULL);
	for (size_t i = 0; i < n; i++) {
		char probe[80];
		const char *p = probe;
		for (int v = 0; v < 4; v++) {
			size_t len = strlen(names[i]);
			char **want;
			snprintf(probe, sizeof probe, "%s", names[i]);
			if (v == 1)
				strcat(probe, "x");
			if (v == 2 && len)
				probe[len - 1] = 0;
			if (v == 3 && len)
				probe[len - 1]++;
			want = bsearch(&p, names, n, sizeof *names, cmp_str);
			ok &= dlsym(h, probe) == (want ? &vals[want - names] : NULL);
		}
	}
	CHECK(ok);
	CHECK(!dlsym(h, "") && !dlsym(h, "~"));
	dlerror();
}

/* 1,500 more libraries, registered from main: capacity, handles, speed of growth. */
static void test_many(void)
{
	enum { COUNT = 1500 };
	static int values[COUNT];
	static km_dl_library defs[COUNT];
	static km_dl_symbol syms[COUNT];
	static char paths[COUNT][32];
	void *spam = dlopen(SPAM, RTLD_NOW), *h0, *h1, *last = 0;
	int ok = 1;
	Dl_info info;

	CHECK(dladdr(spam_blob, &info));
	for (int i = 0; i < COUNT; i++) {
		snprintf(paths[i], sizeof paths[i], "many/lib%04d.so", i);
		syms[i] = (km_dl_symbol){"value", &values[i], sizeof values[i]};
		defs[i] = (km_dl_library){LIB(paths[i], paths[i]), .name = paths[i] + 5,
			.symbols = &syms[i], .nsymbols = 1};
		ok &= km_dl_register(&defs[i]) == 0;
	}
	CHECK(ok);
	CHECK(dlopen(SPAM, RTLD_NOW) == spam);
	for (int i = 0; i < COUNT; i++) {
		char name[32];
		void *h;
		snprintf(name, sizeof name, "/x/lib%04d.so", i);
		h = dlopen(name, RTLD_NOW);
		ok &= h && dlsym(h, "value") == &values[i];
		ok &= dlclose(h) == 0;
		last = h;
	}
	CHECK(ok);
	CHECK(dlclose(last) != 0);
	CHECK_STR(dlerror(), "km_dl: many/lib1499.so: dlclose on a closed handle");

	/* One entry past the last registered library is no handle. */
	h0 = dlopen("many/lib0000.so", RTLD_NOW);
	h1 = dlopen("many/lib0001.so", RTLD_NOW);
	last = (char *)last + ((char *)h1 - (char *)h0);
	CHECK(dlclose(last) != 0);
	CHECK_STR(dlerror(), fmt_handle("dlclose", last));

	check_dladdr(&values[7], "many/lib0007.so", "value", &values[7]);
	check_dladdr(&values[COUNT - 1], "many/lib1499.so", "value", &values[COUNT - 1]);
	check_dladdr(spam_blob + 5, SPAM, "spam_blob", spam_blob);
}

static void test_fini(char *self)
{
	char out[256] = "";
	char *argv[] = {self, "--fini-child", NULL};
	int fd[2], status;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	CHECK(pipe(fd) == 0);
	pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(fd[1]);
	while (n + 1 < sizeof out && (r = read(fd[0], out + n, sizeof out - 1 - n)) > 0)
		n += r;
	out[n] = 0;
	close(fd[0]);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* order.so was initialised last, then a, b, c were before it in
	 * reverse; media was never opened. */
	CHECK_STR(out, "3421ABC");
}

static int fini_child(void)
{
	void *order;
	log_buf[0] = 0;
	if (!dlopen("pkg/a.so", RTLD_NOW) || !(order = dlopen("order.so", RTLD_NOW)))
		return 1;
	if (dlclose(order) || strcmp(log_buf, "cba1243"))
		return 2;
	return 0;
}

int main(int argc, char **argv)
{
	main_started = 1;
	main_argc = argc;
	main_argv = argv;
	if (argc > 1 && !strcmp(argv[1], "--fini-child")) {
		in_fini_child = 1;
		return fini_child();
	}
	CHECK(!dlerror());
	test_paths();
	test_kmid();
	test_dlsym_dlerror();
	test_noload_refcount();
	test_constructors();
	test_open_id();
	test_default();
	test_linked_in();
	test_dladdr();
	test_register_refusals();
	test_bad_tables();
	test_big_table();
	test_many();
	test_fini(argv[0]);
	return km_test_done();
}
