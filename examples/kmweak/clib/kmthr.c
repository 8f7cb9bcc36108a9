/* The libxml2 pattern (threads.c): weak references to pthread functions,
 * tested at run time. Dynamically they bind to libc; in a static link a
 * weak reference pulls nothing from libc.a, so unless kmpack binds them
 * pthread_equal stays 0 and kmthr runs as if single-threaded. */
#include "kmthr.h"

#include <pthread.h>
#include <stddef.h>

#pragma weak pthread_equal
#pragma weak pthread_key_create
#pragma weak pthread_getspecific
#pragma weak pthread_setspecific
#pragma weak pthread_mutex_lock
#pragma weak pthread_mutex_unlock

struct kmthr_state {
    long added;
};

static int threaded = -1;
static pthread_key_t key;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct kmthr_state global_state;
static struct kmthr_state thread_states[64];
static int next_state;

int kmthr_threaded(void) {
    if (threaded == -1) {
        /* libxml2: libxml_is_threaded = pthread_equal != NULL && ... */
        threaded = pthread_equal != NULL && pthread_key_create != NULL && pthread_getspecific != NULL &&
                   pthread_mutex_lock != NULL;
        if (threaded && pthread_key_create(&key, NULL) != 0)
            threaded = 0;
    }
    return threaded;
}

static void kmthr_lock(void) {
    if (kmthr_threaded())
        pthread_mutex_lock(&lock);
}

static void kmthr_unlock(void) {
    if (kmthr_threaded())
        pthread_mutex_unlock(&lock);
}

/* This thread's state: its own when threaded, else the one global state. */
static struct kmthr_state *kmthr_state(void) {
    if (!kmthr_threaded())
        return &global_state;
    struct kmthr_state *s = pthread_getspecific(key);
    if (s == NULL) {
        kmthr_lock();
        s = &thread_states[next_state++ % 64];
        kmthr_unlock();
        pthread_setspecific(key, s);
    }
    return s;
}

struct job {
    long iters;
    long *counter;
    struct kmthr_state *state;
};

static void *work(void *arg) {
    struct job *j = arg;
    j->state = kmthr_state();
    for (long i = 0; i < j->iters; ++i) {
        kmthr_lock();
        ++*j->counter;
        ++j->state->added;
        kmthr_unlock();
    }
    return NULL;
}

long kmthr_run(int threads, long iters, int *distinct) {
    long counter = 0;
    pthread_t ids[64];
    struct job jobs[64];
    if (threads > 64)
        threads = 64;
    int started = 0;
    for (int i = 0; i < threads; ++i) {
        jobs[i] = (struct job){iters, &counter, NULL};
        if (pthread_create(&ids[i], NULL, work, &jobs[i]) != 0)
            break;
        ++started;
    }
    for (int i = 0; i < started; ++i)
        pthread_join(ids[i], NULL);
    *distinct = 0;
    for (int i = 0; i < started; ++i) {
        int seen = 0;
        for (int k = 0; k < i; ++k)
            seen = seen || jobs[k].state == jobs[i].state;
        *distinct += !seen;
    }
    return counter;
}
