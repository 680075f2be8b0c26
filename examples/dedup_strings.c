/* dedup_strings.c - keep one of each group of near-duplicate strings.
 *
 *   cc dedup_strings.c $(pkg-config --cflags --libs neardup) -o dedup_strings
 *   ./dedup_strings
 */
#include <neardup.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    const char *texts[] = {
        "The central bank raised its key interest rate by a quarter point on Tuesday, citing "
        "persistent inflation in services and a tight labour market across the region.",
        "Markets were calm ahead of the holiday weekend as investors waited for new data.",
        "The central bank raised its key interest rate by a quarter point on Tuesday, citing "
        "persistent inflation in services and a tight labor market across the region.",
        "THE CENTRAL BANK RAISED ITS KEY INTEREST RATE BY A QUARTER POINT ON TUESDAY, CITING "
        "PERSISTENT INFLATION IN SERVICES AND A TIGHT LABOUR MARKET ACROSS THE REGION!",
    };
    size_t n = sizeof texts / sizeof *texts;
    neardup_params p;
    neardup_params_default(&p);
    p.threshold = 0.5;
    neardup_deduper *d = neardup_deduper_create(&p);
    if (!d) return 1;
    for (size_t i = 0; i < n; i++) {
        int rc = neardup_deduper_add(d, texts[i], strlen(texts[i]), NULL);
        if (rc) {
            fprintf(stderr, "text %zu: %s\n", i, neardup_strerror(rc));
            return 1;
        }
    }
    if (neardup_deduper_finish(d)) return 1;
    for (size_t i = 0; i < n; i++) {
        size_t r = neardup_deduper_representative(d, i);
        if (r == i) printf("keep %zu\n", i);
        else printf("drop %zu (near-duplicate of %zu)\n", i, r);
    }
    neardup_deduper_free(d);
    return 0;
}
