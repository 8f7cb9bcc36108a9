/*
 * bench.c - dlsym lookups per second, through whichever dlsym is linked.
 *
 * Built twice by run.sh: dynamic against glibc (dlopen of a real .so) and
 * static with km_dl (the same names registered by the generated table.c).
 * Both read names.txt and make the same lookup sequence (xorshift, fixed
 * seed). Prints "<ns per lookup> <checksum>"; with KM_OURS also times
 * dlopen path resolution over the libraries of paths.txt.
 *
 * Usage: bench LIBRARY NAMES [LOOKUPS [PATHS]]
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char **read_lines(const char *file, size_t *n)
{
	char line[512], **v = 0;
	size_t cap = 0;
	FILE *f = fopen(file, "r");
	if (!f) {
		perror(file);
		exit(1);
	}
	for (*n = 0; fgets(line, sizeof line, f); (*n)++) {
		line[strcspn(line, "\n")] = 0;
		if (*n == cap && !(v = realloc(v, (cap = cap ? cap * 2 : 1024) * sizeof *v)))
			exit(1);
		v[*n] = strdup(line);
	}
	fclose(f);
	return v;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint32_t next_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* Best of 5 runs of the whole sequence, in ns per lookup. */
static double time_dlsym(void *h, char **seq, size_t n, long *sum)
{
	double best = 1e30;
	for (int run = 0; run < 5; run++) {
		double t = now();
		long s = 0;
		for (size_t i = 0; i < n; i++) {
			int *p = dlsym(h, seq[i]);
			s += *p;
		}
		t = (now() - t) / n;
		best = t < best ? t : best;
		*sum = s;
	}
	return best;
}

static double time_dlopen(char **paths, size_t npaths, size_t n)
{
	char **abs = malloc(npaths * sizeof *abs);
	double best = 1e30;
	for (size_t i = 0; i < npaths; i++) {
		abs[i] = malloc(strlen(paths[i]) + 64);
		sprintf(abs[i], "/opt/app/lib/python3.11/site-packages/%s", paths[i]);
		if (!dlopen(abs[i], RTLD_NOW)) {
			fprintf(stderr, "%s\n", dlerror());
			exit(1);
		}
	}
	for (int run = 0; run < 5; run++) {
		uint32_t x = 88172645u;
		double t = now();
		for (size_t i = 0; i < n; i++) {
			void *h = dlopen(abs[next_rand(&x) % npaths], RTLD_NOW);
			if (!h || dlclose(h))
				exit(1);
		}
		t = (now() - t) / n;
		best = t < best ? t : best;
	}
	return best;
}

int main(int argc, char **argv)
{
	size_t nnames, n = argc > 3 ? strtoul(argv[3], 0, 10) : 2000000, npaths;
	char **names, **seq;
	uint32_t x = 2463534242u;
	long sum, want = 0;
	void *h;
	double ns;

	if (argc < 3) {
		fprintf(stderr, "usage: %s LIBRARY NAMES [LOOKUPS [PATHS]]\n", argv[0]);
		return 2;
	}
	names = read_lines(argv[2], &nnames);
	seq = malloc(n * sizeof *seq);
	for (size_t i = 0; i < n; i++) {
		size_t k = next_rand(&x) % nnames;
		seq[i] = names[k];
		want += (long)k;
	}
	if (!(h = dlopen(argv[1], RTLD_NOW))) {
		fprintf(stderr, "%s\n", dlerror());
		return 1;
	}
	ns = time_dlsym(h, seq, n, &sum);
	if (sum != want) {
		fprintf(stderr, "wrong answers: checksum %ld, expected %ld\n", sum, want);
		return 1;
	}
	printf("dlsym %.2f\n", ns);
	if (argc > 4) {
		char **paths = read_lines(argv[4], &npaths);
		printf("dlopen %.2f %zu\n", time_dlopen(paths, npaths, 1000000), npaths);
	}
	return 0;
}
