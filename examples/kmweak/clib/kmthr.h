/* kmthr: a small library that, like libxml2, decides whether the process
 * has threads by testing weak references to pthread functions, and then
 * keeps per-thread state and a lock only when it does. */
#ifndef KMTHR_H
#define KMTHR_H

int kmthr_threaded(void);
/* Runs `threads` threads, each adding 1 to a shared counter `iters` times
 * under kmthr's lock and recording its per-thread state. Returns the
 * counter; *distinct gets the number of different per-thread states seen
 * (1 when kmthr decided there are no threads: they all share the global one). */
long kmthr_run(int threads, long iters, int *distinct);

#endif
