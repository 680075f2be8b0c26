/* pipeline.c - read / work / collect over a ring of batch slots.
 *
 * The main thread reads batches into free slots and collects finished slots
 * strictly in sequence order; workers take READY slots in sequence order.
 * With S slots, at most S batches are in memory, so memory stays bounded
 * however large the corpus. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "lsh.h"
#include "pipeline.h"
#include "reader.h"
#include "record.h"
#include "tokenize.h"

enum { SLOT_FREE, SLOT_READY, SLOT_WORKING, SLOT_DONE };

typedef struct {
    size_t rec;   /* index of the bad record in the batch */
    nd_error err;
} bad_record;

typedef struct {
    int state;
    uint64_t seq;
    nd_batch batch;
    void *bo;
    /* per record, filled by the worker */
    char *ids;           /* NUL-separated ids */
    size_t ids_len, ids_cap;
    size_t *id_off;
    uint8_t *bad;
    uint8_t *done;       /* doc returned NEARDUP_OK (nd_pipeline_fns.batch_done) */
    size_t rec_cap;
    bad_record *bads;
    size_t nbad, bads_cap;
    uint64_t text_bytes, tokens, replaced, ctrl;
    double t_parse, t_tok, t_work;
    /* nd_pipeline_opts.prewrite: buf[pw_lo, batch.len) goes to pw_off */
    size_t pw_lo;
    uint64_t pw_off;
    int pw_errno, pw_lost;
    double t_pw;
    nd_enc_count enc[8]; /* documents not in plain UTF-8, by encoding */
    size_t nenc;
    uint64_t enc_over;
} slot;

/* Counts k documents of encoding name in a table of 8 (*over: the rest). */
static void count_encoding(nd_enc_count *t, size_t *n, uint64_t *over, const char *name, uint64_t k)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(t[i].name, name)) {
            t[i].n += k;
            return;
        }
    if (*n == 8) {
        *over += k;
        return;
    }
    snprintf(t[*n].name, sizeof t[*n].name, "%s", name);
    t[(*n)++].n = k;
}

typedef struct {
    const nd_pipeline_opts *o;
    const nd_pipeline_fns *f;
    nd_reader *r;
    slot *slots;
    size_t nslots;
    pthread_mutex_t mu;
    pthread_cond_t work_cv, main_cv;
    uint64_t seq_read, next_work;
    uint64_t pw_next; /* prewrite: where the next batch's records go */
    int eof, stop;
    int worker_err; /* NEARDUP_E_NOMEM from a worker's own setup */
    /* nd_pipeline_fns.reserve: records the command has room for; while hold
     * is set no slot starts work, and working counts the slots in work */
    uint64_t reserved;
    int hold;
    unsigned working;
} engine;

double nd_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void nd_pipeline_opts_default(nd_pipeline_opts *o)
{
    memset(o, 0, sizeof *o);
    o->batch_bytes = 1 << 20;
    o->reader.follow_symlinks = 1;
    o->rec.id_field = "id";
    o->rec.text_field = "text";
    nd_seeds s;
    nd_seeds_from_seed(&s, ND_DEFAULT_SEED);
    o->token_seed = s.token_seed;
}

void nd_corpus_info_free(nd_corpus_info *ci)
{
    free(ci->id_buf);
    free(ci->id_off);
    free(ci->input);
    free(ci->line);
    free(ci->skipped);
    memset(ci, 0, sizeof *ci);
}

static int slot_push_id(slot *s, size_t i, const char *id, size_t len)
{
    if (nd_grow((void **)&s->ids, &s->ids_cap, s->ids_len + len + 1, 1)) return -1;
    memcpy(s->ids + s->ids_len, id, len);
    s->id_off[i] = s->ids_len;
    s->ids_len += len;
    s->ids[s->ids_len++] = '\0';
    return 0;
}

static int slot_note_bad(slot *s, size_t i, const nd_error *err)
{
    if (nd_grow((void **)&s->bads, &s->bads_cap, s->nbad + 1, sizeof *s->bads)) return -1;
    s->bads[s->nbad].rec = i;
    s->bads[s->nbad++].err = *err;
    s->bad[i] = 1;
    return 0;
}

/* nd_pipeline_opts.prewrite: the slot's records of the written inputs, as
 * the reader laid them out (each line and its "\n", back to back), at their
 * place in the copy.  Any thread: the places were given out in input order. */
static void prewrite_slot(engine *e, slot *s)
{
    const nd_batch *b = &s->batch;
    s->pw_errno = s->pw_lost = 0;
    s->t_pw = 0;
    if (s->pw_lo >= b->len) return;
    for (size_t i = 0; i < b->n; i++)
        if (b->rec[i].input >= e->o->prewrite_from && !b->rec[i].jsonl) {
            s->pw_lost = 1; /* not a line copied as it is: the second pass writes it */
            return;
        }
    double t0 = nd_now();
    const char *p = b->buf + s->pw_lo;
    size_t n = b->len - s->pw_lo;
    if (nd_pwrite_all(e->o->prewrite_fd, p, n, s->pw_off)) s->pw_errno = errno;
    s->t_pw = nd_now() - t0;
}

/* Parses, tokenizes and hands each record of a slot to the command. */
static void work_slot(engine *e, slot *s, nd_record_parser *parser, nd_tokenizer *tk,
                      nd_tokens *tok, void *ts)
{
    const nd_batch *b = &s->batch;
    s->ids_len = s->nbad = 0;
    s->text_bytes = s->tokens = s->replaced = s->ctrl = 0;
    s->nenc = s->enc_over = 0;
    s->t_parse = s->t_tok = s->t_work = 0;
    size_t had = s->rec_cap;
    int nomem = nd_grow((void **)&s->id_off, &s->rec_cap, b->n, sizeof *s->id_off);
    if (!nomem && (s->rec_cap != had || !s->bad || !s->done)) { /* both grow with id_off */
        uint8_t *bad = realloc(s->bad, s->rec_cap ? s->rec_cap : 1);
        if (bad) s->bad = bad;
        uint8_t *done = realloc(s->done, s->rec_cap ? s->rec_cap : 1);
        if (done) s->done = done;
        nomem = !bad || !done;
        if (nomem) s->rec_cap = had; /* tried again next time */
    }
    if (nomem) {
        e->worker_err = NEARDUP_E_NOMEM;
        return;
    }
    memset(s->bad, 0, b->n);
    memset(s->done, 0, b->n);
    if (e->o->prewrite) prewrite_slot(e, s);
    if (e->f->batch_reset) e->f->batch_reset(e->f->user, s->bo);
    for (size_t i = 0; i < b->n; i++) {
        if (e->o->shard_n > 1 &&
            (b->first_doc + i) / ND_SHARD_BLOCK % e->o->shard_n != e->o->shard_i) {
            if (slot_push_id(s, i, "", 0)) { /* another rank's record */
                e->worker_err = NEARDUP_E_NOMEM;
                return;
            }
            continue;
        }
        const nd_raw_record *rec = &b->rec[i];
        const char *path = nd_reader_path(e->r, rec->input);
        nd_doc d;
        nd_error err = {0, ""};
        int timed = !e->o->untimed;
        double t0 = timed ? nd_now() : 0;
        int rc = nd_record_parse(parser, rec, b->buf + rec->off, path, &d, &err);
        double t1 = timed ? nd_now() : 0;
        s->t_parse += t1 - t0;
        if (rc == NEARDUP_OK) {
            size_t bad_off = 0, replaced = 0;
            char idt[256];
            rc = nd_tokenize(tk, d.text, d.text_len, tok, &bad_off, &replaced);
            if (rc != NEARDUP_OK) nd_id_text(idt, sizeof idt, d.id, d.id_len);
            if (rc == NEARDUP_E_UTF8 && !rec->jsonl)
                nd_fail(&err, rc, "%s: invalid UTF-8 at byte %zu (use --lossy to treat bad bytes as "
                        "spaces)", idt, bad_off);
            else if (rc == NEARDUP_E_UTF8)
                nd_fail(&err, rc, "%s:%llu: record \"%s\": invalid UTF-8 at byte %zu of the text "
                        "(use --lossy to treat bad bytes as spaces)", path, (unsigned long long)rec->line,
                        idt, bad_off);
            else if (rc == NEARDUP_E_INPUT && d.text_len > UINT32_MAX && !rec->jsonl)
                nd_fail(&err, rc, "%s: a text of %zu bytes is over the 4 GiB limit of one document", idt,
                        d.text_len);
            else if (rc == NEARDUP_E_INPUT && d.text_len > UINT32_MAX)
                nd_fail(&err, rc, "%s:%llu: record \"%s\": a text of %zu bytes is over the 4 GiB "
                        "limit of one document", path, (unsigned long long)rec->line, idt, d.text_len);
            else if (rc != NEARDUP_OK && !rec->jsonl)
                nd_fail(&err, rc, "%s: %s", idt, neardup_strerror(rc));
            else if (rc != NEARDUP_OK)
                nd_fail(&err, rc, "%s:%llu: record \"%s\": %s", path, (unsigned long long)rec->line, idt,
                        neardup_strerror(rc));
            s->replaced += replaced;
            s->ctrl += d.ctrl;
        }
        double t2 = timed ? nd_now() : 0;
        s->t_tok += t2 - t1;
        if (rc == NEARDUP_OK && d.encoding && strcmp(d.encoding, "utf-8")) {
            count_encoding(s->enc, &s->nenc, &s->enc_over, d.encoding, 1);
        }
        if (rc == NEARDUP_OK) s->replaced += d.replaced;
        if (rc == NEARDUP_OK) {
            s->text_bytes += d.text_len;
            s->tokens += tok->n;
            rc = e->f->doc(e->f->user, ts, s->bo, b->first_doc + i, &d, tok, &err);
            if (timed) s->t_work += nd_now() - t2;
            s->done[i] = rc == NEARDUP_OK;
        }
        int push = rc == NEARDUP_OK ? slot_push_id(s, i, d.id, d.id_len) : slot_push_id(s, i, "", 0);
        if (push || (rc != NEARDUP_OK && slot_note_bad(s, i, &err))) {
            e->worker_err = NEARDUP_E_NOMEM;
            return;
        }
        if (rc != NEARDUP_OK && !e->o->skip_bad) return; /* the batch stops at its first error */
    }
    if (e->f->batch_done) {
        nd_error err = {0, ""};
        double t0 = nd_now();
        int rc = e->f->batch_done(e->f->user, ts, s->bo, b->first_doc, b->n, s->done, &err);
        s->t_work += nd_now() - t0;
        if (rc) e->worker_err = rc == NEARDUP_E_NOMEM ? rc : NEARDUP_E_INTERNAL;
    }
}

/* A progress line on standard error, at most four times a second; end != 0
 * erases it.  Only when standard error is a terminal (the caller checks). */
static void progress(nd_corpus_info *ci, int end)
{
    double now = nd_now();
    if (end) {
        if (ci->t_progress > 0) fputs("\r\033[K", stderr);
        return;
    }
    if (now - ci->t_progress < 0.25) return;
    if (ci->t_progress == 0) { /* the first call only starts the clock */
        ci->t_progress = now;
        return;
    }
    ci->t_progress = now;
    double secs = now - ci->t_start;
    fprintf(stderr, "\rneardup: %llu records, %.1f MB of text, %.1f MB/s\033[K", (unsigned long long)ci->n,
            ci->text_bytes / 1e6, secs > 0 ? ci->text_bytes / 1e6 / secs : 0.0);
}

/* What a thread needs to work on slots. */
typedef struct {
    nd_record_parser *parser;
    nd_tokenizer *tk;
    nd_tokens tok;
    void *ts;
} work_state;

static int work_state_init(engine *e, work_state *w)
{
    memset(w, 0, sizeof *w);
    nd_record_opts ro = e->o->rec;
    ro.padded = 1; /* the reader's batches */
    w->parser = nd_record_parser_create(&ro);
    w->tk = nd_tokenizer_create(e->o->token_seed, e->o->lossy);
    if (w->tk && e->o->keyed) nd_tokenizer_set_secret(w->tk, e->o->token_secret);
    w->ts = e->f->thread_init ? e->f->thread_init(e->f->user) : NULL;
    return w->parser && w->tk && (w->ts || !e->f->thread_init) ? 0 : -1;
}

static void work_state_free(engine *e, work_state *w)
{
    if (e->f->thread_free && w->ts) e->f->thread_free(e->f->user, w->ts);
    nd_tokens_free(&w->tok);
    nd_tokenizer_free(w->tk);
    nd_record_parser_free(w->parser);
}

static void *worker_main(void *arg)
{
    engine *e = arg;
    work_state w;
    int ok = work_state_init(e, &w) == 0;
    pthread_mutex_lock(&e->mu);
    if (!ok) {
        e->worker_err = NEARDUP_E_NOMEM;
        e->stop = 1;
        pthread_cond_broadcast(&e->main_cv);
    }
    while (!e->stop) {
        slot *s = &e->slots[e->next_work % e->nslots];
        if (e->hold || e->next_work >= e->seq_read || s->state != SLOT_READY || s->seq != e->next_work) {
            pthread_cond_wait(&e->work_cv, &e->mu);
            continue;
        }
        e->next_work++;
        s->state = SLOT_WORKING;
        e->working++;
        pthread_mutex_unlock(&e->mu);
        work_slot(e, s, w.parser, w.tk, &w.tok, w.ts);
        pthread_mutex_lock(&e->mu);
        s->state = SLOT_DONE;
        e->working--;
        if (e->worker_err) e->stop = 1;
        pthread_cond_broadcast(&e->main_cv);
    }
    pthread_mutex_unlock(&e->mu);
    work_state_free(e, &w);
    return NULL;
}

static int grow_info(nd_corpus_info *ci, size_t need)
{
    if (need <= ci->cap) return 0;
    size_t cap = ci->cap ? ci->cap : 1024;
    while (cap < need) cap *= 2;
    size_t *off = realloc(ci->id_off, cap * sizeof *off);
    if (off) ci->id_off = off;
    uint32_t *in = realloc(ci->input, cap * sizeof *in);
    if (in) ci->input = in;
    uint64_t *ln = realloc(ci->line, cap * sizeof *ln);
    if (ln) ci->line = ln;
    uint8_t *sk = realloc(ci->skipped, cap);
    if (sk) ci->skipped = sk;
    if (!off || !in || !ln || !sk) return -1;
    ci->cap = cap;
    return 0;
}

/* Main thread: accounts for one finished slot, in input order. */
static int collect_slot(engine *e, slot *s, nd_corpus_info *ci, nd_error *err)
{
    const nd_batch *b = &s->batch;
    if (s->nbad && !e->o->skip_bad) {
        *err = s->bads[0].err;
        return err->code ? err->code : NEARDUP_E_INPUT;
    }
    if (grow_info(ci, ci->n + b->n) ||
        nd_grow((void **)&ci->id_buf, &ci->id_cap, ci->id_len + s->ids_len, 1))
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory keeping record ids");
    memcpy(ci->id_buf + ci->id_len, s->ids, s->ids_len);
    for (size_t i = 0; i < b->n; i++) {
        uint64_t r = ci->n + i;
        ci->id_off[r] = ci->id_len + s->id_off[i];
        ci->input[r] = b->rec[i].input;
        ci->line[r] = b->rec[i].line;
        ci->skipped[r] = s->bad[i];
    }
    for (size_t j = 0; j < s->nbad; j++) {
        if (ci->skipped_n < 8)
            snprintf(ci->skip_notes[ci->skipped_n], sizeof ci->skip_notes[0], "%s",
                     s->bads[j].err.msg);
        ci->skipped_n++;
    }
    ci->id_len += s->ids_len;
    ci->n += b->n;
    ci->raw_bytes += b->len;
    ci->text_bytes += s->text_bytes;
    ci->tokens += s->tokens;
    ci->replaced_bytes += s->replaced;
    ci->ctrl_chars += s->ctrl;
    for (size_t j = 0; j < s->nenc; j++)
        count_encoding(ci->enc, &ci->nenc, &ci->enc_other, s->enc[j].name, s->enc[j].n);
    ci->enc_other += s->enc_over;
    ci->t_parse += s->t_parse;
    ci->t_tokenize += s->t_tok;
    ci->t_work += s->t_work;
    if (e->o->prewrite) {
        if (s->pw_errno && !ci->prewrite_errno) ci->prewrite_errno = s->pw_errno;
        ci->prewrite_lost |= s->pw_lost;
        ci->prewrite_bytes += s->pw_lo < b->len ? b->len - s->pw_lo : 0;
        ci->t_prewrite += s->t_pw;
    }
    double t0 = nd_now();
    int rc = e->f->collect ? e->f->collect(e->f->user, s->bo, b->first_doc, b->n, err) : 0;
    ci->t_collect += nd_now() - t0;
    return rc;
}

unsigned nd_online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

/* The main thread's loop: read into free slots, collect finished ones, and
 * work on ready slots itself when there is nothing else to do, so that -j N
 * means N threads in all and -j 1 runs everything on this thread. */
static int drive(engine *e, work_state *w, nd_corpus_info *ci, nd_error *err)
{
    uint64_t seq_collect = 0;
    int rc = NEARDUP_OK;
    pthread_mutex_lock(&e->mu);
    for (;;) {
        slot *rs = &e->slots[e->seq_read % e->nslots];
        slot *cs = &e->slots[seq_collect % e->nslots];
        if (e->stop) break;
        if (!e->eof && rs->state == SLOT_FREE) {
            pthread_mutex_unlock(&e->mu);
            double t0 = nd_now();
            int got = nd_reader_next(e->r, &rs->batch, e->o->batch_bytes, err);
            ci->t_read += nd_now() - t0;
            pthread_mutex_lock(&e->mu);
            if (got < 0) { rc = err->code ? err->code : -got; break; }
            if (got == 0) { e->eof = 1; continue; }
            uint64_t need = rs->batch.first_doc + rs->batch.n;
            if (e->f->reserve && need > e->reserved) { /* no worker may write while the arrays move */
                e->hold = 1;
                while (e->working) pthread_cond_wait(&e->main_cv, &e->mu);
                pthread_mutex_unlock(&e->mu);
                rc = e->f->reserve(e->f->user, need, &e->reserved, err);
                pthread_mutex_lock(&e->mu);
                e->hold = 0;
                if (rc) break;
            }
            if (e->o->prewrite) { /* the written inputs' records follow the others' */
                size_t i = 0;
                while (i < rs->batch.n && rs->batch.rec[i].input < e->o->prewrite_from) i++;
                rs->pw_lo = i < rs->batch.n ? rs->batch.rec[i].off : rs->batch.len;
                rs->pw_off = e->pw_next;
                e->pw_next += rs->batch.len - rs->pw_lo;
            }
            rs->seq = e->seq_read++;
            rs->state = SLOT_READY;
            pthread_cond_broadcast(&e->work_cv);
        } else if (seq_collect < e->seq_read && cs->state == SLOT_DONE) {
            pthread_mutex_unlock(&e->mu);
            rc = collect_slot(e, cs, ci, err);
            if (e->o->progress) progress(ci, 0);
            pthread_mutex_lock(&e->mu);
            cs->state = SLOT_FREE;
            seq_collect++;
            if (rc) break;
        } else if (e->eof && seq_collect == e->seq_read) {
            break;
        } else if (e->next_work < e->seq_read &&
                   e->slots[e->next_work % e->nslots].state == SLOT_READY &&
                   e->slots[e->next_work % e->nslots].seq == e->next_work) {
            slot *ws = &e->slots[e->next_work++ % e->nslots];
            ws->state = SLOT_WORKING;
            e->working++;
            pthread_mutex_unlock(&e->mu);
            work_slot(e, ws, w->parser, w->tk, &w->tok, w->ts);
            pthread_mutex_lock(&e->mu);
            ws->state = SLOT_DONE;
            e->working--;
            if (e->worker_err) e->stop = 1;
        } else {
            pthread_cond_wait(&e->main_cv, &e->mu);
        }
    }
    if (!rc && e->worker_err) rc = nd_fail(err, e->worker_err, "out of memory in a worker thread");
    e->stop = 1;
    pthread_cond_broadcast(&e->work_cv);
    pthread_mutex_unlock(&e->mu);
    return rc;
}

int nd_pipeline_run(nd_reader *r, const nd_pipeline_opts *o, const nd_pipeline_fns *f,
                    nd_corpus_info *ci, nd_error *err)
{
    engine e = {.o = o, .f = f, .r = r};
    unsigned nt = o->threads ? o->threads : nd_online_cpus();
    memset(ci, 0, sizeof *ci);
    ci->threads = nt;
    double t0 = nd_now();
    ci->t_start = t0;
    /* Two slots a thread: while the reading thread works on a slot itself,
     * the others must find enough read batches (and free slots behind the
     * in-order collector); with threads + 2 slots the worker at -j 2 sat idle
     * 0.08 s of 0.38 on news-40k, with 2 x threads + 2 about 0.03 s. */
    e.nslots = 2 * (size_t)nt + 2;
    e.slots = calloc(e.nslots, sizeof *e.slots);
    pthread_t *tid = calloc(nt, sizeof *tid);
    if (!e.slots || !tid) {
        free(e.slots);
        free(tid);
        return nd_fail(err, NEARDUP_E_NOMEM, "out of memory starting the pipeline");
    }
    int rc = NEARDUP_OK;
    for (size_t i = 0; i < e.nslots; i++)
        if (f->batch_init && !(e.slots[i].bo = f->batch_init(f->user)))
            rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory starting the pipeline");
    pthread_mutex_init(&e.mu, NULL);
    pthread_cond_init(&e.work_cv, NULL);
    pthread_cond_init(&e.main_cv, NULL);
    work_state mw;
    if (work_state_init(&e, &mw) && rc == NEARDUP_OK)
        rc = nd_fail(err, NEARDUP_E_NOMEM, "out of memory starting the pipeline");
    unsigned started = 0;
    for (; rc == NEARDUP_OK && started + 1 < nt; started++) /* the main thread is the Nth */
        if (pthread_create(&tid[started], NULL, worker_main, &e)) {
            rc = nd_fail(err, NEARDUP_E_INTERNAL, "cannot start a worker thread");
            break;
        }
    if (rc == NEARDUP_OK) rc = drive(&e, &mw, ci, err);
    else {
        pthread_mutex_lock(&e.mu);
        e.stop = 1;
        pthread_cond_broadcast(&e.work_cv);
        pthread_mutex_unlock(&e.mu);
    }
    for (unsigned i = 0; i < started; i++) pthread_join(tid[i], NULL);
    work_state_free(&e, &mw);
    for (size_t i = 0; i < e.nslots; i++) {
        slot *s = &e.slots[i];
        if (f->batch_free && s->bo) f->batch_free(f->user, s->bo);
        nd_batch_free(&s->batch);
        free(s->ids);
        free(s->id_off);
        free(s->bad);
        free(s->done);
        free(s->bads);
    }
    pthread_cond_destroy(&e.work_cv);
    pthread_cond_destroy(&e.main_cv);
    pthread_mutex_destroy(&e.mu);
    free(e.slots);
    free(tid);
    ci->t_wall = nd_now() - t0;
    nd_reader_other_records(r, &ci->warc_other, ci->warc_note, sizeof ci->warc_note);
    if (o->progress) progress(ci, 1);
    return rc;
}

int nd_corpus_check_unique_ids(const nd_corpus_info *ci, const nd_reader *r, nd_error *err)
{
    if (ci->n < 2) return NEARDUP_OK;
    nd_band_rec *h = malloc(ci->n * sizeof *h);
    if (!h) return nd_fail(err, NEARDUP_E_NOMEM, "out of memory checking ids");
    size_t m = 0;
    for (uint64_t i = 0; i < ci->n; i++) {
        if (ci->skipped[i]) continue;
        h[m++] = (nd_band_rec){XXH3_64bits(nd_corpus_id(ci, i), nd_corpus_id_len(ci, i)), (uint32_t)i, 0};
    }
    int rc = nd_sort_band_recs(h, m);
    for (size_t i = 0; rc == NEARDUP_OK && i + 1 < m; i++) {
        for (size_t j = i + 1; j < m && h[j].key == h[i].key; j++) {
            uint32_t a = h[i].doc, b = h[j].doc;
            size_t la = nd_corpus_id_len(ci, a);
            if (la != nd_corpus_id_len(ci, b) || memcmp(nd_corpus_id(ci, a), nd_corpus_id(ci, b), la)) continue;
            if (a > b) { uint32_t t = a; a = b; b = t; }
            char idt[256], sa[24], sb[24];
            rc = nd_fail(err, NEARDUP_E_INPUT,
                         "%s%s: duplicate id \"%s\" (first seen at %s%s); ids must be unique",
                         nd_reader_path(r, ci->input[b]), nd_line_suffix(sb, ci->line[b]),
                         nd_id_text(idt, sizeof idt, nd_corpus_id(ci, b), la), nd_reader_path(r, ci->input[a]),
                         nd_line_suffix(sa, ci->line[a]));
            break;
        }
    }
    if (rc == NEARDUP_E_NOMEM) nd_fail(err, rc, "out of memory checking ids");
    free(h);
    return rc;
}
