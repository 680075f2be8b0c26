"""neardup: near-duplicate documents and the passages they share.

A Python module over libneardup (the library the ``neardup`` command runs,
linked in statically): results equal the command's on the same data.
Offsets are Python string indices, so ``a[p.a_start:p.a_end]`` is the
passage.  The library works with the GIL released, on its own threads.

    >>> import neardup
    >>> dup = neardup.dedup(rows, threshold=0.8)   # rows: [{"text": ...}, ...]
    >>> kept = [r for r, d in zip(rows, dup) if d is None]
    >>> for p in neardup.align(a, b):
    ...     print(p.words, p.identity, a[p.a_start:p.a_end])

The training-data jobs too: dedup(records, against=refs, keep="longest",
details=True) (references, keep policies, the decisions of --removed),
strip(records, min_words=50), contamination(benchmark, corpus), and
overlap_clusters(texts).

Records are strings, (id, text) pairs, or mappings holding a text field
(default "text"), such as the rows of a Hugging Face dataset.  Results name
records by id when the records carry ids ((id, text) pairs; mappings with
id_field=...), else by position.

Options left at None take the command line's defaults (the library's one
defaults table): ngram 5, num_perm 128, the documented fixed seed,
min_words 20, max_df 50, distance 3, threads one per core.  key: 32 secret
bytes for keyed mode.  Library errors raise neardup.Error (.status, one of
neardup.E_*, and .message); bad arguments raise TypeError or ValueError
(neardup.UsageError, both an Error and a ValueError, when only the library
can tell, e.g. an unknown language).
"""

import os
import threading
from collections import namedtuple
from collections.abc import Mapping

from . import _neardup
from ._neardup import Error, Passage, UsageError  # noqa: F401  (public names)
from ._neardup import (E_FORMAT, E_INPUT, E_INTERNAL, E_IO, E_KEY,  # noqa: F401
                       E_NOMEM, E_USAGE, E_UTF8, OK)

__version__ = _neardup.version()

__all__ = ["align", "pairs", "dedup", "overlap", "overlap_clusters", "strip", "contamination", "read", "Index", "Error", "UsageError",
           "Passage", "Decision", "Stripped", "Cut", "Repeat", "version"]

Decision = namedtuple("Decision", "kept duplicate_of score cluster reference")
Decision.__doc__ = """dedup(details=True): kept (bool); duplicate_of (None when kept; the
record it is counted a duplicate of, as `dedup --removed` names it); score
(the metric's, None when kept); cluster (its cluster's number, as --removed
and --annotate give it); reference (True when duplicate_of is a record of
against)."""
Stripped = namedtuple("Stripped", "text dropped words kept_words cuts")
Stripped.__doc__ = """strip: text (the record's text less its cuts; the text itself when it had
none); dropped (True: it had cuts and kept fewer than min_keep words, so
`strip -o` leaves it out); words and kept_words; cuts ([Cut])."""
Cut = namedtuple("Cut", "start end words repeats")
Cut.__doc__ = """A cut of strip: text[start:end] (the removed words) of the record's text,
its words, and the earlier passages it repeats ([Repeat], earliest first)."""
Repeat = namedtuple("Repeat", "source reference start end this_start this_end identity")
Repeat.__doc__ = """An earlier passage a cut repeats: source (the record, named as results
name records; reference True: a record of against), source_text[start:end],
where it lies in this text (this_start, this_end), its identity."""


def version():
    """The library version, e.g. "0.2.0"."""
    return _neardup.version()


def _options(**opts):
    """The options given (not None), as the C layer reads them."""
    return {k: v for k, v in opts.items() if v is not None}


def _records(records, text_field, id_field):
    """(texts, ids): every record's text, and the ids (None: no record has one)."""
    if isinstance(records, (str, bytes)):
        raise TypeError("records: expected an iterable of records, not a single %s" % type(records).__name__)
    texts, ids, any_id = [], [], False
    for i, r in enumerate(records):
        if isinstance(r, str):
            texts.append(r)
            ids.append(i)
        elif isinstance(r, Mapping):
            try:
                texts.append(r[text_field])
            except KeyError:
                raise ValueError("records[%d]: no %r field" % (i, text_field)) from None
            if id_field is None:
                ids.append(i)
            else:
                try:
                    ids.append(r[id_field])
                except KeyError:
                    raise ValueError("records[%d]: no %r field" % (i, id_field)) from None
                any_id = True
        elif isinstance(r, tuple) and len(r) == 2:
            ids.append(r[0])
            texts.append(r[1])
            any_id = True
        else:
            raise TypeError("records[%d]: expected str, (id, text) or a mapping with %r, not %s"
                            % (i, text_field, type(r).__name__))
    return texts, (ids if any_id else None)


def _named(ids, i):
    return i if ids is None else ids[i]


def align(a, b, *, min_words=None, ngram=None, verbatim=False, language=None, seed=None, key=None):
    """The passages strings a and b share, as `neardup align`: [neardup.Passage].

    Each passage has a_start, a_end, b_start, b_end (string indices:
    a[p.a_start:p.a_end] is the passage in a), words (aligned word columns),
    matches (equal words) and identity (matches / words); sorted by a_start.
    Copied and rewritten passages; verbatim=True: copied ones only.
    language: the stemmer for rewritten passages ("english"; "none").
    """
    return _neardup.align(a, b, _options(min_words=min_words, ngram=ngram, verbatim=verbatim,
                                         language=language, seed=seed, key=key))


def pairs(texts, threshold=0.8, metric="jaccard", *, ngram=None, num_perm=None, distance=None,
          max_df=None, exact=None, seed=None, key=None, threads=None, text_field="text", id_field=None):
    """Every pair of near-duplicates, as `neardup pairs`: [(i, j, score)], i before j.

    metric: "jaccard" (MinHash + LSH; exact=True: verified, exact Jaccard),
    "simhash" (Hamming distance <= distance; score is the distance),
    "exact" (equal normalised text) or "containment".  Sorted by (i, j) in
    input order.
    """
    texts, ids = _records(texts, text_field, id_field)
    out = _neardup.pairs(texts, _options(threshold=threshold, metric=metric, ngram=ngram, num_perm=num_perm,
                                         distance=distance, max_df=max_df, exact=exact, seed=seed, key=key,
                                         threads=threads))
    if ids is not None:
        out = [(ids[i], ids[j], s) for i, j, s in out]
    return out


_KEEP = {"first": 0, "longest": 1, "shortest": 2, "max": 3, "min": 4, "none": 5}


def _keep(keep, records, text_field):
    """(policy number, keys or None) of keep="first" | "longest" | "shortest" | "none" | "max:FIELD" | "min:FIELD"."""
    if not isinstance(keep, str):
        raise TypeError("keep: expected str, not %s" % type(keep).__name__)
    how, _, field = keep.partition(":")
    if how not in _KEEP or (how in ("max", "min")) != bool(field):
        raise ValueError("keep: %r is not first, longest, shortest, max:FIELD, min:FIELD or none" % (keep,))
    if not field:
        return _KEEP[how], None
    keys = []
    for i, r in enumerate(records):
        if not isinstance(r, Mapping) or field not in r:
            raise ValueError("records[%d]: no %r field (keep=%r needs it in every record)" % (i, field, keep))
        v = r[field]
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueError("records[%d]: field %r is not a number (keep=%r)" % (i, field, keep))
        keys.append(float(v))
    return _KEEP[how], keys


def _against(against, text_field, id_field):
    """(texts, ids as the library reads them, names) of the references: their
    ids, else ids no record can have (the library wants ids unique across
    references and records), named by position in against."""
    if against is None:
        return None, None, None
    texts, ids = _records(against, text_field, id_field)
    if ids is None:
        return texts, ["\0against:%d" % j for j in range(len(texts))], None
    return texts, [str(i) for i in ids], ids


def dedup(records, threshold=0.8, metric="jaccard", *, ngram=None, num_perm=None, distance=None,
          max_df=None, exact=None, seed=None, key=None, threads=None, text_field="text", id_field=None,
          scores=False, against=None, keep="first", details=False):
    """For each record, None when it is kept, else the record it duplicates.

    The decisions of `neardup dedup`: keep the first record of each cluster,
    or keep="longest", "shortest", "max:FIELD", "min:FIELD" (a numeric field
    of mapping records), "none" (no member of a cluster of two or more), as
    `dedup --keep`.  against: reference records (`dedup --against`): records
    that are near-duplicates of a reference are removed, references are
    never returned.  The duplicate is named by id when records carry ids,
    else by position (a reference: its id, or its position in against).
    scores=True: a list of (duplicate_of, score) instead, score None for a
    kept record.  details=True: a list of neardup.Decision (kept,
    duplicate_of, score, cluster, reference), what `dedup --removed` and
    `--annotate` write.
    """
    texts, ids = _records(records, text_field, id_field)
    opts = _options(threshold=threshold, metric=metric, ngram=ngram, num_perm=num_perm, distance=distance,
                    max_df=max_df, exact=exact, seed=seed, key=key, threads=threads)
    policy, keys = _keep(keep, records, text_field)
    if against is None and policy == 0 and not details:
        dup, score = _neardup.dedup(texts, opts)
        out = [None if d < 0 else _named(ids, d) for d in dup]
        if scores:
            out = [(d, None if d is None else s) for d, s in zip(out, score)]
        return out
    rtexts, rids, rnames = _against(against, text_field, id_field)
    found = _neardup.dedup_run(texts, None, opts, rtexts, rids, policy, keys)

    def name(d, ref):
        return None if d < 0 else _named(rnames, d) if ref else _named(ids, d)
    if details:
        return [Decision(kept, name(d, ref), None if kept else s, c, ref) for kept, d, ref, s, c in found]
    if scores:
        return [(name(d, ref), None if kept else s) for kept, d, ref, s, c in found]
    return [name(d, ref) for kept, d, ref, s, c in found]


def strip(records, min_words=50, *, against=None, min_keep=20, sentences=False, max_gap=None, min_identity=None,
          max_df=None, ngram=None, seed=None, key=None, threads=None, text_field="text", id_field=None):
    """Each record's text less the passages of >= min_words words that also
    occur in an earlier record (or in a reference of against), the first
    occurrence kept, as `neardup strip`: [neardup.Stripped] (text, dropped,
    words, kept_words, cuts), one per record.  Near-verbatim repeats count
    (max_gap edited words bridged, min_identity 0.8); sentences=True cuts
    whole sentences only; a record with cuts left with fewer than min_keep
    words is dropped (Stripped.dropped).  Cut offsets are string indices into
    the record's text (a repeat's start, end into its source's).
    """
    texts, ids = _records(records, text_field, id_field)
    rtexts, rids, rnames = _against(against, text_field, id_field)
    found = _neardup.strip(texts, None, _options(min_words=min_words, min_keep=min_keep, sentences=sentences,
                                                 max_gap=max_gap, min_identity=min_identity, max_df=max_df,
                                                 ngram=ngram, seed=seed, key=key, threads=threads),
                           rtexts, rids)
    out = []
    for i, (text, dropped, words, kept_words, cuts) in enumerate(found):
        cuts = [Cut(a, b, w, [Repeat(_named(rnames, src) if ref else _named(ids, src), ref, s, e, ts, te, ident)
                              for src, ref, s, e, ts, te, ident in reps]) for a, b, w, reps in cuts]
        out.append(Stripped(texts[i] if text is None else text, dropped, words, kept_words, cuts))
    return out


def contamination(benchmark, corpus, ngram=13, *, min_coverage=0.2, fields=None, max_matches=10, seed=None,
                  key=None, threads=None, text_field="text", id_field=None):
    """Which benchmark items appear in corpus, as `neardup contamination`:
    one report record a benchmark item, in order, {"id", "contaminated",
    "coverage", "words", "covered", "matched_docs", "matches": [{"id",
    "start", "end"}]}: a word of an item is covered when it lies in an
    n-gram (ngram words) found in a corpus record; contaminated when the
    covered fraction reaches min_coverage.  fields=["question", "answer"]:
    items are mappings checked field by field, contaminated only when one
    corpus record covers every field (matches then name the field).
    matches: the first max_matches corpus records holding n-grams of the
    item, start and end string indices into the item's (field's) text.
    Items are named by id when they carry one (id_field), else by position.
    """
    names = list(fields) if fields is not None else [text_field]
    if not names or len(names) > 8:
        raise ValueError("fields: 1 to 8 field names")
    if isinstance(benchmark, (str, bytes)):
        raise TypeError("benchmark: expected an iterable of records, not a single %s" % type(benchmark).__name__)
    if fields is None:
        btexts, bids = _records(benchmark, text_field, id_field)
    else:
        btexts, bids, any_id = [], [], False
        for i, r in enumerate(benchmark):
            if not isinstance(r, Mapping):
                raise TypeError("benchmark[%d]: fields= needs mappings, not %s" % (i, type(r).__name__))
            for f in names:
                if f not in r:
                    raise ValueError("benchmark[%d]: no %r field" % (i, f))
                btexts.append(r[f])
            if id_field is not None and id_field not in r:
                raise ValueError("benchmark[%d]: no %r field" % (i, id_field))
            bids.append(r[id_field] if id_field is not None else i)
            any_id |= id_field is not None
        bids = bids if any_id else None
    nf = len(names)
    nitems = len(btexts) // nf
    item_ids = [str(i) for i in (bids if bids is not None else range(nitems))]
    unit_ids = [item_ids[u // nf] if u % nf == 0 else "\0unit:%d" % u for u in range(len(btexts))]
    texts, ids = _records(corpus, text_field, id_field)
    found = _neardup.contamination(btexts, unit_ids, nf, texts, None,
                                   _options(ngram=ngram, min_coverage=min_coverage, max_matches=max_matches,
                                            seed=seed, key=key, threads=threads))
    out = []
    for i, (cont, cov, words, covered, matched, ms) in enumerate(found):
        matches = []
        for doc, field, start, end in ms:
            m = {"id": _named(ids, doc)}
            if nf > 1:
                m["field"] = names[field]
            m.update(start=start, end=end)
            matches.append(m)
        out.append({"id": _named(bids, i), "contaminated": cont, "coverage": cov, "words": words,
                    "covered": covered, "matched_docs": matched, "matches": matches})
    return out


def overlap(texts, min_words=20, *, edited=False, max_df=None, language=None, ngram=None, seed=None,
            key=None, threads=None, text_field="text", id_field=None):
    """Every pair of texts sharing passages of >= min_words words, as `neardup overlap`:
    [(i, j, [neardup.Passage])], i before j; offsets are string indices
    (texts[i][p.a_start:p.a_end], texts[j][p.b_start:p.b_end]).
    edited=True: rewritten passages too (overlap --edited).
    """
    texts, ids = _records(texts, text_field, id_field)
    out = _neardup.overlap(texts, _options(min_words=min_words, edited=edited, max_df=max_df, language=language,
                                           ngram=ngram, seed=seed, key=key, threads=threads))
    if ids is not None:
        out = [(ids[i], ids[j], ps) for i, j, ps in out]
    return out


def overlap_clusters(texts, min_words=20, *, edited=False, max_df=None, language=None, ngram=None, seed=None,
                     key=None, threads=None, text_field="text", id_field=None):
    """The reused-passage clusters, as `neardup overlap --clusters FILE`
    writes them: [{"cluster": N, "size": S, "source": ID, "words": W,
    "witnesses": [{"id": ID, "start": B, "end": B}, ...]}]: every text
    carrying one passage (joined through the pairs' passages where they
    cover the same words), the source the first; offsets are string
    indices (texts[i][start:end]).  Options as overlap.
    """
    texts, ids = _records(texts, text_field, id_field)
    found = _neardup.overlap_clusters(texts, _options(min_words=min_words, edited=edited, max_df=max_df,
                                                      language=language, ngram=ngram, seed=seed, key=key,
                                                      threads=threads))
    return [{"cluster": i, "size": size, "source": _named(ids, ws[source][0]), "words": words,
             "witnesses": [{"id": _named(ids, t), "start": a, "end": b} for t, a, b, _ in ws]}
            for i, (size, source, words, ws) in enumerate(found)]


def read(path, *, text_field=None, id_field=None):
    """The records of a file or directory, read as the command line reads its
    inputs: [(id, text)].  JSONL (also .gz / .zst; text_field and id_field
    default "text" and "id"), plain text (id: the path), HTML (the page's
    text), WARC, or a directory walked in sorted order.  The list goes
    straight into pairs, dedup, overlap or Index.build.
    """
    return _neardup.read(path, text_field, id_field)


def _id_strings(texts, ids, first=0):
    """Index ids are stored as text: str(id); for records without ids their
    number in the index (first = how many it holds already)."""
    return [str(i) for i in (ids if ids is not None else range(first, first + len(texts)))]


class Index:
    """A persistent reference index at path: the file of `neardup index build`.

        ix = neardup.Index("wire.ndx").build(references)   # or Index(path) of an existing file
        ix.add(more)                                          # atomic, as `neardup index add`
        ix.query(texts)                    # [(query, ref_id, score)]: Jaccard >= threshold
        ix.query(texts, mode="overlap")    # [(query, ref_id, score, [Passage])]

    Reference ids are stored as str: a record's id, else its number in the
    index (0, 1, ... across build and adds).  query names queries by id when
    they carry one, else by position.  Passages of overlap queries: a_* are string indices into the
    query text, b_* into the reference's stored text.  One query runs at a
    time per Index object (a lock); separate objects are independent.
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        self._handle = None
        self._lock = threading.Lock()

    def build(self, records, *, threshold=None, ngram=None, num_perm=None, min_words=None, seed=None, key=None,
              threads=None, text_field="text", id_field=None):
        """Writes a new index of records at path (replacing any); returns self."""
        texts, ids = _records(records, text_field, id_field)
        with self._lock:
            self._handle = None
            _neardup.index_build(self.path, texts, _id_strings(texts, ids),
                                 _options(threshold=threshold, ngram=ngram, num_perm=num_perm, min_words=min_words,
                                          seed=seed, key=key, threads=threads))
        return self

    def add(self, records, *, key=None, threads=None, text_field="text", id_field=None):
        """Adds records to the index (its own parameters), atomically; returns self.
        A keyed index needs its key (the 32 bytes it was built with)."""
        texts, ids = _records(records, text_field, id_field)
        with self._lock:
            first = 0 if ids is not None else _neardup.index_info(self._open())["count"]
            self._handle = None
            _neardup.index_add(self.path, texts, _id_strings(texts, ids, first), _options(key=key, threads=threads))
        return self

    def query(self, records, mode="dup", *, threshold=None, min_words=None, max_df=None, key=None, threads=None,
              text_field="text", id_field=None):
        """The references matching each query record, as `neardup query`.

        mode "dup": [(query, ref_id, score)], Jaccard estimate >= threshold;
        mode "overlap": [(query, ref_id, score, passages)], score the
        fraction of the query's words in passages.  Options left out are
        the index's (threshold, min_words); a keyed index needs its key.
        """
        if mode not in ("dup", "overlap"):
            raise ValueError("mode: %r is not 'dup' or 'overlap'" % (mode,))
        texts, ids = _records(records, text_field, id_field)
        opts = _options(threshold=threshold, min_words=min_words, max_df=max_df, key=key, threads=threads)
        with self._lock:
            found = _neardup.index_query(self._open(), texts, mode, opts)
        if mode == "dup":
            return [(_named(ids, q), ref_id, score) for q, _, ref_id, score, _ in found]
        return [(_named(ids, q), ref_id, score, ps) for q, _, ref_id, score, ps in found]

    def _open(self):
        if self._handle is None:
            self._handle = _neardup.index_open(self.path)
        return self._handle

    def info(self):
        """What `neardup index info` shows: {"count", "ngram", "num_perm",
        "threshold", "bands", "rows", "seed" (0 when keyed), "keyed",
        "min_words" (0: no overlap anchors), "text_bytes", "file_bytes"}."""
        with self._lock:
            return _neardup.index_info(self._open())

    def __len__(self):
        return self.info()["count"]

    def __repr__(self):
        return "neardup.Index(%r)" % (self.path,)
