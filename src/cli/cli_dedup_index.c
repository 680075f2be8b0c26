/* cli_dedup_index.c - `dedup --against INDEX`: a neardup index as the
 * reference, with the result of `--against CORPUS` for the corpus it was
 * built from.
 *
 * The index holds what dedup would compute for its corpus: each document's
 * signature and band records, with the same parameters.  So the job runs on
 * the inputs (and any corpus references) alone; then each record's band keys
 * are looked up in the index's sorted band table, the references found are
 * verified as dedup verifies a candidate, and the accepted (reference,
 * record) pairs join dedup's union-find with the references numbered first.
 * The references reached are then joined to one another the same way, by
 * their own band keys: with --against CORPUS they sit in the same buckets,
 * and a cluster holding two references is one cluster, whose first
 * reference is the one a removed input duplicates (the matching:
 * src/lib/index_match.c). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_dedup.h"
#include "lsh.h"
#include "minhash.h"

static int is_index(const char *path)
{
    char head[8];
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : NULL;
    size_t got = f ? fread(head, 1, sizeof head, f) : 0;
    if (f) fclose(f);
    return got == sizeof head && !memcmp(head, "NDUPIDX", 8);
}

/* The run's parameters become ix's (first index) or must equal them. */
static int adopt(dedup_ctx *c, const nd_index *ix, int first, nd_error *err)
{
    nd_common *cm = &c->job.common;
    unsigned given = first ? c->given : ND_GIVEN_NGRAM | ND_GIVEN_K | ND_GIVEN_SEED | ND_GIVEN_T;
    nd_index_params want = ix->p;
    if (given & ND_GIVEN_NGRAM) want.ngram = cm->ngram;
    if (given & ND_GIVEN_K) want.k = cm->k;
    if ((given & ND_GIVEN_SEED) && !cm->key.present) want.seed = cm->seed;
    int rc = nd_index_params_check(&ix->p, &want, ix->path, err);
    if (!rc) rc = nd_index_check_key(ix, cm->key.present ? cm->key.id : NULL, sizeof cm->key.id, err);
    if (rc) return rc;
    unsigned b, r;
    if (given & ND_GIVEN_T) {
        nd_lsh_params(cm->threshold, ix->p.k, &b, &r);
        if (b != ix->p.bands || r != ix->p.rows)
            return nd_fail(err, NEARDUP_E_USAGE, "%s was built for -t %g (%u bands x %u rows); -t %g needs %u x %u: "
                           "rebuild the index with -t %g, or leave -t out to use the index's", ix->path,
                           ix->p.threshold, ix->p.bands, ix->p.rows, cm->threshold, b, r, cm->threshold);
    }
    if (!first) return NEARDUP_OK;
    int changed = (!(given & ND_GIVEN_NGRAM) && cm->ngram != ix->p.ngram) ||
                  (!(given & ND_GIVEN_K) && cm->k != ix->p.k) ||
                  (!(given & ND_GIVEN_T) && cm->threshold != ix->p.threshold) ||
                  (!(given & ND_GIVEN_SEED) && !cm->key.present && cm->seed != ix->p.seed);
    if (changed && !cm->quiet)
        fprintf(stderr, "neardup dedup: --against %s: using the index's parameters -n %u -k %u -t %g%s%llu\n",
                ix->path, ix->p.ngram, ix->p.k, (given & ND_GIVEN_T) ? cm->threshold : ix->p.threshold,
                cm->key.present ? "" : " --seed ", cm->key.present ? 0ULL : (unsigned long long)ix->p.seed);
    cm->ngram = ix->p.ngram;
    cm->k = ix->p.k;
    if (!cm->key.present) cm->seed = ix->p.seed;
    if (!(given & ND_GIVEN_T)) cm->threshold = ix->p.threshold;
    return NEARDUP_OK;
}

int nd_dedup_open_indexes(dedup_ctx *c)
{
    nd_error err = {0, ""};
    int kept = 0;
    for (int i = 0; i < c->nrefs; i++) {
        if (!is_index(c->refs[i])) {
            c->refs[kept++] = c->refs[i];
            continue;
        }
        if (c->job.metric != ND_METRIC_JACCARD || c->job.exact)
            return nd_cli_error(NEARDUP_E_USAGE, "--against %s: an index holds MinHash signatures, not shingle sets: "
                                "it works with --metric jaccard without --exact (give the corpus instead)",
                                c->refs[i]);
        nd_index *ix;
        int rc = nd_index_open(c->refs[i], ND_IX_IDS | ND_IX_DOCS | ND_IX_SIGS | ND_IX_BANDS, &ix, &err);
        if (!rc && (rc = adopt(c, ix, c->nix_files == 0, &err))) nd_index_close(ix);
        if (rc) return nd_cli_error(rc, "--against: %s", err.msg);
        c->ix[c->nix_files++] = ix;
        c->nix += ix->ndocs;
    }
    c->nrefs = kept;
    if (c->nix > UINT32_MAX / 2)
        return nd_cli_error(NEARDUP_E_USAGE, "--against: %llu index documents: at most %u", (unsigned long long)c->nix,
                            UINT32_MAX / 2);
    nd_pipeline_opts po;
    nd_seeds seeds;
    nd_common_pipeline(&c->job.common, &po, &seeds); /* the adopted seed's */
    if (c->nix_files && nd_index_matcher_init(&c->ixm, c->ix, c->nix_files, c->job.max_bucket,
                                              c->job.common.threshold, nd_index_band_seed(seeds.sketch_seed)))
        return nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
    return 0;
}

void nd_dedup_close_indexes(dedup_ctx *c)
{
    nd_index_matcher_free(&c->ixm);
    for (int i = 0; i < c->nix_files; i++) nd_index_close(c->ix[i]);
    c->nix_files = 0;
}

int nd_dedup_check_index_ids(dedup_ctx *c, nd_error *err)
{
    for (uint64_t r = 0; r < c->job.ci.n; r++) {
        int rc = nd_index_matcher_check_id(&c->ixm, &c->job.ci, c->job.reader, r, err);
        if (rc) return rc;
    }
    return NEARDUP_OK;
}

const char *nd_dedup_id(const dedup_ctx *c, uint64_t i, size_t *len)
{
    if (i >= c->nix) {
        *len = nd_corpus_id_len(&c->job.ci, i - c->nix);
        return nd_corpus_id(&c->job.ci, i - c->nix);
    }
    return nd_index_matcher_id(&c->ixm, i, len);
}

/* The spilled signatures (--memory) read a window at a time: cap records
 * from the one asked for, unless it is in the window already. */
typedef struct {
    uint32_t *buf;
    uint64_t first, n; /* records [first, first + n) are in buf */
    size_t cap;
} sig_window;

static int spilled(const nd_job *j, sig_window *w, uint64_t r)
{
    if (r >= w->first && r < w->first + w->n) return 0;
    size_t bytes = (size_t)j->common.k * sizeof *w->buf;
    uint64_t n = j->ci.n - r < w->cap ? j->ci.n - r : w->cap;
    w->first = r;
    w->n = 0;
    if (pread(j->sig_fd, w->buf, n * bytes, (off_t)(r * bytes)) != (ssize_t)(n * bytes)) return -1;
    w->n = n;
    return 0;
}

static const uint32_t *sig_in(const dedup_ctx *c, uint64_t i, sig_window *w, int *ioerr)
{
    const nd_job *j = &c->job;
    unsigned k = j->common.k;
    if (i < c->nix) return nd_index_matcher_sig(&c->ixm, i);
    uint64_t r = i - c->nix;
    if (j->ci.skipped[r]) return NULL;
    if (!j->has_sig_fd) return j->sk.nshingles[r] ? j->sk.sig + r * k : NULL;
    if (spilled(j, w, r)) {
        *ioerr = 1;
        return NULL;
    }
    const uint32_t *s = w->buf + (r - w->first) * k;
    for (unsigned x = 0; x < k; x++)
        if (s[x] != UINT32_MAX) return s; /* an empty document's lanes are all UINT32_MAX */
    return NULL;
}

/* Number i's signature (k lanes): an index's, in memory or (--memory) read
 * into buf; NULL when i has none (empty, skipped) or on a read error. */
static const uint32_t *sig_of(const dedup_ctx *c, uint64_t i, uint32_t *buf, int *ioerr)
{
    sig_window w = {.buf = buf, .cap = 1};
    return sig_in(c, i, &w, ioerr);
}

double nd_dedup_score(const dedup_ctx *c, uint64_t i, uint64_t a)
{
    if (i >= c->nix && a >= c->nix) return nd_job_score(&c->job, (uint32_t)(i - c->nix), (uint32_t)(a - c->nix));
    unsigned k = c->job.common.k;
    uint32_t *buf = malloc(2 * (size_t)k * sizeof *buf);
    int ioerr = 0;
    const uint32_t *x = buf ? sig_of(c, i, buf, &ioerr) : NULL, *y = buf ? sig_of(c, a, buf + k, &ioerr) : NULL;
    double s = x && y ? (float)nd_minhash_jaccard(x, y, k) : -1;
    free(buf);
    return s;
}

int nd_dedup_index_pairs(const dedup_ctx *c, nd_pair **pairs, size_t *npairs, nd_error *err)
{
    const nd_job *j = &c->job;
    nd_index_matcher *m = (nd_index_matcher *)&c->ixm; /* its scratch */
    sig_window w = {.cap = 1024}; /* --memory: 512 KiB at k = 128, read in order */
    w.buf = malloc(w.cap * j->common.k * sizeof *w.buf);
    nd_pair *p = NULL;
    uint64_t *seeds = NULL;
    size_t np = 0, cap = 0, ns = 0, scap = 0;
    int rc = w.buf ? NEARDUP_OK : NEARDUP_E_NOMEM;
    /* the job's records against the indexes, in order */
    for (uint64_t r = 0; !rc && r < j->ci.n; r++) {
        int ioerr = 0;
        const uint32_t *sig = sig_in(c, c->nix + r, &w, &ioerr);
        const uint64_t *refs;
        size_t nr;
        if (ioerr) rc = NEARDUP_E_IO;
        if (!sig || rc || (rc = nd_index_match(m, sig, UINT64_MAX, &refs, &nr))) continue;
        if (nd_grow((void **)&p, &cap, np + nr, sizeof *p) || nd_grow((void **)&seeds, &scap, ns + nr, sizeof *seeds)) {
            rc = NEARDUP_E_NOMEM;
            break;
        }
        for (size_t i = 0; i < nr; i++) {
            p[np++] = (nd_pair){(uint32_t)refs[i], (uint32_t)(c->nix + r)};
            seeds[ns++] = refs[i];
        }
    }
    /* the references reached, joined to one another */
    if (!rc) rc = nd_index_join_refs(m, seeds, ns, &p, &np, &cap);
    free(w.buf);
    free(seeds);
    if (rc) {
        free(p);
        return rc == NEARDUP_E_IO ? nd_fail(err, rc, "cannot read the spilled signatures back")
                                  : nd_fail(err, rc, "out of memory querying the --against index");
    }
    *pairs = p;
    *npairs = p ? nd_pairs_unique(p, np) : 0;
    return NEARDUP_OK;
}
