/* align_buffers.c - print the passages two buffers share, with byte offsets.
 *
 *   cc align_buffers.c $(pkg-config --cflags --libs neardup) -o align_buffers
 *   ./align_buffers
 */
#include <neardup.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    const char *a = "In a statement the ministry said that the talks would resume next week in Geneva "
                    "and that both delegations were committed to reaching an agreement before the end "
                    "of the year. Analysts were sceptical.";
    const char *b = "Officials declined to comment. The ministry said the talks would resume next week in "
                    "Geneva and that both delegations were committed to reaching a deal before the end "
                    "of the year, according to a statement.";
    neardup_passage *p;
    size_t n;
    int rc = neardup_align(NULL, a, strlen(a), b, strlen(b), 15, &p, &n, NULL, NULL);
    if (rc) {
        fprintf(stderr, "align: %s\n", neardup_strerror(rc));
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        printf("passage %zu: a[%zu, %zu) b[%zu, %zu) %u words, identity %.3f\n  a: %.*s\n  b: %.*s\n", i + 1,
               p[i].a_start, p[i].a_end, p[i].b_start, p[i].b_end, p[i].words, p[i].identity,
               (int)(p[i].a_end - p[i].a_start), a + p[i].a_start, (int)(p[i].b_end - p[i].b_start),
               b + p[i].b_start);
    neardup_passages_free(p);
    return 0;
}
