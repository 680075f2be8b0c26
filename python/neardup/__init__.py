"""neardup: near-duplicate documents and the passages they share.

A Python module over libneardup (the same library the ``neardup`` command
runs, linked in statically): results equal the command's on the same data.
Offsets are Python string indices, so ``a[p.a_start:p.a_end]`` is the
passage.  The library works with the GIL released.

    >>> import neardup
    >>> rows = [{"text": "..."}, {"text": "..."}]
    >>> dup = neardup.dedup(rows, threshold=0.8)      # None: kept, else the index it duplicates
    >>> kept = [r for r, d in zip(rows, dup) if d is None]
    >>> for p in neardup.align(a, b):
    ...     print(p.words, p.identity, a[p.a_start:p.a_end])

Options left at None take the library's defaults (the command line's):
ngram 5, num_perm 128, seed the documented fixed seed, min_words 20,
threads one per core.  Library errors raise neardup.Error (.status,
.message); bad arguments raise TypeError or ValueError.
"""

from collections.abc import Mapping

from . import _neardup
from ._neardup import Error, Passage  # noqa: F401  (public names)
from ._neardup import (E_FORMAT, E_INPUT, E_INTERNAL, E_IO, E_KEY,  # noqa: F401
                       E_NOMEM, E_USAGE, E_UTF8, OK)

__all__ = ["align", "pairs", "dedup", "Error", "Passage", "version"]


def version():
    """The library version, e.g. "0.2.0"."""
    return _neardup.version()


def _options(**opts):
    """The options set (not None), as the C layer reads them."""
    return {k: v for k, v in opts.items() if v is not None}


def _records(records, text_field, id_field):
    """(texts, ids): the text of every record and its id (None: its index).

    A record is a str, an (id, text) pair, or a mapping holding text_field
    (and id_field, when given): a list of dicts as a Hugging Face dataset
    yields them.
    """
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


def align(a, b, *, min_words=None, ngram=None, verbatim=None, seed=None, key=None):
    """The passages strings a and b share: a list of neardup.Passage.

    Each passage has a_start, a_end, b_start, b_end (Python string indices:
    a[p.a_start:p.a_end] is the passage in a), words (aligned word columns),
    matches (equal words) and identity (matches / words), sorted by a_start.
    min_words: shortest passage (default 20); ngram: words per exact seed
    (default 5); key: 32 secret bytes for keyed mode.
    """
    return _neardup.align(a, b, _options(min_words=min_words, ngram=ngram, verbatim=verbatim,
                                         seed=seed, key=key))


def pairs(texts, threshold=0.8, metric="jaccard", *, ngram=None, num_perm=None, seed=None, key=None,
          threads=None, text_field="text", id_field=None):
    """Every pair of near-duplicate texts: a list of (i, j, score), i before j.

    texts: strings, (id, text) pairs or mappings (see dedup); i and j are
    the ids when the records carry them, else the positions.  score is the
    metric's (for jaccard the MinHash estimate), pairs with score >=
    threshold, sorted by (i, j) in input order, as `neardup pairs`.
    """
    if metric != "jaccard":
        raise ValueError("metric: %r is not supported yet (jaccard)" % (metric,))
    texts, ids = _records(texts, text_field, id_field)
    out = _neardup.pairs(texts, _options(threshold=threshold, ngram=ngram, num_perm=num_perm, seed=seed,
                                         key=key, threads=threads))
    if ids is not None:
        out = [(ids[i], ids[j], s) for i, j, s in out]
    return out


def dedup(records, threshold=0.8, metric="jaccard", *, ngram=None, num_perm=None, seed=None, key=None,
          threads=None, text_field="text", id_field=None):
    """For each record, None when it is kept, else the record it duplicates.

    records: an iterable of str, (id, text) pairs, or mappings with a
    text_field (default "text"): a Hugging Face-style list of dicts.  The
    duplicate is named by its id for (id, text) pairs and, with id_field,
    for mappings; otherwise by its position.  The first record of each
    cluster is kept, the same decisions as `neardup dedup`.
    """
    if metric != "jaccard":
        raise ValueError("metric: %r is not supported yet (jaccard)" % (metric,))
    texts, ids = _records(records, text_field, id_field)
    rep = _neardup.dedup(texts, _options(threshold=threshold, ngram=ngram, num_perm=num_perm, seed=seed,
                                         key=key, threads=threads))
    if ids is None:
        return [None if r < 0 else r for r in rep]
    return [None if r < 0 else ids[r] for r in rep]
