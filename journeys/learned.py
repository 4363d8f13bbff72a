"""Small linear models whose weights are learned on the corpus's train half.

Decisions that depend on context — the role a place plays in a caravan's journey, whether a
figure is this caravan's size — are made by a multinomial logistic regression over sparse,
named features (trigger words, prepositions, tense, the rules' own reading, ...). Its weights
are learned by `benchmarks/learn_extraction_weights.py` on the train split only and kept as
JSON in `journeys/data/`; the probability of the chosen class is the fact's confidence.
Plain Python at run time (a few dict look-ups per candidate): no ML library is loaded.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class LinearModel:
    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]  # feature name -> one weight per class
    params: tuple = ()  # (name, value) pairs chosen with the weights (e.g. a decision margin)

    def param(self, name: str, default: float) -> float:
        return dict(self.params).get(name, default)

    def proba(self, features: dict[str, float]) -> dict[str, float]:
        scores = list(self.bias)
        for name, value in features.items():
            w = self.weights.get(name)
            if w is not None:
                for k, wk in enumerate(w):
                    scores[k] += wk * value
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps)}

    def best(self, features: dict[str, float]) -> tuple[str, float]:
        p = self.proba(features)
        label = max(p, key=p.get)
        return label, p[label]

    def to_dict(self) -> dict:
        return {"classes": list(self.classes), "bias": list(self.bias),
                "weights": {k: list(v) for k, v in sorted(self.weights.items())}, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, d: dict) -> "LinearModel":
        return cls(tuple(d["classes"]), tuple(d["bias"]), {k: tuple(v) for k, v in d["weights"].items()},
                   tuple(sorted((d.get("params") or {}).items())))


@lru_cache(maxsize=None)
def load_model(name: str) -> LinearModel | None:
    """journeys/data/<name>.json, or None when it was never learned (the rules decide)."""
    path = DATA / f"{name}.json"
    if not path.is_file():
        return None
    return LinearModel.from_dict(json.loads(path.read_text(encoding="utf-8")))
