/* cli_scale.c - past one machine's memory: the glue between `dedup` and the
 * bounded-memory engine (spill.c), which produces the pairs nd_job_run
 * would, so the rest of dedup (clusters, second pass) is unchanged.  Under
 * mpirun, dedup runs nd_mpi_dedup (mpi_dedup.c) instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli.h"
#include "reader.h"
#include "spill.h"

int nd_scale_option(nd_job *j, int id, const char *arg)
{
    if (id == ND_ID_MEMORY) {
        if (nd_parse_size(arg, &j->memory) || j->memory < (1u << 20))
            return nd_cli_error(NEARDUP_E_USAGE, "--memory: expected a size of at least 1M such as 512M or 2G, got \"%s\"", arg);
        return 0;
    }
    if (id == ND_ID_TMP) {
        if (!*arg) return nd_cli_error(NEARDUP_E_USAGE, "--tmp: empty directory name");
        j->tmpdir = arg;
        return 0;
    }
    return -1;
}

/* A record cannot be split: one that alone needs more than --memory takes
 * the run past it, and the user is told which (also when the run failed,
 * perhaps for that very reason). */
static void warn_big_record(const nd_job *j, const nd_spill_stats *st)
{
    if (st->big_need <= j->memory || st->big_doc >= j->ci.n) return;
    uint64_t r = st->big_doc;
    const char *path = nd_reader_path(j->reader, j->ci.input[r]);
    char where[64] = "";
    if (j->ci.line[r]) snprintf(where, sizeof where, ":%llu", (unsigned long long)j->ci.line[r]);
    fprintf(stderr, "neardup: --memory %.0f MiB is exceeded by one record alone: %s%s (id \"%s\") needs about "
            "%.0f MiB while it is sketched; a record is never split, so give at least that much\n",
            j->memory / 1048576.0, path, where, nd_corpus_id(&j->ci, r), st->big_need / 1048576.0);
}

static int run_bounded(nd_job *j, char **inputs, int ninputs)
{
    nd_error err = {0, ""};
    if (j->metric != ND_METRIC_JACCARD || j->exact)
        return nd_cli_error(NEARDUP_E_USAGE, "--memory works with --metric jaccard (MinHash estimate), without --exact");
    if (ninputs == 0) return nd_cli_error(NEARDUP_E_USAGE, "no input given (see --help; use - for standard input)");
    /* the reader spools standard input and decoded .gz/.zst for the second
     * pass to $TMPDIR: those go to --tmp as well */
    if (j->tmpdir && setenv("TMPDIR", j->tmpdir, 1))
        return nd_cli_error(NEARDUP_E_NOMEM, "out of memory");
    nd_pipeline_opts po;
    nd_sketch_opts so = {.ngram = j->common.ngram, .k = j->common.k, .digest = 1};
    j->t_start = nd_now();
    nd_common_pipeline(&j->common, &po, &so.seeds);
    j->reader = nd_cli_open_inputs(&j->common, &po, inputs, ninputs, &err);
    if (!j->reader) return nd_cli_error(err.code, "%s", err.msg);
    nd_reader_spool_decoded(j->reader, j->spool_decoded);
    nd_job_prewrite_opts(j, &po);
    nd_spill_opts o = {.memory = j->memory, .tmpdir = j->tmpdir, .threshold = j->common.threshold,
                       .max_bucket = j->max_bucket, .exact_first = j->exact_first, .keep_sigs = j->keep_sigs};
    nd_spill_stats st;
    int rc = nd_spill_pairs(j->reader, &po, &so, &o, &j->ci, &j->pairs, &j->npairs, &st, &err);
    warn_big_record(j, &st);
    if (rc) return nd_cli_error(rc, "%s", err.msg);
    if (st.sig_fd >= 0) j->has_sig_fd = 1, j->sig_fd = st.sig_fd;
    j->exact_dups = st.exact_dups;
    j->sk.t_shingle = st.t_shingle;
    j->sk.t_digest = st.t_digest;
    j->sk.t_sketch = st.t_sketch;
    j->ps = (nd_pairs_stats){.band_records = st.band_records, .candidates = st.candidates,
                             .accepted = st.accepted, .bands = st.bands, .rows = st.rows,
                             .t_band = st.t_merge, .t_verify = st.t_verify};
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    if (j->common.timings)
        fprintf(stderr, "timings: --memory %.0f MiB: %llu band records in %llu sorted runs (%.1f MB zstd), "
                "signatures %.1f MB on disk, %llu candidate emissions, merge %.3f s, verify %.3f s; "
                "peak RSS so far %.1f MiB\n",
                j->memory / 1048576.0, (unsigned long long)st.band_records, (unsigned long long)st.runs,
                st.run_bytes / 1e6, st.sig_bytes / 1e6, (unsigned long long)st.emitted, st.t_merge, st.t_verify,
                ru.ru_maxrss / 1024.0);
    return 0;
}

int nd_job_run_scaled(nd_job *j, char **inputs, int ninputs)
{
    if (j->memory) return run_bounded(j, inputs, ninputs);
    return nd_job_run(j, inputs, ninputs);
}
