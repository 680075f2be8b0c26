/* cli_explain.c - `neardup explain`: what a threshold means before a corpus
 * is read: the bands x rows LSH chooses, its S-curve, its expected error
 * rates, and the SimHash distance that matches a Jaccard threshold. */
#include <math.h>
#include <stdlib.h>

#include "cli.h"

static const nd_cli_option explain_opts[] = {
    ND_OPT_THRESHOLD("0.8"),
    ND_OPT_NGRAM,
    ND_OPT_K,
    ND_OPT_METRIC,
    ND_OPT_END,
};

static int on_option(void *ctx, int id, const char *arg)
{
    nd_job *j = ctx;
    int rc = nd_job_option(j, id, arg);
    return rc >= 0 ? rc : nd_common_option(&j->common, id, arg);
}

static void explain_simhash(double t)
{
    double d = nd_simhash_distance_for(t);
    printf("\nSimHash (64 bits): Jaccard %.2f matches a Hamming distance of about %.1f", t, d);
    if (d <= 16) printf(": --metric simhash -d %.0f\n", floor(d));
    else printf(", past -d's largest value, 16\n");
    printf("(a bit differs with probability angle / pi, and two sets of equal size have cosine 2J / (1 + J);\n"
           "an expectation: pairs at J = %.2f spread around it, so a -d at it finds about half of them)\n\n", t);
    printf("  J     expected distance\n");
    for (int i = 1; i <= 10; i++) printf("  %.1f   %5.1f\n", i / 10.0, nd_simhash_distance_for(i / 10.0));
}

int nd_cmd_explain(int argc, char **argv)
{
    nd_job j = {0};
    nd_common_default(&j.common);
    char **pos;
    int npos;
    int rc = nd_cli_parse(argc, argv, "neardup explain [-t T] [-k K] [-n N] [--metric jaccard|simhash]",
                          "Print what a threshold means for MinHash + LSH without reading a corpus: the bands x\n"
                          "rows chosen for T and K, the S-curve (the probability that a pair of Jaccard J becomes\n"
                          "a candidate), the expected false-negative and false-positive rates, and for --metric\n"
                          "simhash the Hamming distance matching T.",
                          explain_opts, on_option, &j, &pos, &npos);
    if (!rc && npos)
        rc = nd_cli_error(NEARDUP_E_USAGE, "explain reads no input (got \"%s\"): it describes the parameters", pos[0]);
    if (!rc && j.metric != ND_METRIC_JACCARD && j.metric != ND_METRIC_SIMHASH)
        rc = nd_cli_error(NEARDUP_E_USAGE, "explain: --metric jaccard or simhash (exact and containment have no "
                          "sketch to explain: they are exact)");
    free(pos);
    if (rc) return rc == 1 ? 0 : 2;
    double t = j.common.threshold;
    unsigned k = j.common.k, b, r;
    nd_lsh_params(t, k, &b, &r);
    double fn, fp;
    nd_lsh_rates(t, b, r, &fn, &fp);
    printf("threshold %.2f, %u-word shingles, %u MinHash lanes\n", t, j.common.ngram, k);
    printf("LSH: %u bands x %u rows (%u of %u lanes; a pair becomes a candidate when all %u rows of one band agree)\n",
           b, r, b * r, k, r);
    printf("S-curve midpoint: P(candidate) = 0.5 at J = %.3f\n\n", pow(1.0 / b, 1.0 / r));
    printf("  J     P(candidate)\n");
    for (int i = 1; i <= 10; i++) printf("  %.1f   %.6f\n", i / 10.0, nd_lsh_p_candidate(i / 10.0, b, r));
    printf("\nexpected false-negative rate: %.6f (pairs of J uniform in [%.2f, 1] that never become candidates: lost)\n",
           fn, t);
    printf("expected false-positive rate: %.6f (pairs of J uniform in [0, %.2f) that become candidates: each is\n"
           "verified against the threshold and dropped, so they cost time, not precision)\n", fp, t);
    if (j.metric == ND_METRIC_SIMHASH) explain_simhash(t);
    return 0;
}
