"""Articles of hostile shapes near the 10 MB limit, and a runner that extracts one in a
process of its own and reports its time and peak memory (tests/test_hostile.py)."""
from __future__ import annotations

import itertools
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _fill(unit, size: int) -> str:
    """Units joined until `size` characters (unit: a function of the unit's number)."""
    out, n, i = [], 0, 0
    while n < size:
        u = unit(i)
        out.append(u)
        n += len(u)
        i += 1
    return "".join(out)


def shape(name: str, size: int) -> str:
    seed = sorted((ROOT / "seeds").glob("*.txt"))[2].read_text(encoding="utf-8")
    words = "caravan migrants walked north through chiapas towards mexico".split()
    perms = itertools.cycle(itertools.permutations(words))
    rnd = random.Random(13)
    return {
        # one sentence of figures: size parsing was quadratic in them
        "numbers": lambda: "About " + _fill(lambda i: f"{1000 + i % 9000:,} migrants, ", size) + "left Tapachula.\n",
        # lines alike but for their numbers: the near-duplicate check was quadratic
        "alike-lines": lambda: _fill(lambda i: f"The caravan of migrants walked north through Chiapas on day {i} "
                                               f"of {i * 7} they said.\n", size),
        # one paragraph of wrapped lines, each a permutation of the same words
        "wrapped": lambda: _fill(lambda i: " ".join(next(perms)) + "\n", size),
        # real prose, numbered so that no two copies are the same text
        "prose": lambda: _fill(lambda i: seed.replace("7,500", f"{7500 + i:,}") + "\n", size),
        # one word, no spaces
        "one-word": lambda: "Tapachula" * (size // 9) + "\n",
        # place names only
        "places": lambda: _fill(lambda i: rnd.choice(("Tapachula", "Huixtla", "Mexico City", "Del Rio",
                                                      "Escuintla", "Chiapas")) + ", ", size) + "\n",
        # dates only
        "dates": lambda: _fill(lambda i: f"on {1 + i % 28} October 2021, ", size) + "\n",
    }[name]()


def main() -> None:
    """python hostile_shapes.py SHAPE SIZE FOLDER: write the article, extract it, print
    'seconds peak_rss_mb observations'."""
    import resource

    name, size, folder = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    path = folder / f"{name}.txt"
    path.write_bytes(shape(name, size).encode("utf-8")[:size].decode("utf-8", "ignore").encode("utf-8"))
    sys.path.insert(0, str(ROOT))
    from journeys.articles import read_article
    from journeys.extract import extract_article

    import gazetteer
    gazetteer.geocode("Tapachula")  # the index loaded before the clock starts
    t0 = time.perf_counter()
    x = extract_article(read_article(path))
    took = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{took:.2f} {peak:.0f} {sum(len(c.observations) for c in x.caravans)}")


if __name__ == "__main__":
    main()
