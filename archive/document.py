"""The store read back as the `extract --json` document, whole or for some caravans (the export)."""
from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

from sqlalchemy import select

from .schema import articles, caravan_articles, caravans, observations, toponyms


def read_document(conn, with_text: bool = True, caravan_ids: Iterable[str] | None = None) -> dict:
    """What `Store.document` returns, read in `conn` (so a correction can read the caravans it
    is about to change inside its own transaction)."""
    # Without text, the article rows are read without it (a merged caravan links hundreds).
    art_cols = select(*[c for c in articles.c if with_text or c.name != "text"])
    if caravan_ids is None:
        arts = [dict(r._mapping) for r in conn.execute(art_cols)]
        cars = [dict(r._mapping) for r in conn.execute(select(caravans))]
        obs = [dict(r._mapping) for r in conn.execute(select(observations).order_by(observations.c.id))]
        tops = [dict(r._mapping) for r in conn.execute(select(toponyms).order_by(toponyms.c.id))]
    else:
        ids = sorted(set(caravan_ids))
        cars, obs, arts, tops = [], [], [], []
        for i in range(0, len(ids), 500):  # bounded IN lists on every back end
            part = ids[i:i + 500]
            cars += [dict(r._mapping) for r in conn.execute(select(caravans).where(caravans.c.id.in_(part)))]
            obs += [dict(r._mapping) for r in conn.execute(
                select(observations).where(observations.c.caravan_id.in_(part)))]
            linked = select(caravan_articles.c.article_id).where(caravan_articles.c.caravan_id.in_(part))
            arts += [dict(r._mapping) for r in conn.execute(art_cols.where(articles.c.id.in_(linked)))]
        obs.sort(key=lambda o: o["id"])
        arts = list({a["id"]: a for a in arts}.values())
    # Sorted here, not by ORDER BY: undated first and ids by code point on every back end
    # (PostgreSQL puts NULLs last and compares text by the database's collation).
    arts.sort(key=lambda a: (a["published"] is not None, a["published"] or _dt.date.min, a["id"]))
    by_caravan: dict[str, list[dict]] = {}
    for o in obs:
        by_caravan.setdefault(o["caravan_id"], []).append(_observation_dict(o))
    out_articles = []
    for a in arts:
        d = {"id": a["id"], "path": a["path"], "title": a["title"], "outlet": a["outlet"],
             "published": a["published"].isoformat() if a["published"] else None, "url": a["url"]}
        if with_text:
            d["text"] = a["text"]
        out_articles.append(d)
    out_caravans = []
    for c in cars:
        d = {k: c[k] for k in ("id", "label", "name", "size_low", "size_high")}
        d.update(organizers=c["organizers"] or [], origins=c["origins"] or [], articles=c["articles"] or [],
                 renamed=bool(c["renamed"]), position=c["position"], observations=by_caravan.get(c["id"], []))
        out_caravans.append(d)
    out_caravans.sort(key=lambda c: c["position"])
    return {"articles": out_articles, "caravans": out_caravans,
            "toponyms": [{"article": t["article_id"], "start": t["start"], "end": t["end"], "text": t["text"],
                          "kind": t["kind"], "name": t["name"], "lat": t["lat"], "lon": t["lon"],
                          "country_code": t["country_code"]} for t in tops]}


def _observation_dict(r: dict) -> dict:
    place = None
    if r["place_text"] is not None:
        label = None
        if r["resolved"]:
            from gazetteer import Place
            label = Place(r["place_name"], r["lat"], r["lon"], r["country_code"] or "", r["admin1"], r["kind"] or "city").label
        place = {"text": r["place_text"], "start": r["place_start"], "end": r["place_end"], "name": r["place_name"],
                 "lat": r["lat"], "lon": r["lon"], "country_code": r["country_code"], "admin1": r["admin1"],
                 "kind": r["kind"], "label": label, "resolved": bool(r["resolved"])}
    return {
        "id": r["id"], "article": r["article_id"], "role": r["role"],
        "date": r["date"].isoformat() if r["date"] else None, "date_precision": r["date_precision"],
        "date_text": r["date_text"], "size_low": r["size_low"], "size_high": r["size_high"],
        "size_text": r["size_text"], "size_qualifier": r["size_qualifier"], "place": place,
        "evidence": {"article": r["article_id"], "start": r["evidence_start"], "end": r["evidence_end"],
                     "text": r["evidence_text"]},
        "also": r["also"] or [],
        "fact": r["fact_key"],
        "rejected": bool(r["rejected"]),
        "corrections": r["corrections"] or [],
        "confidence": r["confidence"] if r["confidence"] is not None else 1.0,
        "confidences": r["confidences"] or {},
    }

