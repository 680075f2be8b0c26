/* report_internal.h - what the report's files share: report_html.c (the
 * report, its pairs, the page), report_cluster.c (its passage clusters) and
 * report_page.c (the page's style and script). */
#ifndef ND_REPORT_INTERNAL_H
#define ND_REPORT_INTERNAL_H

#include "align.h"
#include "edits.h"
#include "report.h"

typedef struct {
    long a, b;
    uint64_t shared;
    double ca, cb;
    nd_passage *p;
    size_t np;
    nd_passage_marks *m; /* np, or NULL */
} nd_report_pair_rec;

/* A witness as kept: marks a are bytes of the source's text (its words this
 * witness substitutes or lacks), marks b bytes of this witness's text (its
 * substituted and inserted words); none for the source itself. */
typedef struct {
    long doc;
    uint32_t start, end;
    char *date, *series; /* NULL: not given */
    nd_edit_counts c;
    int marked;          /* 0: no words given, the counts and marks are empty */
    nd_passage_marks m;
} nd_report_wit;

typedef struct {
    uint64_t id;
    uint32_t words;
    size_t source, n;
    nd_report_wit *w;
} nd_report_clus;

struct nd_report {
    char *title, *command;
    char **id, **text;
    size_t *len;
    size_t ndocs, dcap;
    nd_report_pair_rec *pairs;
    size_t npairs, pcap;
    nd_report_clus *clusters;
    size_t nclusters, ccap;
};

/* The page's style sheet and script (report_page.c). */
extern const char nd_report_style[], nd_report_script[];

/* Writes "clusters" and "series" members of the page's JSON block (after a
 * comma), the clusters sorted by size; u16[d]: document d's UTF-16 offsets
 * (nd_utf16_offsets).  Returns 0, or -1 on out of memory. */
int nd_report_write_clusters(nd_report *r, FILE *f, uint32_t *const *u16);

void nd_report_clusters_free(nd_report *r);

/* Edited-word marks as [start, end, 1 substituted | 2 inserted or deleted]
 * in UTF-16 units (u: the text's nd_utf16_offsets, len its bytes; offsets
 * past the text, a caller's mistake, are clamped), comma-separated. */
void nd_report_put_marks(FILE *f, const nd_edit_mark *m, size_t n, const uint32_t *u, size_t len);

#endif
