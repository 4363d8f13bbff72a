"""One normalisation for every name the gazetteer stores or is asked for.

Accent-, case- and punctuation-insensitive, so "Ciudad de México", "CIUDAD DE MEXICO"
and "Ciudad de Mexico" meet, and "U.S." meets "US".
"""
from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_DROP = re.compile(r"[.'\"]")  # "St. Louis" == "St Louis", "U.S." == "US"
_SPACE = re.compile(r"[\s\-‐‑‒–—_/,;:()]+")


@lru_cache(maxsize=200_000)
def norm(name: str) -> str:
    s = anyascii(name.translate(_APOSTROPHES)).casefold()
    s = _DROP.sub("", s)
    return _SPACE.sub(" ", s).strip()
