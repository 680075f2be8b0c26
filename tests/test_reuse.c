/* test_reuse.c - rewritten passages (reuse.c, terms.c): stems and stop
 * words, sentences, a paraphrase found that the exact aligner misses, copies
 * kept word-precise, a summary spanning the stretch of its source it
 * condenses, a rewrite with a crossing stray sentence pair not taken for a
 * summary, unrelated texts left alone, texts without spaces. */
#include <stdlib.h>
#include <string.h>

#include "align.h"
#include "nd_test.h"
#include "reuse.h"
#include "tokenize.h"

/* A news paragraph and a rewrite of it (reordered clauses, synonyms,
 * inflections: no five words in a row survive), each between sentences
 * the other text lacks. */
static const char *const PARA_A =
    "Local weather stayed mild through the weekend, and the harbour festival drew large crowds.\n"
    "\n"
    "The city council approved a new budget for public transport on Monday evening. The plan doubles the number of night buses and extends the tram line to the northern suburbs. Council members said the extra routes would cut commuting times for shift workers. Funding will come from a higher parking fee in the city centre and from a regional grant. Construction of the tram extension is expected to start next spring and to last two years.\n"
    "\n"
    "In sports news, the local team lost its third match in a row.\n";
static const char *const PARA_B =
    "Shares in the regional bank fell sharply after the quarterly report was published.\n"
    "\n"
    "On Monday evening, a new public transport budget was approved by the city council. Under the plan, night buses will be twice as many and the tram line will be extended to the suburbs in the north. According to council members, shift workers would see shorter commuting times thanks to the additional routes. The money is to come from a regional grant and from raising the parking fee in the centre of the city. Work on extending the tram should begin next spring and last for two years.\n"
    "\n"
    "The museum will close for renovation in the autumn.\n";

static nd_tokens tokens_of(nd_tokenizer *tk, const char *s)
{
    nd_tokens t = {0};
    size_t bad = 0, rep = 0;
    assert_int_equal(nd_tokenize(tk, s, strlen(s), &t, &bad, &rep), NEARDUP_OK);
    return t;
}

static uint32_t term_of(nd_lang *l, nd_tokenizer *tk, const char *word)
{
    nd_tokens t = tokens_of(tk, word);
    assert_int_equal(t.n, 1);
    uint32_t term;
    assert_int_equal(nd_terms(l, tk, word, &t, &term), NEARDUP_OK);
    nd_tokens_free(&t);
    return term;
}

static void stems_and_stop_words(void **state)
{
    (void)state;
    nd_error err;
    nd_tokenizer *tk = nd_tokenizer_create(1, 0);
    nd_lang *en = nd_lang_create(NULL, &err), *none = nd_lang_create("none", &err);
    assert_non_null(en);
    assert_non_null(none);
    uint32_t reports = term_of(en, tk, "reports"), reported = term_of(en, tk, "Reported");
    assert_int_equal(reports, reported); /* one stem, case folded */
    assert_int_equal(reports & ND_TERM_STOP, 0);
    assert_true(term_of(en, tk, "the") & ND_TERM_STOP);
    assert_true(term_of(en, tk, "which") & ND_TERM_STOP);
    /* a second lookup (from the word cache) gives the same term */
    assert_int_equal(term_of(en, tk, "reports"), reports);
    /* without a stemmer: plain words, no stop list */
    assert_int_not_equal(term_of(none, tk, "reports"), term_of(none, tk, "reported"));
    assert_int_equal(term_of(none, tk, "the") & ND_TERM_STOP, 0);
    nd_lang *fr = nd_lang_create("french", &err);
    assert_non_null(fr);
    assert_int_equal(term_of(fr, tk, "continuer"), term_of(fr, tk, "continuait"));
    nd_lang_free(fr);
    nd_lang_free(en);
    nd_lang_free(none);
    nd_tokenizer_free(tk);
}

static void unknown_language(void **state)
{
    (void)state;
    nd_error err = {0, ""};
    assert_null(nd_lang_create("klingon", &err));
    assert_int_equal(err.code, NEARDUP_E_USAGE);
    assert_non_null(strstr(err.msg, "klingon"));
    assert_non_null(strstr(err.msg, "english"));
}

static void sentences(void **state)
{
    (void)state;
    nd_tokenizer *tk = nd_tokenizer_create(1, 0);
    const char *s = "One two three. Four five! Six\n\nseven eight? Nine";
    nd_tokens t = tokens_of(tk, s);
    uint32_t start[16];
    /* . ! ? and a blank line end sentences */
    assert_int_equal(nd_sentences(s, &t, start), 5);
    const uint32_t want[] = {0, 3, 5, 6, 8, 9};
    for (int i = 0; i < 6; i++) assert_int_equal(start[i], want[i]);
    nd_tokens_free(&t);
    nd_tokenizer_free(tk);
}

static size_t align_texts(const char *a, const char *b, int verbatim, nd_passage **p)
{
    nd_tokenizer *tk = nd_tokenizer_create(1, 0);
    nd_tokens ta = tokens_of(tk, a), tb = tokens_of(tk, b);
    nd_align_opts o;
    nd_align_opts_default(&o);
    o.verbatim = verbatim;
    size_t np = 0;
    nd_error err;
    assert_int_equal(nd_align_texts(a, &ta, b, &tb, &o, p, &np, &err), NEARDUP_OK);
    nd_tokens_free(&ta);
    nd_tokens_free(&tb);
    nd_tokenizer_free(tk);
    return np;
}

static void paraphrase_found(void **state)
{
    (void)state;
    nd_passage *p = NULL;
    assert_int_equal(align_texts(PARA_A, PARA_B, 1, &p), 0); /* no copied passage */
    free(p);
    assert_int_equal(align_texts(PARA_A, PARA_B, 0, &p), 1);
    /* the rewritten paragraph in both texts, and nothing of the sentences around it */
    const char *a0 = strstr(PARA_A, "city council approved"), *a1 = strstr(PARA_A, "two years.") + 9;
    const char *b0 = strstr(PARA_B, "Monday evening, a new"), *b1 = strstr(PARA_B, "for two years.") + 13;
    assert_int_equal(p[0].a_start, a0 - PARA_A);
    assert_int_equal(p[0].a_end, a1 - PARA_A);
    assert_int_equal(p[0].b_start, b0 - PARA_B);
    assert_int_equal(p[0].b_end, b1 - PARA_B);
    assert_true(p[0].sentences >= 2);
    assert_true(p[0].identity < 0.5); /* rewritten: most words edited */
    assert_int_equal(p[0].words, p[0].matches + p[0].substituted + p[0].inserted + p[0].deleted);
    free(p);
}

static void copy_stays_word_precise(void **state)
{
    (void)state;
    /* one copied sentence inside different text: the copy, word for word */
    const char *q = "the committee will publish its final report on the causes of the flood before the end of the year, "
                    "the chairman told reporters outside the building.";
    char a[1024], b[1024];
    snprintf(a, sizeof a, "Rain fell all week in the valley. %s Farmers counted their losses.", q);
    snprintf(b, sizeof b, "A minister resigned on Tuesday. Asked about the inquiry, %s Markets were calm.", q);
    nd_passage *p = NULL;
    assert_int_equal(align_texts(a, b, 0, &p), 1);
    assert_int_equal(p[0].a_start, strstr(a, "the committee") - a);
    assert_int_equal(p[0].b_start, strstr(b, "the committee") - b);
    assert_int_equal(p[0].a_end - p[0].a_start, strlen(q) - 1); /* up to the last word, not the full stop */
    assert_true(p[0].identity == 1.0);
    assert_int_equal(p[0].sentences, 0);
    free(p);
}

static void moved_stretches_are_one_passage(void **state)
{
    (void)state;
    /* two copied sentences whose order a rewrite swapped: one passage over both, not two */
    const char *s1 = "The regional water authority will spend forty million euros on new pipes under the old town "
                     "over the next five years, its director said on Thursday.";
    const char *s2 = "Leaks from the nineteenth century network waste almost a third of the drinking water that "
                     "the treatment plants deliver to households every single day.";
    char a[1024], b[1024];
    snprintf(a, sizeof a, "Markets opened higher this morning. %s %s The weather stays dry.", s1, s2);
    snprintf(b, sizeof b, "A concert was cancelled because of rain. %s %s Tickets will be refunded.", s2, s1);
    nd_passage *p = NULL;
    assert_int_equal(align_texts(a, b, 1, &p), 2); /* the exact aligner: two crossing copies */
    free(p);
    assert_int_equal(align_texts(a, b, 0, &p), 1);
    assert_int_equal(p[0].a_start, strstr(a, "The regional") - a);
    assert_int_equal(p[0].b_start, strstr(b, "Leaks from") - b);
    assert_int_equal(p[0].b_end, strstr(b, "on Thursday") - b + 11);
    assert_true(p[0].sentences > 0); /* no longer a plain copy */
    free(p);
}

/* A summary of a long report: three sentences, each condensing one sentence
 * of the source, those six sentences apart (the narrow gap breaks them into
 * three one-sentence pieces, too short to report), between sentences the
 * other text lacks; eight sentences on, the summarising text echoes one more
 * sentence of the report (a wide gap in both texts would take it into the
 * summary, which would then be no shorter than its source). */
static const char *const SUMMARY_SRC =
    "Heavy rain caused the river Aller to burst its banks near the town of Celle on Sunday night, flooding more than two hundred homes. "
    "Firefighters worked through the darkness with pumps and sandbags. "
    "Several roads into the old centre remained closed on Monday morning. "
    "Schools sent their pupils home early and the railway station was shut. "
    "A spokesman for the police asked drivers to avoid the area until further notice. "
    "Shopkeepers along the main street began clearing mud from their premises. "
    "The regional government promised emergency payments of up to five thousand euros for every family whose house was damaged by the water. "
    "Insurance companies sent assessors to the worst affected streets. "
    "Many residents said they had never seen anything rise so quickly. "
    "An elderly couple was rescued from the roof of their cottage by a helicopter crew. "
    "Volunteers from neighbouring villages brought food and blankets to the sports hall. "
    "The mayor thanked everyone who had helped during the long night. "
    "Meteorologists warned that more storms could reach the valley later this week and that the ground was already saturated.";
static const char *const SUMMARY_SUSP =
    "Ticket prices for the summer concerts at the castle were announced yesterday by the organisers. "
    "The orchestra will play on six evenings in July. "
    "The river Aller burst its banks near Celle after heavy rain on Sunday, flooding two hundred homes. "
    "The regional government promised emergency payments of five thousand euros for every family with a damaged house. "
    "Meteorologists warned that more storms could reach the saturated valley this week. "
    "Elsewhere, a new bakery opened on the market square and sold out of bread by noon. "
    "Its owner plans to open a second shop next year in the neighbouring district. "
    "The city library extended its opening hours for students preparing their exams. "
    "A jazz trio from Hamburg will perform at the town hall on Saturday evening. "
    "The local football club won its fourth match in a row and now leads the table. "
    "Parking fees in the old town will rise by twenty cents from the first of August. "
    "The zoo welcomed two young otters, which visitors can see from next week. "
    "In a letter to the editor, a reader recalled how firefighters worked through the darkness with pumps and sandbags.";

static void summary_spans_its_source(void **state)
{
    (void)state;
    nd_passage *p = NULL;
    assert_int_equal(align_texts(SUMMARY_SUSP, SUMMARY_SRC, 0, &p), 1);
    /* the summary's three sentences (from their first content word), and the
     * whole stretch of the source they condense */
    assert_int_equal(p[0].a_start, strstr(SUMMARY_SUSP, "river Aller") - SUMMARY_SUSP);
    assert_int_equal(p[0].a_end, strstr(SUMMARY_SUSP, "valley this week") + 16 - SUMMARY_SUSP);
    assert_true(p[0].b_start <= (uint32_t)(strstr(SUMMARY_SRC, "Heavy rain") - SUMMARY_SRC));
    assert_true(p[0].b_end >= (uint32_t)(strstr(SUMMARY_SRC, "already saturated") + 17 - SUMMARY_SRC));
    assert_true(p[0].sentences >= 1);
    free(p);
    /* the same pair the other way round: the same passage, mirrored */
    assert_int_equal(align_texts(SUMMARY_SRC, SUMMARY_SUSP, 0, &p), 1);
    assert_int_equal(p[0].b_start, strstr(SUMMARY_SUSP, "river Aller") - SUMMARY_SUSP);
    assert_true(p[0].a_end >= (uint32_t)(strstr(SUMMARY_SRC, "already saturated") + 17 - SUMMARY_SRC));
    free(p);
}

/* Twenty sentences on other subjects, none like another. */
static const char *const FILLER[] = {
    "The orchestra rehearsed a new symphony in the concert hall all afternoon.",
    "A rare orchid bloomed in the botanical garden after seven years.",
    "Engineers inspected the old railway bridge for signs of rust.",
    "The bakery on the corner started selling rye bread with caraway seeds.",
    "Two climbers reached the summit of the glacier before the storm arrived.",
    "The museum acquired a collection of medieval coins from a private donor.",
    "Students built a small robot that sorts plastic bottles by colour.",
    "A fishing boat returned to the harbour with an unusually large catch of herring.",
    "The chess championship ended in a draw after six hours of play.",
    "Farmers in the valley harvested their apples two weeks earlier than usual.",
    "A new cycling path now connects the university with the central station.",
    "The theatre company staged a comedy written by a local teacher.",
    "Astronomers photographed a comet passing close to the planet Mars.",
    "The zoo received a pair of snow leopards from a park in Finland.",
    "A violin maker opened a workshop in the restored mill by the canal.",
    "Volunteers planted three hundred oak saplings along the motorway.",
    "The chef published a cookbook of soups from the northern islands.",
    "A storm knocked down the old lighthouse antenna on the cliff.",
    "The swimming pool will close in August for the replacement of its roof.",
    "A jazz festival brought musicians from twelve countries to the old market square.",
};

static void rewrite_with_stray_is_no_summary(void **state)
{
    (void)state;
    /* The paraphrased paragraph, and one more sentence the two texts share
     * (on one story): right after the paragraph in B, twenty sentences
     * before it in A.  Taken as a summary (B short, A long), that crossing
     * stray would stretch the passage over the twenty sentences of A. */
    const char *stray_a = "Officials expect the new night buses to carry about four thousand passengers a week.";
    const char *stray_b = "About four thousand passengers a week are expected on the new night buses, officials say.";
    const char *pa = strstr(PARA_A, "The city council approved");
    const char *pb = strstr(PARA_B, "On Monday evening");
    size_t la = strstr(PARA_A, "two years.") + 10 - pa, lb = strstr(PARA_B, "for two years.") + 14 - pb;
    char a[8192] = "", b[4096] = "";
    snprintf(a, sizeof a, "%s ", stray_a);
    for (size_t i = 0; i < sizeof FILLER / sizeof *FILLER; i++) strcat(strcat(a, FILLER[i]), " ");
    size_t at = strlen(a);
    snprintf(a + at, sizeof a - at, "%.*s The weather stays dry this week.", (int)la, pa);
    snprintf(b, sizeof b, "%.*s %s", (int)lb, pb, stray_b);
    nd_passage *p = NULL;
    size_t n = align_texts(a, b, 0, &p);
    assert_true(n >= 1);
    /* the rewrite, where it is in A: not stretched back to the stray */
    assert_int_equal(p[0].a_start, strstr(a, "city council approved") - a);
    assert_true(p[0].a_end <= (uint32_t)(strstr(a, "The weather stays") - a));
    free(p);
}

static void unrelated_texts(void **state)
{
    (void)state;
    const char *a = "The council met on Monday to discuss the budget. Members argued about bus routes for hours. "
                    "No decision was taken and the meeting will resume next week.";
    const char *b = "The football club signed a new striker on Friday. Fans welcomed the transfer at the stadium. "
                    "The coach said the team needed more goals this season.";
    nd_passage *p = NULL;
    assert_int_equal(align_texts(a, b, 0, &p), 0);
    free(p);
}

static void texts_without_spaces(void **state)
{
    (void)state;
    /* Chinese: every character a token; the shared clause is found as before */
    const char *q = "北约秘书长表示愿意继续与俄罗斯进行对话并寻求外交解决方案";
    char a[512], b[512];
    snprintf(a, sizeof a, "今天天气很好。%s。我们明天再见。", q);
    snprintf(b, sizeof b, "股市昨天下跌。%s。博物馆下周关闭。", q);
    nd_passage *p = NULL;
    assert_int_equal(align_texts(a, b, 0, &p), 1);
    assert_int_equal(p[0].a_start, strstr(a, q) - a);
    assert_int_equal(p[0].b_start, strstr(b, q) - b);
    assert_int_equal(p[0].a_end - p[0].a_start, strlen(q));
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stems_and_stop_words), cmocka_unit_test(unknown_language),
        cmocka_unit_test(sentences),            cmocka_unit_test(paraphrase_found),
        cmocka_unit_test(copy_stays_word_precise), cmocka_unit_test(moved_stretches_are_one_passage),
        cmocka_unit_test(summary_spans_its_source), cmocka_unit_test(rewrite_with_stray_is_no_summary),
        cmocka_unit_test(unrelated_texts),
        cmocka_unit_test(texts_without_spaces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
