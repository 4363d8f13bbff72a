"""Where the dashboard gets its document: the one seam to the rest of the project.

`load_document()` returns a plain dict in the shape of `caravan-atlas extract --json`:

    {"articles": [{id, path, title, outlet, published, url, text}],
     "caravans": [{id, label, name, size_low, size_high, organizers, origins, articles,
                   observations: [{article, role, date, date_precision, date_text, size_*,
                                   place: {...} | None, evidence: {...}, also: [...]}]}],
     "toponyms": [...]}

For now it builds that document by extracting the article files of a folder (the seed
articles unless `CARAVAN_ATLAS_ARTICLES_DIR` names another folder); each article's
caravans stay separate. `CARAVAN_ATLAS_DOCUMENT` may name a ready JSON document instead
(the benchmark uses it). Later this function reads the store; nothing else changes.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

ARTICLES_DIR_ENV = "CARAVAN_ATLAS_ARTICLES_DIR"
DOCUMENT_ENV = "CARAVAN_ATLAS_DOCUMENT"
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".text")


def source_location() -> Path:
    """The file or folder the document comes from (used for the cache key)."""
    doc = os.environ.get(DOCUMENT_ENV)
    if doc:
        return Path(doc)
    return Path(os.environ.get(ARTICLES_DIR_ENV) or SEEDS_DIR)


def fingerprint(location: Path | None = None) -> str:
    """Changes whenever an input file changes: name, size and mtime of each file."""
    loc = Path(location or source_location())
    if loc.is_file():
        st = loc.stat()
        return f"{loc}:{st.st_size}:{st.st_mtime_ns}"
    parts = [str(loc)]
    if loc.is_dir():
        for p in sorted(loc.iterdir()):
            if p.is_file():
                st = p.stat()
                parts.append(f"{p.name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def load_document(location: str | Path | None = None) -> dict:
    """The extract document the dashboard shows (see the module docstring)."""
    loc = Path(location) if location is not None else source_location()
    if loc.is_file() and loc.suffix.lower() == ".json":
        return _normalise(json.loads(loc.read_text(encoding="utf-8")))
    return _extract_folder(loc)


def _extract_folder(folder: Path) -> dict:
    from journeys.articles import ArticleError, read_article
    from journeys.extract import extract_article

    if not folder.is_dir():
        raise FileNotFoundError(f"articles folder not found: {folder}")
    articles, caravans, toponyms, problems = [], [], [], []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix.lower() not in ARTICLE_SUFFIXES:
            continue
        try:
            article = read_article(path)
        except ArticleError as exc:
            problems.append(str(exc))
            continue
        extraction = extract_article(article)
        articles.append({
            "id": article.id,
            "path": str(path),
            "title": article.title,
            "outlet": article.outlet,
            "published": article.published.isoformat() if article.published else None,
            "url": article.url,
            "text": article.text,
        })
        caravans.extend(c.to_dict() for c in extraction.caravans)
        for t in extraction.toponyms:
            d = t.to_dict() if hasattr(t, "to_dict") else {}
            d["article"] = article.id
            toponyms.append(d)
    doc = {"articles": articles, "caravans": caravans, "toponyms": toponyms}
    if problems:
        doc["problems"] = problems
    return _normalise(doc)


def _normalise(doc: dict) -> dict:
    """Missing optional keys filled in, so the rest of the dashboard can index freely."""
    doc.setdefault("articles", [])
    doc.setdefault("caravans", [])
    doc.setdefault("toponyms", [])
    for a in doc["articles"]:
        for k in ("path", "title", "outlet", "published", "url"):
            a.setdefault(k, None)
        a.setdefault("text", "")
    for c in doc["caravans"]:
        c.setdefault("label", c.get("id", ""))
        c.setdefault("name", None)
        c.setdefault("organizers", [])
        c.setdefault("origins", [])
        c.setdefault("articles", [])
        c.setdefault("observations", [])
        for o in c["observations"]:
            for k in ("date", "date_precision", "date_text", "size_low", "size_high", "size_text",
                      "size_qualifier", "place"):
                o.setdefault(k, None)
            o.setdefault("also", [])
    return doc
