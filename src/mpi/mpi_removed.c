/* mpi_removed.c - `dedup --removed` under mpirun (mpi_internal.h): one
 * record a removed input, {"id", "duplicate_of", "score", "cluster"}, as
 * cli_dedup_keep.c writes it for one process.  Rank 0 knows which inputs
 * were removed and what each duplicates (nd_mpi_choose); the ids and the
 * signatures that give the score are fetched from their owners, for the
 * removed documents and their anchors only. */
#include "minhash.h"
#include "mpi_dedup.h"
#include "record.h"

#ifdef ND_HAVE_MPI

#include <stdlib.h>
#include <string.h>

#include "mpi_internal.h"

void nd_mpi_write_removed(const nd_owners *own, const nd_corpus_info *ci, const uint32_t *u, size_t nu,
                          const nd_mpi_choice *ch, unsigned k, nd_mpi_sig_fn sig, void *ctx, FILE *f,
                          nd_traffic *t)
{
    /* rank 0: the removed inputs in input order, then their anchors */
    size_t n = 0;
    if (own->rank == 0)
        for (size_t i = 0; i < nu; i++) n += u[i] >= ch->nref && !ch->kept[i];
    uint32_t *doc = nd_mpi_xmalloc(2 * n * sizeof *doc);
    size_t *at = nd_mpi_xmalloc(n * sizeof *at);
    int *dest = nd_mpi_xmalloc(2 * n * sizeof *dest);
    n = 0;
    if (own->rank == 0)
        for (size_t i = 0; i < nu; i++)
            if (u[i] >= ch->nref && !ch->kept[i]) doc[n] = u[i], at[n++] = i;
    for (size_t i = 0; i < n; i++) doc[n + i] = ch->anchor[at[i]];
    nd_mpi_idlist ids;
    nd_mpi_fetch_ids(own, ci, ch, doc, 2 * n, &ids, t);
    /* the records' signatures from their owners; an index document's is here */
    uint32_t *rec = nd_mpi_xmalloc(2 * n * sizeof *rec);
    size_t nrec = 0;
    for (size_t i = 0; i < 2 * n; i++)
        if (doc[i] >= ch->nix) rec[nrec] = (uint32_t)(doc[i] - ch->nix), dest[nrec] = nd_owner_of(own, rec[nrec]), nrec++;
    size_t nq, sz = (size_t)k * sizeof(uint32_t);
    uint32_t *ask = nd_mpi_ask(rec, dest, nrec, &nq, t);
    uint32_t *lanes = nd_mpi_xmalloc(nq * sz), *tmp = nd_mpi_xmalloc(sz);
    for (size_t i = 0; i < nq; i++) memcpy(lanes + i * k, sig(ctx, nd_owner_local(own, ask[i]), tmp), sz);
    free(ask);
    free(tmp);
    uint32_t *got = (uint32_t *)nd_mpi_answer(lanes, nq, sz, dest, nrec, t);
    free(lanes);
    free(rec);
    const uint32_t **of = nd_mpi_xmalloc(2 * n * sizeof *of);
    for (size_t i = 0, r = 0; i < 2 * n; i++)
        of[i] = doc[i] < ch->nix ? nd_index_matcher_sig(ch->ixm, doc[i]) : got + r++ * k;
    for (size_t i = 0; i < n; i++) {
        /* nd_job_score's value for the metric under mpirun (jaccard, estimated) */
        double x = (float)nd_minhash_jaccard(of[i], of[n + i], k);
        fputs("{\"id\": ", f);
        nd_json_write_string(f, ids.id[i], ids.len[i]);
        fputs(", \"duplicate_of\": ", f);
        nd_json_write_string(f, ids.id[n + i], ids.len[n + i]);
        fprintf(f, ", \"score\": %.6g", x);
        fprintf(f, ", \"cluster\": %u}\n", ch->cluster[at[i]]);
    }
    free(got);
    free(of);
    nd_mpi_idlist_free(&ids);
    free(doc);
    free(at);
    free(dest);
}

#endif
