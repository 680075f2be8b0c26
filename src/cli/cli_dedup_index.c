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
 * reference is the one a removed input duplicates.  A bucket of more than
 * max_bucket references is connected as the one-process LSH connects it
 * (each member to the first and to its neighbours) rather than pair by pair. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_dedup.h"

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
    return 0;
}

void nd_dedup_close_indexes(dedup_ctx *c)
{
    for (int i = 0; i < c->nix_files; i++) nd_index_close(c->ix[i]);
    c->nix_files = 0;
}

/* Which index holds number g (< nix), and its document there. */
static const nd_index *index_of(const dedup_ctx *c, uint64_t g, uint64_t *doc)
{
    for (int i = 0;; i++) {
        if (g < c->ix[i]->ndocs || i + 1 == c->nix_files) {
            *doc = g;
            return c->ix[i];
        }
        g -= c->ix[i]->ndocs;
    }
}

const char *nd_dedup_id(const dedup_ctx *c, uint64_t i, size_t *len)
{
    if (i >= c->nix) {
        *len = nd_corpus_id_len(&c->job.ci, i - c->nix);
        return nd_corpus_id(&c->job.ci, i - c->nix);
    }
    uint64_t d;
    const nd_index *ix = index_of(c, i, &d);
    *len = nd_index_id_len(ix, d);
    return nd_index_id(ix, d);
}

/* Number i's signature (k lanes): an index's, in memory or (--memory) read
 * into buf; NULL when i has none (empty, skipped) or on a read error. */
static const uint32_t *sig_of(const dedup_ctx *c, uint64_t i, uint32_t *buf, int *ioerr)
{
    const nd_job *j = &c->job;
    unsigned k = j->common.k;
    if (i < c->nix) {
        uint64_t d;
        const nd_index *ix = index_of(c, i, &d);
        return ix->docs[d].nshingles ? ix->sig + d * k : NULL;
    }
    uint64_t r = i - c->nix;
    if (j->ci.skipped[r]) return NULL;
    if (!j->has_sig_fd) return j->sk.nshingles[r] ? j->sk.sig + r * k : NULL;
    size_t bytes = (size_t)k * sizeof *buf;
    if (pread(j->sig_fd, buf, bytes, (off_t)(r * bytes)) != (ssize_t)bytes) {
        *ioerr = 1;
        return NULL;
    }
    for (unsigned x = 0; x < k; x++)
        if (buf[x] != UINT32_MAX) return buf; /* an empty document's lanes are all UINT32_MAX */
    return NULL;
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

typedef struct {
    const dedup_ctx *c;
    nd_band_rec *keys;  /* one signature's band records */
    uint32_t *lanes;    /* a signature read back (--memory) */
    uint64_t *cand;     /* one document's candidates, as numbers */
    size_t ncand, cand_cap;
    nd_pair *out;
    size_t nout, out_cap;
    uint8_t *seen;      /* references reached (queued) */
    uint64_t *queue;
    size_t nqueue, qcap;
    uint64_t band_seed;
} finder;

static int add_cand(finder *f, uint64_t g)
{
    if (nd_grow((void **)&f->cand, &f->cand_cap, f->ncand + 1, sizeof *f->cand)) return -1;
    f->cand[f->ncand++] = g;
    return 0;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* The references sharing a band key with sig (self: its own number when it
 * is an index document, else UINT64_MAX), as the buckets would pair them. */
static int candidates(finder *f, const uint32_t *sig, uint64_t self)
{
    const dedup_ctx *c = f->c;
    f->ncand = 0;
    uint64_t base = 0;
    for (int x = 0; x < c->nix_files; base += c->ix[x]->ndocs, x++) {
        const nd_index *ix = c->ix[x];
        nd_lsh_band_records(sig, ix->p.bands, ix->p.rows, f->band_seed, 0, f->keys);
        for (unsigned b = 0; b < ix->p.bands; b++) {
            const nd_band_rec *r;
            size_t m = nd_index_band_lookup(ix, f->keys[b].key, &r);
            if (m <= c->job.max_bucket) {
                for (size_t i = 0; i < m; i++)
                    if (add_cand(f, base + r[i].doc)) return -1;
                continue;
            }
            /* past max_bucket: the first, and a member's neighbours */
            if (add_cand(f, base + r[0].doc)) return -1;
            if (self < base || self >= base + ix->ndocs) {
                if (add_cand(f, base + r[m - 1].doc)) return -1;
                continue;
            }
            size_t lo = 0, hi = m;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (r[mid].doc < self - base) lo = mid + 1;
                else hi = mid;
            }
            if (lo == 0) { /* the first pairs with every member */
                for (size_t i = 1; i < m; i++)
                    if (add_cand(f, base + r[i].doc)) return -1;
                continue;
            }
            if (add_cand(f, base + r[lo - 1].doc) || (lo + 1 < m && add_cand(f, base + r[lo + 1].doc))) return -1;
        }
    }
    if (f->ncand) qsort(f->cand, f->ncand, sizeof *f->cand, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < f->ncand; i++)
        if (!u || f->cand[i] != f->cand[u - 1]) f->cand[u++] = f->cand[i];
    f->ncand = u;
    return 0;
}

/* Verifies g's candidates; the accepted ones are paired and queued. */
static int verify(finder *f, uint64_t g, const uint32_t *sig)
{
    const dedup_ctx *c = f->c;
    unsigned k = c->job.common.k;
    int ioerr = 0;
    for (size_t i = 0; i < f->ncand; i++) {
        uint64_t r = f->cand[i];
        if (r == g) continue;
        const uint32_t *rs = sig_of(c, r, NULL, &ioerr);
        if (!rs || (float)nd_minhash_jaccard(sig, rs, k) < (float)c->job.common.threshold) continue;
        if (nd_grow((void **)&f->out, &f->out_cap, f->nout + 1, sizeof *f->out)) return -1;
        f->out[f->nout++] = r < g ? (nd_pair){(uint32_t)r, (uint32_t)g} : (nd_pair){(uint32_t)g, (uint32_t)r};
        if (f->seen[r]) continue;
        f->seen[r] = 1;
        if (nd_grow((void **)&f->queue, &f->qcap, f->nqueue + 1, sizeof *f->queue)) return -1;
        f->queue[f->nqueue++] = r;
    }
    return 0;
}

int nd_dedup_index_pairs(const dedup_ctx *c, nd_pair **pairs, size_t *npairs, nd_error *err)
{
    const nd_job *j = &c->job;
    nd_pipeline_opts po;
    nd_seeds seeds;
    nd_common_pipeline(&j->common, &po, &seeds);
    finder f = {.c = c, .band_seed = nd_index_band_seed(seeds.sketch_seed)};
    f.keys = malloc(j->common.k * sizeof *f.keys);
    f.lanes = malloc(j->common.k * sizeof *f.lanes);
    f.seen = calloc(c->nix ? c->nix : 1, 1);
    int rc = f.keys && f.lanes && f.seen ? NEARDUP_OK : NEARDUP_E_NOMEM;
    /* the job's records against the indexes, in order */
    for (uint64_t r = 0; !rc && r < j->ci.n; r++) {
        int ioerr = 0;
        const uint32_t *sig = sig_of(c, c->nix + r, f.lanes, &ioerr);
        if (ioerr) rc = NEARDUP_E_IO;
        else if (sig && (candidates(&f, sig, UINT64_MAX) || verify(&f, c->nix + r, sig))) rc = NEARDUP_E_NOMEM;
    }
    /* the references reached, against the indexes, until none is new */
    for (size_t q = 0; !rc && q < f.nqueue; q++) {
        uint64_t g = f.queue[q];
        int ioerr = 0;
        const uint32_t *sig = sig_of(c, g, NULL, &ioerr);
        if (sig && (candidates(&f, sig, g) || verify(&f, g, sig))) rc = NEARDUP_E_NOMEM;
    }
    free(f.keys);
    free(f.lanes);
    free(f.cand);
    free(f.seen);
    free(f.queue);
    if (rc) {
        free(f.out);
        return rc == NEARDUP_E_IO ? nd_fail(err, rc, "cannot read the spilled signatures back")
                                  : nd_fail(err, rc, "out of memory querying the --against index");
    }
    *pairs = f.out;
    *npairs = f.out ? nd_pairs_unique(f.out, f.nout) : 0;
    return NEARDUP_OK;
}
