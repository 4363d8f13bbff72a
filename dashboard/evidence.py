"""The evidence panel: the source article with the sentence highlighted, every source of a
stop, and the caravan legend/summary cards. Everything from the document is escaped."""
from __future__ import annotations

import html
from urllib.parse import urlparse

from journeys.terms import UNKNOWN_OUTLET

from . import assets
from .journey import ROLE_LABEL, Atlas, Stop, article_title, fmt_date, fmt_int, stop_size
from .layers import vagueness

MAX_TEXT = 200_000  # characters of article text shown (the evidence is always inside the window)


_asset = assets.text


def e(text) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def safe_url(url) -> str | None:
    """Only http(s) links are shown as links (no javascript:, data:, ...)."""
    if not url or not isinstance(url, str):
        return None
    p = urlparse(url.strip())
    return url.strip() if p.scheme in ("http", "https") and p.netloc else None


def article_window(text: str, start: int, end: int, limit: int = MAX_TEXT) -> tuple[str, int, int, bool, bool]:
    """The part of a (possibly huge) text to show: all of it, or `limit` characters around
    the evidence. Returns (text, start, end, cut_before, cut_after) with offsets into it."""
    n = len(text)
    start, end = max(0, min(start, n)), max(0, min(end, n))
    if end < start:
        start, end = end, start
    if n <= limit:
        return text, start, end, False, False
    a = max(0, min(start - limit // 2, n - limit))
    b = min(n, a + limit)
    return text[a:b], start - a, end - a, a > 0, b < n


def article_html(article: dict | None, start: int, end: int, quote: str | None = None) -> str:
    """The article text (escaped, line breaks kept) with the evidence span in <mark>.
    If the stored offsets do not match the quoted sentence, the quote is searched for."""
    text = (article or {}).get("text") or ""
    if quote and text[start:end] != quote:
        k = text.find(quote)
        if k >= 0:
            start, end = k, k + len(quote)
    body, s, t, cut_a, cut_b = article_window(text, start, end)
    before, mark, after = body[:s], body[s:t], body[t:]
    return ("<div class='ca-article' data-mark='1'>" + ("… " if cut_a else "") + e(before)
            + f"<mark class='ca-evidence'>{e(mark)}</mark>" + e(after) + (" …" if cut_b else "") + "</div>")


def source_line(atlas: Atlas, ev: dict) -> str:
    art = atlas.articles_by_id.get(ev.get("article")) or {}
    bits = [art.get("outlet") or UNKNOWN_OUTLET]
    if art.get("published"):
        bits.append(art["published"])
    return " · ".join(bits)


def panel_header_html(atlas: Atlas, stop: Stop, source_index: int) -> str:
    caravan = atlas.caravans_by_id[stop.caravan_id]
    sources = stop.sources
    n_art = len({s.get("article") for s in sources})
    ev = sources[min(source_index, len(sources) - 1)]
    art = atlas.articles_by_id.get(ev.get("article"))
    url = safe_url((art or {}).get("url"))
    when = "" if stop.planned else fmt_date(stop.date, stop.date_precision)
    facts = [x for x in (e(ROLE_LABEL.get(stop.role, stop.role)), e(when),
                         e(stop_size(stop) + " people") if stop_size(stop) else "") if x]
    notes = "".join(f"<div class='ca-note'>{e(n)}</div>" for n in vagueness(stop))
    if stop.has_place and not stop.located:
        notes += "<div class='ca-note'>This place name could not be located, so it is not on the map.</div>"
    if getattr(stop, "rejected", False):
        notes += "<div class='ca-note ca-rejected'>An editor marked this fact as wrong: it is kept here, not drawn.</div>"
    link = (f"<a href='{e(url)}' target='_blank' rel='noopener noreferrer'>open the original article ↗</a>"
            if url else "<span class='ca-muted'>no link to the original in the source data</span>")
    srcs = "".join(
        f"<li class='{'ca-current' if k == source_index else ''}'><span class='ca-src-meta'>{e(source_line(atlas, s))}"
        f"</span><br>“{e(s.get('text', ''))}”</li>" for k, s in enumerate(sources))
    return f"""
<div class='ca-panel'>
 <div class='ca-stop-head'><span class='ca-chip' style='background:{e(caravan.color)}'>{e(caravan.letter)}</span>
  <b>Stop {e(stop.ref)}</b> · {e(stop.place_display)}</div>
 <div class='ca-facts'>{' · '.join(facts)}</div>
 <div class='ca-muted'>{e(caravan.label)}</div>
 {notes}
 <div class='ca-art-title'>{e(article_title(art))}</div>
 <div class='ca-art-meta'>{e(source_line(atlas, ev))} · {link}</div>
 <details class='ca-sources' {'open' if len(sources) > 1 else ''}><summary>{len(sources)} sentence{'s' if len(sources) != 1 else ''} saying this, in {n_art} article{'s' if n_art != 1 else ''}</summary><ol>{srcs}</ol></details>
</div>"""


PANEL_CSS = "\n<style>\n" + _asset("css/panel.css") + "</style>\n"

# Scrolls each article box to its highlighted sentence (runs in the page, reads nothing from
# the document: the article text itself goes through st.html's sanitiser, escaped).
SCROLL_JS = "\n<script>\n" + _asset("js/scroll_evidence.js") + "</script>\n"


def history_html(rows: list[dict]) -> str:
    """Who corrected this fact, when, and what (rows from `editing.history_rows`)."""
    if not rows:
        return "<div class='ca-history ca-muted'>No corrections: this fact is as extracted.</div>"
    items = "".join(
        f"<li><span class='ca-src-meta'>{e(r['when'])} · {e(r['who'])}</span> — {e(r['what'])}"
        + (f" <span class='ca-muted'>(“{e(r['note'])}”)</span>" if r.get("note") else "") + "</li>" for r in rows)
    return (f"<details class='ca-sources ca-history' open><summary>{len(rows)} correction{'s' if len(rows) != 1 else ''}"
            f" to this fact</summary><ul>{items}</ul></details>")


def legend_html(atlas: Atlas, caravan_ids: list[str], counts: dict) -> str:
    items = []
    for cid in caravan_ids:
        c = atlas.caravans_by_id[cid]
        outlets = sorted({atlas.articles_by_id.get(a, {}).get("outlet") or "?" for a in c.articles})
        items.append(f"<span><span class='ca-chip' style='background:{e(c.color)}'>{e(c.letter)}</span>"
                     f"{e(c.label)} <span class='ca-muted'>({e(', '.join(outlets))}; "
                     f"{counts.get(cid, 0)} stop{'s' if counts.get(cid, 0) != 1 else ''})</span></span>")
    return "<div class='ca-cards'>" + "".join(items) + "</div>" if items else ""


def _place_when(s: Stop | None) -> str:
    if s is None:
        return "—"
    return f"{e(s.place_display)}, {e(fmt_date(s.date, s.date_precision))} <span class='ca-muted'>({e(s.ref)})</span>"


def summary_html(summary: dict) -> str:
    # One line per (size, outlet): the first sentence quoted, repeats counted.
    grouped: dict = {}
    for r in summary["size_reports"]:
        grouped.setdefault((r["size"], r["outlet"], r["published"]), []).append(r)
    reports = "".join(
        f"<li><b>{e(size)}</b> — {e(outlet)}{', ' + e(pub) if pub else ''} "
        f"<span class='ca-muted'>({e(', '.join(dict.fromkeys(r['stop'] for r in rs)))})</span>: "
        f"“{e(rs[0]['sentence'])}”"
        + (f" <span class='ca-muted'>+ {len(rs) - 1} more sentence{'s' if len(rs) > 2 else ''} saying so</span>"
           if len(rs) > 1 else "") + "</li>"
        for (size, outlet, pub), rs in grouped.items())
    km = summary["distance_km"]
    dist = f"{fmt_int(round(km))} km" if km else "—"
    if summary["km_per_day"]:
        speed = f"{summary['km_per_day']:.0f} km/day over {summary['days']} days"
        if summary["approximate"]:
            speed += " (approximate: some dates are month-only or missing)"
    elif summary["days"] == 0 and summary["distance_km"]:
        speed = "— (the dates reported do not tell how long it took)"
    else:
        speed = "— (needs two dated places)"
    return f"""
<table class='ca-summary'>
<tr><th>Size</th><td>{e(summary['size'])}</td></tr>
<tr><th>Set out</th><td>{_place_when(summary['departure'])}</td></tr>
<tr><th>Last reported</th><td>{_place_when(summary['last'])}</td></tr>
<tr><th>Distance</th><td>{dist} along the reported route (straight lines between places)</td></tr>
<tr><th>Pace</th><td>{e(speed)}</td></tr>
<tr><th>Sources</th><td>{summary['n_sources']} article{'s' if summary['n_sources'] != 1 else ''}, {summary['n_stops']} fact{'s' if summary['n_stops'] != 1 else ''}</td></tr>
</table>
{('<details class="ca-sources" open><summary>Who said how many</summary><ul>' + reports + '</ul></details>') if reports else ''}
"""


def summary_row(summary: dict) -> dict:
    """One caravan's summary as a table row (when there are too many for cards)."""
    def pw(st):
        return f"{st.place_display}, {fmt_date(st.date, st.date_precision)}" if st else ""
    return {"Caravan": f"{summary['letter']} · {summary['label']}", "Size": summary["size"],
            "Set out": pw(summary["departure"]), "Last reported": pw(summary["last"]),
            "Distance (km)": round(summary["distance_km"]) if summary["distance_km"] else None,
            "km/day": round(summary["km_per_day"], 1) if summary["km_per_day"] else None,
            "Articles": summary["n_sources"]}


def facts_table_html(rows: list[dict], columns: list[str], limit: int = 1000) -> str:
    """The facts as a plain HTML table (a screen reader reads it cell by cell, with headers),
    every cell escaped."""
    def cell(v) -> str:
        if v is None:
            return ""
        return f"{v:.4f}" if isinstance(v, float) else e(v)
    head = "".join(f"<th scope='col'>{e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{cell(r.get(c))}</td>" for c in columns) + "</tr>" for r in rows[:limit])
    more = (f"<p class='ca-muted'>The first {limit:,} of {len(rows):,} facts; the downloads have them all.</p>"
            if len(rows) > limit else "")
    return (f"<div class='ca-facts-wrap'><table class='ca-facts-table'><caption>Reported facts shown on the map, "
            f"{len(rows):,} row{'s' if len(rows) != 1 else ''}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>{more}")
