"""Similar task names (and challenges, which use the same search): time and memory at 50,000 names, and how much
of what comparing every pair finds the bounded search finds too.

    python benchmarks/similarity_bench.py

Prints:
- the search over 50,000 task names as a town's survey holds them (about 10,000 different names, the rest the same
  names again with a number), and over 50,000 names of which 20,000 are near-identical (住民票の写しの交付（n）),
  each in a child process with its peak memory (targets ≤ 10 s, ≤ 500 MB);
- recall against comparing every pair of 2,000 names (Dice ≥ 0.6): the share of the pairs above the threshold that
  the search returns, for names as towns write them and for 2,000 near-identical ones, where the search keeps the
  best pairs within its bounds by design.
No database is used: the search works on names alone.
"""

import itertools
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
THRESHOLD = 0.6


def survey_names(count):
    from survey_bench import make_rows

    return [row["name"] for row in make_rows(count)]


def near_identical(count):
    return [f"住民票の写しの交付（{i}）" for i in range(count)]


def names_for(kind, count):
    if kind == "survey":
        return survey_names(count)
    return near_identical(20_000) + survey_names(count - 20_000)


def child(kind, count):
    import django

    sys.path.insert(0, str(HERE))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banso.settings")
    django.setup()
    from banso.text.similarity import similar_pairs

    names = names_for(kind, count)
    start = time.perf_counter()
    pairs = similar_pairs(list(enumerate(names)), threshold=THRESHOLD)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"seconds": round(seconds, 2), "peak_mb": peak, "pairs": len(pairs)}))


def recall(names, label):
    from banso.text.normalize import ngrams, normalize_for_matching
    from banso.text.similarity import dice, similar_pairs

    grams = [ngrams(normalize_for_matching(n)) for n in names]
    normals = [normalize_for_matching(n) for n in names]
    start = time.perf_counter()
    truth = {
        (i, j)
        for i, j in itertools.combinations(range(len(names)), 2)
        if (1.0 if normals[i] == normals[j] else dice(grams[i], grams[j])) >= THRESHOLD
    }
    brute = time.perf_counter() - start
    start = time.perf_counter()
    found = {(m.a, m.b) for m in similar_pairs(list(enumerate(names)), threshold=THRESHOLD, limit=10**7)}
    fast = time.perf_counter() - start
    share = len(found & truth) / len(truth) if truth else 1.0
    print(
        f"{label}: {len(truth):,} pairs at Dice ≥ {THRESHOLD} by comparing every pair ({brute:.2f} s); "
        f"the search returns {len(found & truth):,} of them ({share:.1%} recall, {len(found - truth)} not above the "
        f"threshold) in {fast:.2f} s"
    )


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
        return
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banso.settings")
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    for kind, label in (
        ("survey", "50,000 task names as a survey holds them"),
        ("near", "50,000 task names, 20,000 of them near-identical"),
    ):
        result = subprocess.run(
            [sys.executable, __file__, "--child", kind, "50000"], capture_output=True, text=True, check=True
        )
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        print(
            f"{label}: {figures['seconds']:.1f} s, peak memory {figures['peak_mb']} MB, {figures['pairs']:,} pairs "
            "kept (targets ≤ 10 s, ≤ 500 MB)"
        )
    recall(survey_names(2000), "2,000 names as towns write them")
    recall(near_identical(2000), "2,000 near-identical names")


if __name__ == "__main__":
    main()
