"""The library works with the GIL released: another Python thread runs while
a long call is inside the library (if the GIL were held, that thread could
not execute a single bytecode between the call's start and end)."""
import random
import threading
import time

import neardup


def ticks_during(call):
    """The other thread's ticks strictly inside the call, and its duration."""
    ticks, stop = [], threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.001)
    t = threading.Thread(target=tick)
    t.start()
    time.sleep(0.02)
    start = time.monotonic()
    call()
    end = time.monotonic()
    stop.set()
    t.join()
    return [x for x in ticks if start + 0.01 < x < end - 0.01], end - start


def assert_released(make_call):
    """Doubles the work until one call lasts 0.2 s (the machine may be fast or
    busy), then asserts the other thread ran inside it."""
    size = 1000
    while True:
        inside, took = ticks_during(make_call(size))
        if took >= 0.2 or size > 10**7:
            break
        size *= 2
    assert took >= 0.2, "no call lasted long enough to tell"
    assert inside, "no other thread ran during %.3f s in the library" % took


def test_dedup_releases_the_gil():
    rnd = random.Random(7)
    words = ["w%d" % i for i in range(5000)]
    texts = [" ".join(rnd.choice(words) for _ in range(100)) for _ in range(1000)]
    assert_released(lambda n: lambda: neardup.dedup(texts * (n // 1000)))


def test_align_releases_the_gil():
    rnd = random.Random(8)
    words = ["w%d" % i for i in range(200)]
    a = " ".join(rnd.choice(words) for _ in range(1000))
    assert_released(lambda n: lambda: neardup.align(a * (n // 100), a * (n // 200)))


def test_threads_at_once_same_results():
    """Calls from several Python threads at once (each inside the library
    with the GIL released) give the results of one call alone; one Index
    object shared by the threads serialises its queries."""
    import json
    import tempfile
    from conftest import SAMPLE
    rows = [json.loads(line) for line in open(SAMPLE, encoding="utf-8")]
    texts = [r["text"] for r in rows]
    with tempfile.TemporaryDirectory() as d:
        ix = neardup.Index(d + "/t.ndx").build(rows, id_field="id", threshold=0.5)
        jobs = [lambda: neardup.pairs(texts, threshold=0.5), lambda: neardup.dedup(texts, threshold=0.5),
                lambda: neardup.overlap(texts), lambda: neardup.align(texts[0], texts[1]),
                lambda: ix.query(rows, mode="overlap")]
        alone = [job() for job in jobs]
        got = [[None] * len(jobs) for _ in range(4)]

        def run(k):
            for _ in range(3):
                for i, job in enumerate(jobs):
                    got[k][i] = job()
        ts = [threading.Thread(target=run, args=(k,)) for k in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert all(g == alone for g in got)
