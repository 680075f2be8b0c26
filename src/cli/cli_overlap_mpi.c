/* cli_overlap_mpi.c - `neardup overlap` under mpirun, the command's side
 * (cli_overlap_mpi.h): the distributed work is the driver's
 * (src/mpi/mpi_overlap.c, library only); the inputs are opened and the
 * pairs printed here, as the one-process command does. */
#include "cli_overlap_mpi.h"
#include "edits.h"
#include "reader.h"

static nd_reader *open_inputs(void *user, const nd_pipeline_opts *po, char **inputs, int ninputs, nd_error *err)
{
    const nd_cli_mpi_overlap_job *j = user;
    return nd_cli_open_inputs(j->common, po, inputs, ninputs, err);
}

static int write_pair(void *user, FILE *f, const nd_overlap_pair *p, const char *ia, size_t la, const char *ib,
                      size_t lb, const nd_doc_ref *da, const nd_doc_ref *db)
{
    const nd_cli_mpi_overlap_job *j = user;
    nd_doc_words wa = {da->id, NULL, &da->span}, wb = {db->id, NULL, &db->span};
    if (nd_print_pair(f, j->format, p, ia, la, ib, lb, da->text, da->text_len, db->text, db->text_len, &wa, &wb,
                      da->map, da->nmap, db->map, db->nmap, j->view))
        return -1;
    return ferror(f) ? -1 : 0;
}

int nd_cli_mpi_overlap(const nd_cli_mpi_overlap_job *j, char **inputs, int ninputs, FILE *out, nd_corpus_info *sum,
                       nd_doc_fields *fields, nd_link_list *links, nd_overlap_stats *st, size_t *npairs)
{
    nd_mpi_overlap_job mj = {j->po, j->ov, j->fo, j->skip_pairs, j->common->timings, j->spill, j->clusters,
                             j->spill_stats, j->passages, j->threads, (void *)j, open_inputs, write_pair};
    return nd_mpi_overlap(&mj, inputs, ninputs, out, sum, fields, links, st, npairs);
}
