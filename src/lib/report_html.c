/* report_html.c - the self-contained HTML report (see report.h).
 *
 * The page carries its data as one JSON block (<script type="application/json">)
 * with every "<", ">" and "&" escaped as \u00XX, so no text can close the
 * block; a short script renders one page of pairs at a time (responsive with
 * 10,000 pairs) and builds the side-by-side view with textContent only, so no
 * document text is ever parsed as HTML.  The first pair is shown on load. */
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "edits.h"
#include "record.h"
#include "report.h"

typedef struct {
    long a, b;
    uint64_t shared;
    double ca, cb;
    nd_passage *p;
    size_t np;
    nd_passage_marks *m; /* np, or NULL */
} rpair;

struct nd_report {
    char *title, *command;
    char **id, **text;
    size_t *len;
    size_t ndocs, dcap;
    rpair *pairs;
    size_t npairs, pcap;
};

nd_report *nd_report_create(const char *title, const char *command)
{
    nd_report *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->title = strdup(title ? title : "neardup report");
    r->command = strdup(command ? command : "");
    if (!r->title || !r->command) {
        nd_report_free(r);
        return NULL;
    }
    return r;
}

void nd_report_free(nd_report *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->ndocs; i++) free(r->id[i]), free(r->text[i]);
    for (size_t i = 0; i < r->npairs; i++) {
        free(r->pairs[i].p);
        for (size_t k = 0; r->pairs[i].m && k < r->pairs[i].np; k++) nd_passage_marks_free(&r->pairs[i].m[k]);
        free(r->pairs[i].m);
    }
    free(r->id), free(r->text), free(r->len), free(r->pairs);
    free(r->title), free(r->command);
    free(r);
}

long nd_report_doc(nd_report *r, const char *id, size_t id_len, const char *text, size_t len)
{
    if (r->ndocs == r->dcap) {
        size_t cap = r->dcap ? 2 * r->dcap : 64;
        char **i2 = realloc(r->id, cap * sizeof *i2);
        if (i2) r->id = i2;
        char **t2 = i2 ? realloc(r->text, cap * sizeof *t2) : NULL;
        if (t2) r->text = t2;
        size_t *l2 = t2 ? realloc(r->len, cap * sizeof *l2) : NULL;
        if (!l2) return -1;
        r->len = l2;
        r->dcap = cap;
    }
    /* shown escaped: an id keeps every byte, NUL included */
    char *i = nd_id_text_dup(id, id_len), *t = malloc(len + 1);
    if (!i || !t) {
        free(i), free(t);
        return -1;
    }
    if (len) memcpy(t, text, len);
    t[len] = 0;
    r->id[r->ndocs] = i;
    r->text[r->ndocs] = t;
    r->len[r->ndocs] = len;
    return (long)r->ndocs++;
}

/* A copy of n marks (NULL when n is 0). */
static nd_edit_mark *copy_marks(const nd_edit_mark *m, size_t n, int *fail)
{
    if (!n) return NULL;
    nd_edit_mark *c = malloc(n * sizeof *c);
    if (c) memcpy(c, m, n * sizeof *c);
    else *fail = 1;
    return c;
}

int nd_report_pair(nd_report *r, long a, long b, uint64_t shared_words, double containment_a,
                   double containment_b, const nd_passage *p, size_t np, const nd_passage_marks *m)
{
    if (nd_grow((void **)&r->pairs, &r->pcap, r->npairs + 1, sizeof *r->pairs)) return -1;
    nd_passage *c = malloc((np ? np : 1) * sizeof *c);
    nd_passage_marks *cm = m ? calloc(np ? np : 1, sizeof *cm) : NULL;
    int fail = !c || (m && !cm);
    if (np && c) memcpy(c, p, np * sizeof *p);
    for (size_t k = 0; cm && k < np; k++)
        cm[k] = (nd_passage_marks){copy_marks(m[k].a, m[k].na, &fail), copy_marks(m[k].b, m[k].nb, &fail), m[k].na,
                                   m[k].nb};
    if (fail) {
        for (size_t k = 0; cm && k < np; k++) nd_passage_marks_free(&cm[k]);
        free(cm);
        free(c);
        return -1;
    }
    r->pairs[r->npairs++] = (rpair){a, b, shared_words, containment_a, containment_b, c, np, cm};
    return 0;
}

int nd_report_pair_words(nd_report *r, long a, long b, const nd_overlap_pair *p, const nd_doc_words *wa,
                         const nd_doc_words *wb)
{
    nd_passage_marks *m = calloc(p->np ? p->np : 1, sizeof *m);
    nd_edit_script sc = {0};
    int rc = m ? 0 : -1;
    for (size_t k = 0; !rc && k < p->np; k++)
        if (nd_passage_marks_make(&p->p[k], wa, wb, &sc, &m[k])) rc = -1;
    if (!rc)
        rc = nd_report_pair(r, a, b, p->shared_words, p->containment_a, p->containment_b, p->p, p->np, m);
    for (size_t k = 0; m && k < p->np; k++) nd_passage_marks_free(&m[k]);
    free(m);
    nd_edit_script_free(&sc);
    return rc;
}

void nd_utf16_offsets(const char *text, size_t len, uint32_t *out)
{
    const unsigned char *s = (const unsigned char *)text;
    uint32_t u = 0;
    for (size_t i = 0; i < len;) {
        /* the writer's own rule: an invalid byte (overlong form, surrogate,
         * truncated sequence...) is one U+FFFD, one unit */
        size_t k = s[i] < 0x80 ? 1 : nd_utf8_len(s + i, len - i);
        if (!k) k = 1;
        for (size_t j = 0; j < k; j++) out[i + j] = u;
        u += k == 4 ? 2 : 1; /* a 4-byte sequence is a surrogate pair in UTF-16 */
        i += k;
    }
    out[len] = u;
}

char *nd_report_command(int argc, char **argv)
{
    size_t cap = sizeof "neardup";
    for (int i = 0; i < argc; i++) cap += 4 * strlen(argv[i]) + 3; /* ' becomes '\'' */
    char *s = malloc(cap), *o = s;
    if (!s) return NULL;
    o = stpcpy(o, "neardup");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        *o++ = ' ';
        if (*a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,+-@%") ==
                      strlen(a)) {
            o = stpcpy(o, a);
            continue;
        }
        *o++ = '\'';
        for (; *a; a++) {
            if (*a == '\'') o = stpcpy(o, "'\\''");
            else *o++ = *a;
        }
        *o++ = '\'';
    }
    *o = 0;
    return s;
}

/* Visible text in HTML: &, <, > and quotes escaped. */
static void put_html(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: putc(*s, f);
        }
    }
}

static int cmp_pair(const void *x, const void *y)
{
    const rpair *p = x, *q = y;
    if (p->shared != q->shared) return p->shared > q->shared ? -1 : 1;
    if (p->a != q->a) return p->a < q->a ? -1 : 1;
    return (p->b > q->b) - (p->b < q->b);
}

/* A histogram of shared words per pair, 20 bars, as inline SVG. */
static void put_histogram(FILE *f, const nd_report *r)
{
    uint64_t max = 1, bins[20] = {0}, top = 1;
    for (size_t i = 0; i < r->npairs; i++)
        if (r->pairs[i].shared > max) max = r->pairs[i].shared;
    for (size_t i = 0; i < r->npairs; i++) {
        size_t b = (size_t)(r->pairs[i].shared * 20 / (max + 1));
        if (++bins[b] > top) top = bins[b];
    }
    fprintf(f, "<svg id=\"hist\" width=\"520\" height=\"150\" viewBox=\"0 0 520 150\" role=\"img\" "
               "aria-label=\"histogram of shared words per pair\">\n");
    for (int b = 0; b < 20; b++) {
        double h = 110.0 * (double)bins[b] / (double)top;
        fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"22\" height=\"%.1f\"><title>%llu-%llu words: %llu "
                   "pairs</title></rect>\n",
                10 + 25 * b, 120 - h, h, (unsigned long long)(b * (max + 1) / 20),
                (unsigned long long)((b + 1) * (max + 1) / 20 - 1), (unsigned long long)bins[b]);
    }
    fprintf(f, "<text x=\"10\" y=\"140\">0</text><text x=\"420\" y=\"140\">%llu shared words</text>"
               "<text x=\"10\" y=\"10\">%llu pairs</text></svg>\n",
            (unsigned long long)max, (unsigned long long)top);
}

static const char style[] =
    "body{font:15px/1.45 system-ui,sans-serif;margin:1.2em;color:#222}"
    "h1{font-size:1.3em;margin:0}.cmd{font-family:monospace;color:#555}"
    "#hist rect{fill:#4a7bd0}#hist text{font-size:11px;fill:#555}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{padding:2px 8px;border-bottom:1px solid #ddd;"
    "text-align:left}tr.sel{background:#fff3c4}tbody tr{cursor:pointer}"
    "#view{display:flex;gap:1em}@media(max-width:800px){#view{flex-direction:column}}.pane{flex:1;min-width:0}.pane h2{font-size:1em;word-break:break-all}"
    ".text{white-space:pre-wrap;font-family:Georgia,serif;border:1px solid #ccc;padding:.6em;"
    "max-height:70vh;overflow:auto}mark{background:#ffe066}mark a{color:inherit;text-decoration:none}"
    "mark:target,.anchor:target+mark{background:#ffb020}mark.both{background:#ffc94d}mark.sub{background:#f3b6ef}mark.indel{background:#ff9e9e;text-decoration:underline dotted}#pager button{margin-right:4px}";

static const char script[] =
    "const D=JSON.parse(document.getElementById('data').textContent);\n"
    "const per=100;let rows=D.pairs.map((_,i)=>i),page=0,cur=-1;\n"
    "function el(t,txt){const e=document.createElement(t);if(txt!==undefined)e.textContent=txt;return e;}\n"
    "function list(){const q=document.getElementById('filter').value.toLowerCase();\n"
    " rows=D.pairs.map((_,i)=>i).filter(i=>!q||D.docs[D.pairs[i][0]][0].toLowerCase().includes(q)||"
    "D.docs[D.pairs[i][1]][0].toLowerCase().includes(q));\n"
    " page=Math.min(page,Math.max(0,Math.ceil(rows.length/per)-1));draw();}\n"
    "function draw(){const tb=document.querySelector('#pairs tbody');tb.textContent='';\n"
    " for(const i of rows.slice(page*per,page*per+per)){const p=D.pairs[i],tr=el('tr');\n"
    "  tr.dataset.i=i;if(i===cur)tr.className='sel';\n"
    "  for(const v of [i+1,D.docs[p[0]][0],D.docs[p[1]][0],p[2],p[5].length,p[3].toFixed(3),p[4].toFixed(3)])"
    "tr.appendChild(el('td',String(v)));\n"
    "  tr.onclick=()=>show(i);tb.appendChild(tr);}\n"
    " const pg=document.getElementById('pager');pg.textContent='';const n=Math.ceil(rows.length/per);\n"
    " pg.appendChild(el('span',rows.length+(rows.length===1?' pair':' pairs')+(n>1?', page '+(page+1)+' of '+n+' ':' ')));\n"
    " if(page>0){const b=el('button','previous');b.onclick=()=>{page--;draw();};pg.appendChild(b);}\n"
    " if(page+1<n){const b=el('button','next');b.onclick=()=>{page++;draw();};pg.appendChild(b);}}\n"
    "function fill(box,text,ranges,edits,me,other){box.textContent='';let at=0,ids=[];const on=new Set(),ev=[],ed=[0,0,0];\n"
    " /* a sweep over start/end events: overlapping or repeated passages (one passage copied twice\n"
    "    into the other text) each keep their own id, so every partner link has a target; edited\n"
    "    words (kind 1 substituted, 2 inserted or deleted) split a passage's marks */\n"
    " const push=(r,a,b,k)=>{const s=Math.min(r[0],text.length);ev.push([s,a,k],[Math.min(Math.max(r[1],s),text.length),b,k]);};\n"
    " ranges.forEach((r,k)=>push(r,0,1,k));edits.forEach(e=>push(e,2,3,e[2]));\n"
    " ev.sort((x,y)=>x[0]-y[0]||x[1]-y[1]||x[2]-y[2]);\n"
    " const anchor=k=>{const a=el('span');a.id=me+(k+1);a.className='anchor';box.appendChild(a);};\n"
    " const seg=to=>{if(to<=at)return;const t=text.slice(at,to);at=to;\n"
    "  if(!on.size){ids.forEach(anchor);ids=[];box.appendChild(document.createTextNode(t));return;}\n"
    "  const k=Math.min(...on),m=el('mark'),a=el('a',t);ids.slice(1).forEach(anchor);\n"
    "  if(ids.length)m.id=me+(ids[0]+1);ids=[];m.className=(on.size>1?'passage both':'passage')+(ed[1]?' sub':ed[2]?' indel':'');\n"
    "  if(ed[1]||ed[2])m.title=ed[1]?'substituted':me==='pa'?'deleted (not in B)':'inserted (not in A)';\n"
    "  a.href='#'+other+(k+1);a.title='passage '+(k+1)+': jump to its partner';m.appendChild(a);box.appendChild(m);};\n"
    " for(const [p,t,k] of ev){seg(p);if(t===2)ed[k]++;else if(t===3)ed[k]--;else if(t)on.delete(k);else{on.add(k);ids.push(k);}}\n"
    " seg(text.length);ids.forEach(anchor);\n"
    " const f=box.querySelector('mark');box.scrollTop=f?Math.max(0,f.offsetTop-box.offsetTop-40):0;}\n"
    "function show(i){cur=i;const p=D.pairs[i],A=D.docs[p[0]],B=D.docs[p[1]];\n"
    " document.querySelector('#paneA h2').textContent=A[0];document.querySelector('#paneB h2').textContent=B[0];\n"
    " fill(document.querySelector('#paneA .text'),A[1],p[5].map(q=>[q[0],q[1]]),p[5].flatMap(q=>q[9]),'pa','pb');\n"
    " fill(document.querySelector('#paneB .text'),B[1],p[5].map(q=>[q[2],q[3]]),p[5].flatMap(q=>q[10]),'pb','pa');\n"
    " const info=document.getElementById('info');info.textContent=p[5].map((q,k)=>'passage '+(k+1)+': '+q[4]+"
    "' words, identity '+q[5].toFixed(3)+' ('+q[6]+' substituted, '+q[7]+' inserted, '+q[8]+' deleted)').join('; ');draw();}\n"
    "document.getElementById('filter').oninput=()=>{page=0;list();};\n"
    "draw();if(D.pairs.length)show(0);\n";

int nd_report_write(nd_report *r, FILE *f)
{
    if (r->npairs) qsort(r->pairs, r->npairs, sizeof *r->pairs, cmp_pair); /* NULL when empty */
    fputs("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
    put_html(f, r->title);
    fprintf(f, "</title>\n<style>%s</style></head><body>\n<header><h1>", style);
    put_html(f, r->title);
    fputs("</h1><p class=\"cmd\">", f);
    put_html(f, r->command);
    fprintf(f, "</p><p>%zu pair%s sharing passages among %zu document%s; shared words per pair:</p>\n",
            r->npairs, r->npairs == 1 ? "" : "s", r->ndocs, r->ndocs == 1 ? "" : "s");
    put_histogram(f, r);
    fputs("</header>\n<p><input id=\"filter\" type=\"search\" placeholder=\"filter by document id\" "
          "size=\"40\"> <span id=\"pager\"></span></p>\n<table id=\"pairs\"><thead><tr><th>#</th><th>A</th>"
          "<th>B</th><th>shared words</th><th>passages</th><th>containment A</th><th>containment B</th>"
          "</tr></thead><tbody></tbody></table>\n<p id=\"info\"></p>\n<p class=\"legend\"><mark>matching words</mark> "
          "<mark class=\"sub\">substituted</mark> <mark class=\"indel\">inserted (B) or deleted (A)</mark></p>\n"
          "<section id=\"view\">"
          "<div class=\"pane\" id=\"paneA\"><h2></h2><div class=\"text\"></div></div>"
          "<div class=\"pane\" id=\"paneB\"><h2></h2><div class=\"text\"></div></div></section>\n"
          "<script type=\"application/json\" id=\"data\">{\"docs\": [", f);
    int rc = 0;
    uint32_t **u16 = calloc(r->ndocs ? r->ndocs : 1, sizeof *u16);
    if (!u16) rc = -1;
    for (size_t d = 0; !rc && d < r->ndocs; d++) {
        fputs(d ? ",\n[" : "\n[", f);
        nd_json_write_string_html(f, r->id[d], strlen(r->id[d]));
        putc(',', f);
        nd_json_write_string_html(f, r->text[d], r->len[d]);
        putc(']', f);
        if (!(u16[d] = malloc((r->len[d] + 1) * sizeof **u16))) rc = -1;
        else nd_utf16_offsets(r->text[d], r->len[d], u16[d]);
    }
    fputs("],\n\"pairs\": [", f);
    for (size_t i = 0; !rc && i < r->npairs; i++) {
        const rpair *p = &r->pairs[i];
        const uint32_t *ua = u16[p->a], *ub = u16[p->b];
        size_t la = r->len[p->a], lb = r->len[p->b];
        fprintf(f, "%s[%ld,%ld,%llu,%.4f,%.4f,[", i ? ",\n" : "\n", p->a, p->b,
                (unsigned long long)p->shared, p->ca, p->cb);
        for (size_t k = 0; k < p->np; k++) {
            const nd_passage *q = &p->p[k];
            /* offsets past a text (a caller's mistake) are clamped, never read past the table */
#define CLAMP(x, n) ((size_t)(x) > (n) ? (n) : (size_t)(x))
            fprintf(f, "%s[%u,%u,%u,%u,%u,%.4f,%u,%u,%u,[", k ? "," : "", ua[CLAMP(q->a_start, la)],
                    ua[CLAMP(q->a_end, la)], ub[CLAMP(q->b_start, lb)], ub[CLAMP(q->b_end, lb)], q->words, q->identity,
                    q->substituted, q->inserted, q->deleted);
            /* edited words: [start, end, 1 substituted | 2 inserted or deleted], UTF-16 offsets */
            const nd_passage_marks *m = p->m ? &p->m[k] : NULL;
            for (size_t e = 0; m && e < m->na; e++)
                fprintf(f, "%s[%u,%u,%d]", e ? "," : "", ua[CLAMP(m->a[e].start, la)], ua[CLAMP(m->a[e].end, la)],
                        m->a[e].op == ND_EDIT_SUB ? 1 : 2);
            fputs("],[", f);
            for (size_t e = 0; m && e < m->nb; e++)
                fprintf(f, "%s[%u,%u,%d]", e ? "," : "", ub[CLAMP(m->b[e].start, lb)], ub[CLAMP(m->b[e].end, lb)],
                        m->b[e].op == ND_EDIT_SUB ? 1 : 2);
            fputs("]]", f);
#undef CLAMP
        }
        fputs("]]", f);
    }
    fprintf(f, "]}</script>\n<script>\n%s</script>\n</body></html>\n", script);
    for (size_t d = 0; u16 && d < r->ndocs; d++) free(u16[d]);
    free(u16);
    return rc || ferror(f) ? -1 : 0;
}
