"""Article-grouped k-fold splits for cross-validation on the train half.

All the rows of one article (its stops, its figures, its date choices) fall in the same
fold, so a model is always scored on articles it was not fitted on — as it will meet
unseen articles. Self-contained, so any learner under benchmarks/ can use it.
"""
from __future__ import annotations

import random


def grouped_folds(groups: list[str], k: int = 5, seed: int = 0) -> list[tuple[list[int], list[int]]]:
    """k (fit indices, held-out indices) pairs; the distinct groups are shuffled with `seed`
    and dealt round-robin into k folds (k is cut to the number of groups)."""
    names = sorted(set(groups))
    random.Random(seed).shuffle(names)
    k = max(2, min(k, len(names)))
    fold = {g: i % k for i, g in enumerate(names)}
    out = []
    for f in range(k):
        held = [i for i, g in enumerate(groups) if fold[g] == f]
        if held:
            out.append(([i for i, g in enumerate(groups) if fold[g] != f], held))
    return out
