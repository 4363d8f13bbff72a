"""The labelled corpus of real caravan articles, and its locked train/test split.

Three sources, one schema (../shared/devset/README.md): the shared dev set (read from
../shared/devset, never copied), this repository's own corpus (benchmarks/corpus/:
articles/*.txt, labels/*.json) and the three seed articles, labelled from the careful
reader's account in ../shared/seeds/README.md (always train: the rules were written on them). Every article goes to `train` or `test` by a hash of its
normalised URL — a rule fixed before any extraction rule or weight was written against
these articles, so the test half stays unseen: learn and debug on train only; read test
figures as totals and counts by kind, never article by article.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT.parent / "shared" / "devset"
CORPUS = Path(__file__).resolve().parent / "corpus"
SEEDS = ROOT / "seeds"  # labelled from ../shared/seeds/README.md's account (corpus/seeds_labels.json)
SPLITS = ("train", "test")


def normalise_url(url: str) -> str:
    """The URL as ../shared/reserved/check.py normalises it: no scheme, no www., no query."""
    u = url.strip().lower()
    u = re.sub(r"^[a-z]+://", "", u)
    u = re.sub(r"^www\.", "", u)
    return re.split(r"[?#]", u)[0].rstrip("/")


def split_of(url: str) -> str:
    """'train' or 'test', from the SHA-256 of the normalised URL (even: train). Never change."""
    digest = hashlib.sha256(normalise_url(url).encode("utf-8")).digest()
    return "test" if digest[-1] % 2 else "train"


@dataclass(frozen=True)
class LabelledArticle:
    path: Path
    url: str
    labels: dict  # one object of labels.json: {"file", "caravans", "all_toponyms"}
    source: str  # "devset", "seeds" or the corpus part (labels/<part>.json)

    @property
    def split(self) -> str:
        # The seeds are the project's first oracle, read since its first line: train only.
        return "train" if self.source == "seeds" else split_of(self.url)

    @property
    def name(self) -> str:
        return self.path.name


def _front_matter_url(path: Path) -> str:
    m = re.search(r"^url:\s*(\S+)\s*$", path.read_text(encoding="utf-8").split("\n---\n", 1)[0], re.M)
    if not m:
        raise ValueError(f"{path}: no url in front matter (the split needs one)")
    return m.group(1)


def event_key(caravan: dict) -> str | None:
    """The caravan's `event` label, or for the dev set (labelled before the key existed) the
    same convention from its own labels: departure date and place, when both are known."""
    if caravan.get("event"):
        return caravan["event"]
    date, place = caravan.get("departure_date"), caravan.get("departure_place")
    if date and place:
        town = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", place).encode("ascii", "ignore")
                      .decode().lower()).strip("-")
        return f"{date}_{town}"
    return None


def _labelled(folder: Path, labels_file: Path, source: str) -> list[LabelledArticle]:
    out = []
    for lab in json.loads(labels_file.read_text(encoding="utf-8")):
        for c in lab["caravans"]:
            c["event"] = event_key(c)
        path = folder / lab["file"]
        out.append(LabelledArticle(path, _front_matter_url(path), lab, source))
    return out


def load(split: str | None = None) -> list[LabelledArticle]:
    """Every labelled article (dev set first, then the corpus parts by name), or one split's."""
    items: list[LabelledArticle] = []
    if (DEVSET / "labels.json").is_file():
        items += _labelled(DEVSET / "articles", DEVSET / "labels.json", "devset")
    for labels_file in sorted((CORPUS / "labels").glob("*.json")):
        items += _labelled(CORPUS / "articles", labels_file, labels_file.stem)
    for lab in json.loads((CORPUS / "seeds_labels.json").read_text(encoding="utf-8")):
        items.append(LabelledArticle(SEEDS / lab["file"], f"seed:{lab['file']}", lab, "seeds"))
    if split is not None:
        if split not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
        items = [a for a in items if a.split == split]
    return items
