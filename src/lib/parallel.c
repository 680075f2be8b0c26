/* parallel.c - a tiny work-sharing loop (as minimap2's kt_for) for the
 * overlap job: threads take items from a shared counter; the calling thread
 * works too, and may draw a progress bar between its items. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "pipeline.h"

typedef struct {
    atomic_size_t next;
    atomic_int failed;
    size_t n;
    size_t per, total; /* the bar shows items * per, up to total */
    int (*fn)(void *arg, size_t i);
    void *arg;
} loop;

static void *loop_worker(void *arg)
{
    loop *l = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&l->next, 1);
        if (i >= l->n || atomic_load(&l->failed)) break;
        if (l->fn(l->arg, i)) atomic_store(&l->failed, 1);
    }
    return NULL;
}

/* A progress bar on standard error for the loop, drawn by this thread
 * between its own items at most four times a second (label NULL: none). */
static void loop_progress(loop *l, const char *label, double *last, int end)
{
    if (end) {
        if (*last > 0) fputs("\r\033[K", stderr);
        return;
    }
    double now = nd_now();
    if (now - *last < 0.25) return;
    if (*last == 0) { /* the first call starts the clock: short loops stay silent */
        *last = now;
        return;
    }
    *last = now;
    size_t done = atomic_load(&l->next), total = l->total;
    done = done > l->n ? total : done * l->per;
    if (done > total) done = total;
    int w = total ? (int)(30 * done / total) : 30;
    fprintf(stderr, "\rneardup: %s [%.*s%*s] %zu of %zu (%.0f%%)\033[K", label, w,
            "==============================", 30 - w, "", done, total, total ? 100.0 * done / total : 100.0);
    fflush(stderr);
}

int nd_parallel_for_blocks(size_t n, size_t per, size_t total, unsigned threads, int (*fn)(void *, size_t),
                           void *arg, const char *label)
{
    loop l = {.n = n, .per = per, .total = total, .fn = fn, .arg = arg};
    atomic_init(&l.next, 0);
    atomic_init(&l.failed, 0);
    if (threads < 1) threads = 1;
    pthread_t *tid = calloc(threads, sizeof *tid);
    unsigned started = 0;
    for (; tid && started + 1 < threads; started++)
        if (pthread_create(&tid[started], NULL, loop_worker, &l)) break;
    if (!label) {
        loop_worker(&l);
    } else { /* loop_worker, drawing the bar between items */
        double last = 0;
        for (;;) {
            size_t i = atomic_fetch_add(&l.next, 1);
            if (i >= l.n || atomic_load(&l.failed)) break;
            if (l.fn(l.arg, i)) atomic_store(&l.failed, 1);
            loop_progress(&l, label, &last, 0);
        }
        loop_progress(&l, label, &last, 1);
    }
    for (unsigned i = 0; i < started; i++) pthread_join(tid[i], NULL);
    free(tid);
    return atomic_load(&l.failed) ? NEARDUP_E_NOMEM : NEARDUP_OK;
}

int nd_parallel_for(size_t n, unsigned threads, int (*fn)(void *, size_t), void *arg, const char *label)
{
    return nd_parallel_for_blocks(n, 1, n, threads, fn, arg, label);
}
