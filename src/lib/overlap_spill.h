/* overlap_spill.h - source overlap in bounded memory (`overlap --memory
 * SIZE`): the pairs and passages nd_overlap_run finds, byte for byte, with
 * what grows with the corpus on disk (overlap_spill.c loads,
 * overlap_spill_run.c finds and aligns, overlap_spill_finish.c masks the
 * documents and makes their k-grams in between).
 *
 * - The documents (words, spans, offset maps, texts, the edited-reuse
 *   arrays) are packed (doc_pack.h) into an unlinked temporary file as they
 *   are read, and read back by offset: masked in place, then aligned in
 *   batches of consecutive candidate pairs whose documents fit the bound.
 * - The anchor occurrences are spread by hash over ND_SPILL_PARTS partition
 *   lists in a second file; consecutive partitions that fit are read back
 *   together and listed by nd_anchor_pairs (every occurrence of an anchor is
 *   in one partition, so its counts are complete there; scope.partial keeps
 *   the evidence of rewritten passages, summed across partitions).
 * - The candidate entries and the boilerplate occurrences go to sorted runs
 *   (runs.h) when they outgrow their share, merged back in (a, b) and
 *   (document, position) order.
 *
 * What stays in memory: per document, its record's offset and word count and
 * a batch mark (20 bytes), beside what the caller keeps (ids and origins,
 * nd_corpus_info; the clusters' passages, nd_link_list: the output's size);
 * one batch of documents at a time.  A document is never split: two that
 * share a candidate must fit the bound together (nd_spill_overlap fails,
 * naming the larger, when they do not).  The extents of the partition lists
 * (16 bytes per partition buffer written, about 1/256 of the anchors'
 * bytes) stay too. */
#ifndef ND_OVERLAP_SPILL_H
#define ND_OVERLAP_SPILL_H

#include "overlap.h"
#include "reader.h"
#include "runs.h"

#define ND_SPILL_PARTS 256        /* partition lists: the top 8 bits of the hash */
#define ND_SPILL_PREFIXES 65536   /* ranges read back together: by the top 16 bits */

typedef struct {
    uint64_t off;   /* bytes into the anchor file */
    uint32_t part;  /* partition */
    uint32_t n;     /* occurrences */
} nd_spill_extent;

typedef struct {
    const char *tmpdir;
    uint64_t memory;   /* the bound */
    uint64_t budget;   /* the bound less what does not grow with the corpus */
    uint64_t fixed;    /* what does not */
    uint64_t aside;    /* the caller's, off the --memory it was given (for the messages) */
    unsigned k;        /* words a seed k-gram */
    int doc_fd;        /* the packed documents, by number */
    uint64_t *off;     /* n + 1: where each one's record starts (the last: the end) */
    uint32_t *ntok;    /* n: words (capped at UINT32_MAX), for a batch's k-gram bytes */
    uint64_t n, cap, ntok_cap;
    char *wbuf;        /* records not written yet */
    size_t wn, wcap;
    uint64_t doc_bytes;
    int anc_fd;
    uint64_t anc_bytes;
    nd_anchor *pbuf;   /* ND_SPILL_PARTS x pcap occurrences not written yet */
    uint32_t *pn;
    size_t pcap;
    nd_spill_extent *ext;
    size_t next, ext_cap;
    uint64_t *pre;     /* ND_SPILL_PREFIXES: occurrences by the top 16 bits of their hash */
    uint64_t base;     /* number of the record loading now */
    uint64_t ntok_all, text_len;
} nd_spill_store;

typedef struct {
    uint64_t doc_bytes, anc_bytes;   /* on disk */
    uint64_t groups, pair_runs, drop_runs, masked_docs, batches;
    uint64_t big_need, big_doc;      /* a pair of documents beyond the bound: the larger's number, and the need */
    int peer_failed;                 /* under mpirun: stopped because another rank failed (err says so) */
    double t_mask;
} nd_spill_ostats;

/* An empty store bounded by memory (bytes), its files in tmpdir (NULL:
 * $TMPDIR, else /tmp); o and po as the loads and the run will get them.
 * NEARDUP_OK or an error with err set. */
int nd_spill_store_init(nd_spill_store *s, uint64_t memory, const char *tmpdir, const nd_overlap_opts *o,
                        const nd_pipeline_opts *po, nd_error *err);

/* Reads r's documents into s after those it holds (the references after the
 * inputs), as nd_overlap_load reads them; ci gets their ids and accounting. */
int nd_spill_store_load(nd_spill_store *s, nd_reader *r, const nd_pipeline_opts *po, const nd_overlap_opts *o,
                        nd_corpus_info *ci, nd_error *err);

/* nd_overlap_run over s, streamed to sink (required: the pairs are never
 * all held), with o's collect getting every pair that shares passages (in
 * the corpus' numbers).  *npairs: pairs written.  s's anchors are used up
 * and its boilerplate words masked. */
int nd_spill_overlap(nd_spill_store *s, const nd_overlap_opts *o, uint32_t split, unsigned threads,
                     const nd_overlap_sink *sink, size_t *npairs, nd_overlap_stats *st, nd_spill_ostats *ss,
                     nd_error *err);

/* Under mpirun, the exchanges between the ranks (src/mpi/mpi_overlap_spill.c:
 * the library stays free of MPI).  Each rank holds a store of its own share
 * (local numbers 0..n-1; its first document is number base of the corpus,
 * of total), and nd_spill_overlap_dist runs the one-process steps with
 * these between them.  Every call is collective: all ranks make it, the
 * same number of times, in the same order (a rank that failed goes on
 * taking part, with nothing to send, until the ranks agree on the failure).
 * A failure inside an exchange itself stops every rank. */
typedef struct {
    void *user;
    uint64_t base, total;
    unsigned ranks;
    /* v[0, n) summed over the ranks, in place */
    void (*sum)(void *user, uint64_t *v, size_t n);
    /* occ[0, n) (corpus numbers, in (doc, pos) order) to the rank owning
     * their hash; *mine (malloc'ed): this rank's, in (doc, pos) order */
    void (*by_hash)(void *user, const nd_anchor *occ, size_t n, nd_anchor **mine, size_t *nmine);
    /* dropped occurrences (hash: doc << 32 | pos, corpus numbers) to their
     * document's owner */
    void (*by_doc)(void *user, const nd_anchor *occ, size_t n, nd_anchor **mine, size_t *nmine);
    /* candidate entries to the owner of a */
    void (*by_a)(void *user, const nd_anchor_pair *p, size_t n, nd_anchor_pair **mine, size_t *nmine);
    /* every document's record bytes (total), malloc'ed; this rank's n
     * records start at off[0, n] (the last: the end) */
    void (*sizes)(void *user, const uint64_t *off, size_t n, uint64_t **all);
    /* One round of fetching: the records of want[0, n) (sorted corpus
     * numbers, none of them this rank's) from their owners, which serve
     * them from their stores (s of the owner: its doc_fd and off); *ref
     * gets them (valid until the next call).  active 0: this rank has no
     * batch left and only serves.  *any: whether some rank was active. */
    void (*fetch)(void *user, const nd_spill_store *s, const uint32_t *want, size_t n, int active,
                  const nd_doc_ref **ref, int *any);
} nd_spill_dist;

/* nd_spill_overlap over the ranks' stores, with dist's exchanges between
 * its steps: the anchors of each range meet at the owners of their hashes,
 * dropped occurrences go back to their documents' owners, candidate entries
 * to the owner of a, which aligns them in batches, fetching the documents
 * it lacks.  The sink gets corpus numbers; its pairs are this rank's (in
 * (a, b) order; the ranks' in rank order are the one-process output).
 * A batch holds budget / (2 x ranks): an owner serves the others' batches
 * beside its own. */
int nd_spill_overlap_dist(nd_spill_store *s, const nd_overlap_opts *o, const nd_spill_dist *dist, unsigned threads,
                          const nd_overlap_sink *sink, size_t *npairs, nd_overlap_stats *st, nd_spill_ostats *ss,
                          nd_error *err);

void nd_spill_store_free(nd_spill_store *s);

/* The --memory (with s->aside) that gives s a budget of at least b bytes:
 * what a message asks for when the bound is too small. */
uint64_t nd_spill_memory_for(const nd_spill_store *s, uint64_t b);

/* Between the two halves: the buffered records and partition p's buffered
 * occurrences written out. */
int nd_spill_flush_docs(nd_spill_store *s, nd_error *err);
int nd_spill_flush_part(nd_spill_store *s, uint32_t p, nd_error *err);

#endif
