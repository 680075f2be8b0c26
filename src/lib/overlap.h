/* overlap.h - the source-overlap job (overlap.c): load documents as token
 * arrays and anchors on the pipeline, find candidate pairs through the anchor
 * index, align each candidate pair, keep the pairs that share passages. */
#ifndef ND_OVERLAP_H
#define ND_OVERLAP_H

#include "align.h"
#include "anchors.h"
#include "pipeline.h"
#include "reader.h"
#include "record.h"
#include "spans.h"

typedef struct nd_overlap_pair nd_overlap_pair;
typedef struct nd_doc_ref nd_doc_ref;

typedef struct {
    unsigned ngram;       /* words per anchor n-gram and per alignment seed (5) */
    unsigned min_words;   /* W: report passages of at least W words (20) */
    uint64_t max_df;      /* anchors in more documents are boilerplate (50) */
    uint64_t max_df_sentence; /* sentence fingerprints in more documents are formula, not reuse */
    int keep_text;        /* keep the texts (for display) */
    int progress;         /* a progress bar on stderr while aligning (the CLI sets it on a terminal) */
    uint64_t anchor_seed;
    size_t arena_block;   /* bytes per block of the document store's arena (0: 64 MiB; tests set it small) */
    int no_anchors;       /* load words and texts only (align --pairs: the pairs are given) */
    uint32_t min_b;       /* nd_overlap_run aligns no candidate (a, b) with b < min_b (strip: the
                           * references, stored first, among themselves); 0: all */
    uint32_t min_shared;  /* nor one sharing fewer distinct anchors (strip: 2); 0 or 1: all */
    int star_boilerplate; /* anchors in more than max_df documents pair their first document with each
                           * later one instead of being dropped and masked (nd_anchor_pairs' star; strip) */
    nd_align_opts align;  /* min_words and seed_len follow the fields above */
    nd_anchor_scope scope; /* series rules (anchors.h); series NULL: none */
    /* Called on the aligning threads, in any order, for every aligned pair
     * that shares passages, the star pairs (anchors.h) included, which go
     * nowhere else: the passage clusters (passage_clusters.h) are made of
     * these.  da and db: the pair's documents (their maps take the offsets
     * to the original files').  NULL: none.  Non-zero: failure. */
    int (*collect)(void *user, const nd_overlap_pair *p, const nd_doc_ref *da, const nd_doc_ref *db);
    void *collect_user;
} nd_overlap_opts;

void nd_overlap_opts_default(nd_overlap_opts *o);

/* One document of a store: its words (ids and packed spans) and, with
 * keep_text, its text, inside one of the store's chunks. */
struct nd_doc_ref {
    uint32_t *id;          /* ntok word ids (nd_word_id of the token hashes; NULL when ntok == 0) */
    nd_packed_spans span;  /* their byte spans */
    const char *text;      /* text_len bytes, with keep_text (else NULL) */
    uint64_t ntok, text_len;
    /* for rewritten passages (unless align.verbatim): packed terms
     * (terms.h), sentence starts (nsent + 1) and sentence fingerprints */
    uint32_t *term, *sent;
    uint64_t *fp;
    uint32_t nsent, nfp;
    const nd_map_run *map; /* text offsets -> the original file's (HTML, other encodings; offmap.h) */
    size_t nmap;           /* 0: the identity */
    /* its seed k-grams made already (nd_kgrams_fill's layout, kg_bytes of
     * them: overlap --memory keeps them on disk); NULL: made when aligned */
    const void *kg;
    size_t kg_bytes;
};

/* A block of the store's arena (nd_map_alloc'ed): documents' tokens and
 * texts, packed. */
typedef struct {
    char *p;
    size_t cap, used;
} nd_store_block;

/* Every document's words (and, with keep_text, text), in input order.
 * Memory: about 6 bytes a word (a 4-byte id and a packed span; full hashes
 * and spans took 16), under the text's size; anchors: 16 bytes per anchor,
 * about 2 per window of w n-grams.  Each loading thread copies its documents
 * from the tokenizer straight into its own slice of the arena: large blocks
 * mapped with huge pages, so fresh memory costs a fault per 2 MiB, not per
 * 4 KiB (on a paravirtualised machine ~6-12 us each).  Fresh memory is still
 * the dearest thing overlap touches (about 1.2 ms per MB here, the host
 * backing it), hence the small words. */
typedef struct {
    uint64_t n;
    nd_doc_ref *doc;     /* n */
    size_t doc_cap;
    nd_store_block *block; /* the arena; the last block is being filled */
    size_t nblock, block_cap;
    uint64_t ntok, text_len; /* totals */
    nd_anchor *anc;
    size_t nanc, anc_cap;
    size_t anc_mapped;   /* see nd_prefault_ahead */
    /* NULL: document i is number i; else a batch of a larger corpus
     * (overlap --memory): document i is number global[i] there, and the
     * pairs nd_overlap_align gives carry those numbers */
    const uint32_t *global;
} nd_doc_store;

void nd_doc_store_free(nd_doc_store *s);

/* Moves src's arena blocks to dst (documents keep pointing into them).
 * Returns 0, or -1 on out of memory (src keeps what was not moved). */
int nd_doc_store_take_blocks(nd_doc_store *dst, nd_doc_store *src);

/* Appends src's documents after dst's, their anchors renumbered (src is
 * emptied; its arena blocks move).  NEARDUP_OK or NEARDUP_E_NOMEM. */
int nd_doc_store_append(nd_doc_store *dst, nd_doc_store *src);

/* Reads the corpus into s on the pipeline (ci gets ids and accounting). */
int nd_overlap_load(nd_reader *r, const nd_pipeline_opts *po, const nd_overlap_opts *o,
                    nd_doc_store *s, nd_corpus_info *ci, nd_error *err);

/* Where nd_overlap_load_batches hands each batch of documents, on the
 * collecting thread, in input order: records [first, first + n), ref[i]
 * the document of record first + i (a skipped record's empty), its words,
 * spans, map, text and edited-reuse arrays in memory reused after the call;
 * anc their nanc anchors (doc: the record index), in (doc, pos) order.
 * Non-zero: an error with err set (the load stops). */
typedef struct {
    int (*batch)(void *user, uint64_t first, size_t n, const nd_doc_ref *ref, const nd_anchor *anc, size_t nanc,
                 nd_error *err);
    void *user;
} nd_overlap_batches;

/* nd_overlap_load, each batch handed to b instead of kept in a store:
 * overlap --memory writes them to disk (overlap_spill.h). */
int nd_overlap_load_batches(nd_reader *r, const nd_pipeline_opts *po, const nd_overlap_opts *o,
                            const nd_overlap_batches *b, nd_corpus_info *ci, nd_error *err);

/* A pair of documents that share passages. */
struct nd_overlap_pair {
    uint32_t a, b;
    nd_passage *p;       /* malloc'ed, sorted by a_start */
    size_t np;
    uint64_t shared_words;       /* matched words summed over the passages */
    double containment_a, containment_b; /* fraction of each document's words inside passages */
};

typedef struct {
    nd_anchor_stats anchors;
    uint64_t candidates;  /* pairs sharing an anchor, aligned */
    uint64_t pairs;       /* pairs with at least one passage (star pairs not counted) */
    double t_anchor, t_align;
} nd_overlap_stats;

/* Where nd_overlap_run can stream the pairs instead of returning them:
 * format writes one pair (its documents da and db) to a private memory stream (on any thread, in any
 * order; non-zero: failure), and the streams of consecutive blocks of
 * candidates are written to out in pair order as they complete, while
 * later blocks are still being aligned.  Output is identical for any thread
 * count; no pair is held longer than its block. */
typedef struct {
    int (*format)(void *user, FILE *f, const nd_overlap_pair *p, const nd_doc_ref *da, const nd_doc_ref *db);
    void *user;
    FILE *out;
    int all;  /* format every pair, also those sharing no passage (align --pairs) */
} nd_overlap_sink;

/* Finds and aligns the candidate pairs of s (split > 0: only inputs
 * [0, split) against references [split, n)), on threads threads; s's
 * anchors are used up (freed) and boilerplate words masked.  Pairs
 * come sorted by (a, b).  Free with nd_overlap_pairs_free.  With a sink,
 * the pairs go to it instead: *pairs is NULL and *npairs their count. */
int nd_overlap_run(nd_doc_store *s, const nd_overlap_opts *o, uint32_t split, unsigned threads,
                   const nd_overlap_sink *sink, nd_overlap_pair **pairs, size_t *npairs, nd_overlap_stats *st,
                   nd_error *err);

/* The alignment step of nd_overlap_run on given pairs: aligns the ncand
 * pairs cand (in any order; a may exceed b or equal it) on threads threads,
 * streamed to sink in cand's order, or returned (those sharing passages, in
 * cand's order).  s is not changed (no anchors needed, no masking).  st gets
 * the candidates, pairs and t_align. */
int nd_overlap_align(const nd_doc_store *s, const nd_overlap_opts *o, const nd_anchor_pair *cand, size_t ncand,
                     unsigned threads, const nd_overlap_sink *sink, nd_overlap_pair **pairs, size_t *npairs,
                     nd_overlap_stats *st, nd_error *err);

void nd_overlap_pairs_free(nd_overlap_pair *p, size_t n);

/* Masks the boilerplate words of s around the n dropped anchor occurrences
 * drop (sorted by (doc, pos), as nd_anchor_pairs leaves them), as
 * nd_overlap_run does: the masked words get hashes unique to (base + doc,
 * word), so a store holding documents [base, base + s->n) of a corpus (an
 * MPI rank's share) masks them as the whole corpus' store would. */
void nd_overlap_mask(nd_doc_store *s, const nd_overlap_opts *o, const nd_anchor *drop, size_t n, uint64_t base);

/* The fraction of one side's n words (side 0: A, 1: B) inside the union of
 * the passages: the containment overlap and query report. */
double nd_passage_coverage(nd_passage *p, size_t np, int side, size_t n);

#endif
