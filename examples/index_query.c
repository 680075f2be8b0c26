/* index_query.c - build a reference index of a few texts, then ask which
 * of them a new text duplicates or shares passages with.
 *
 *   cc index_query.c $(pkg-config --cflags --libs neardup) -o index_query
 *   ./index_query /tmp/refs.ndx
 */
#include <neardup.h>
#include <stdio.h>
#include <string.h>

#define STORY "The central bank raised its key interest rate by a quarter point on Tuesday, citing " \
              "persistent inflation in services and a tight labour market, and said that further " \
              "increases could follow if price pressures failed to ease in the coming months."

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "refs.ndx";
    const char *refs[] = {STORY, "Markets were calm ahead of the holiday weekend as investors waited for data."};
    const char *query = "Officials said: " STORY " Analysts had expected the move.";
    neardup_error err;
    neardup_corpus *r = neardup_corpus_create(), *q = neardup_corpus_create();
    neardup_index *ix = NULL;
    neardup_match *m = NULL;
    size_t n = 0;
    int rc = !r || !q;
    for (int i = 0; !rc && i < 2; i++) rc = neardup_corpus_add(r, i ? "calm" : "rates", i ? 4 : 5, refs[i], strlen(refs[i]), &err);
    if (!rc) rc = neardup_corpus_add(q, "query", 5, query, strlen(query), &err);
    if (!rc) rc = neardup_index_build(path, NULL, r, &err);
    if (!rc && !(ix = neardup_index_open(path, &err))) rc = err.status;
    for (int mode = 0; !rc && mode < 2; mode++) {
        if ((rc = neardup_index_query(ix, NULL, (neardup_query_mode)mode, q, &m, &n, &err))) break;
        for (size_t i = 0; i < n; i++) {
            printf("%s: %.*s %.3f", mode ? "overlap" : "dup", (int)m[i].ref_id_len, m[i].ref_id, m[i].score);
            for (size_t k = 0; k < m[i].npassages; k++)
                printf(" [%zu, %zu) %u words", m[i].passages[k].a_start, m[i].passages[k].a_end, m[i].passages[k].words);
            printf("\n");
        }
        neardup_matches_free(m, n);
    }
    if (rc) fprintf(stderr, "%s: %s\n", argv[0], err.message);
    neardup_index_close(ix);
    neardup_corpus_free(r);
    neardup_corpus_free(q);
    remove(path);
    return rc ? 1 : 0;
}
