/* pairs_corpus.c - the near-duplicate pairs of a corpus file, as
 * `neardup pairs FILE --format tsv` prints them, through the library's jobs:
 * the file read as the command reads it, the pairs found on every core.
 *
 *   cc pairs_corpus.c $(pkg-config --cflags --libs neardup) -o pairs_corpus
 *   ./pairs_corpus corpus.jsonl [jaccard|simhash|exact|containment]
 */
#include <neardup.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE [METRIC]\n", argv[0]);
        return 2;
    }
    static const char *const metric[] = {"jaccard", "simhash", "exact", "containment"};
    static const char *const score[] = {"jaccard", "hamming", "jaccard", "containment"};
    neardup_options o;
    neardup_options_default(&o);
    for (int m = 0; argc > 2 && m < 4; m++)
        if (!strcmp(argv[2], metric[m])) o.metric = (neardup_metric)m;
    neardup_error err;
    neardup_corpus *c = neardup_corpus_create();
    neardup_pair *p = NULL;
    size_t n = 0;
    if (!c || neardup_corpus_read(c, argv[1], NULL, NULL, &err) || neardup_pairs(&o, c, &p, &n, &err)) {
        fprintf(stderr, "%s: %s\n", argv[0], c ? err.message : "out of memory");
        neardup_corpus_free(c);
        return 1;
    }
    printf("a\tb\t%s\n", score[o.metric]);
    for (size_t i = 0; i < n; i++) {
        size_t la, lb;
        const char *a = neardup_corpus_id(c, p[i].a, &la), *b = neardup_corpus_id(c, p[i].b, &lb);
        if (o.metric == NEARDUP_METRIC_SIMHASH) printf("%.*s\t%.*s\t%d\n", (int)la, a, (int)lb, b, (int)p[i].jaccard);
        else printf("%.*s\t%.*s\t%.6g\n", (int)la, a, (int)lb, b, p[i].jaccard);
    }
    neardup_pairs_free(p);
    neardup_corpus_free(c);
    return 0;
}
