/* spill.h - near-duplicate pairs in bounded memory (`dedup --memory SIZE`).
 *
 * The corpus is sketched on the usual pipeline, but signatures go to an
 * unlinked temporary file and band records to sorted, zstd-compressed runs
 * in --tmp, which are k-way merged into buckets; candidates are verified
 * against signatures read back from the file.  The pairs are the ones the
 * in-memory path (nd_find_pairs after exact grouping) finds, so the output
 * of dedup is byte-identical.
 *
 * What stays in memory per document, and why: the record's id and origin
 * (nd_corpus_info, ~21 bytes + the id: the output needs them), its live flag
 * and 16-byte BLAKE2b digest (exact-duplicate grouping must see every
 * document before LSH), its representative (4 bytes) and the accepted pairs.
 * Everything else that grows with the corpus - signatures (k * 4 bytes a
 * document) and band records (bands * 16 bytes) - lives on disk. */
#ifndef ND_SPILL_H
#define ND_SPILL_H

#include "reader.h"
#include "sketch.h"

typedef struct {
    uint64_t memory;    /* bytes for everything that grows with the corpus */
    const char *tmpdir; /* NULL: $TMPDIR, else /tmp */
    double threshold;
    size_t max_bucket;  /* as nd_pairs_opts.max_bucket */
    int exact_first;    /* group exact duplicates before LSH (dedup's default) */
    int keep_sigs;      /* hand the signature file to the caller (nd_spill_stats.sig_fd) */
} nd_spill_opts;

typedef struct {
    uint64_t band_records, runs, run_bytes, sig_bytes; /* run_bytes: compressed */
    uint64_t emitted, candidates, accepted, exact_dups;
    uint64_t fixed; /* bytes set aside for what does not grow with the corpus */
    /* The record that needs the most memory while it is parsed, tokenized
     * and sketched (about 24 bytes a word and 5 a byte of its text, as
     * measured): its need and record index.  A record larger than --memory
     * cannot be split, so the CLI says so rather than let the bound be
     * silently exceeded.  Set as records are read, also when the run fails. */
    uint64_t big_need, big_doc;
    unsigned bands, rows;
    double t_shingle, t_digest, t_sketch, t_merge, t_verify;
    /* with keep_sigs, after success: the unlinked signature file, document
     * d's k lanes at byte d * k * 4 (dedup --removed scores its removed
     * documents from it); the caller closes it.  Else -1. */
    int sig_fd;
} nd_spill_stats;

/* The sketching worker it shares with the MPI driver: nd_sketch_worker_fns
 * (sketch.h). */

/* "512M", "2G", "300k", "1048576": bytes (K/M/G/T = 2^10..2^40, optional
 * trailing B or iB).  Returns 0, or -1 when s is not a size. */
int nd_parse_size(const char *s, uint64_t *out);

/* Reads, sketches and pairs everything r yields within o->memory.  *pairs:
 * exact-duplicate pairs (rep, doc, 1.0) plus verified LSH pairs, sorted by
 * (a, b), malloc'ed.  Temporary files are unlinked as soon as they are
 * created, so nothing survives an exit of any kind. */
int nd_spill_pairs(nd_reader *r, const nd_pipeline_opts *po, const nd_sketch_opts *so,
                   const nd_spill_opts *o, nd_corpus_info *ci, nd_scored_pair **pairs,
                   size_t *npairs, nd_spill_stats *st, nd_error *err);

#endif
