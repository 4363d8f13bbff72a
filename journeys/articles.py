"""Reading news articles and cutting them into sentences.

The text layer of the journeys extractor: `read_article` turns a file into an
`Article` (body text + metadata) — `parse_article` does the same for a file's bytes
already in memory (an upload), `article_from_text` for text given with its fields
(pasted) — and `segment` cuts the body into `Sentence`s with
exact character spans and flags for page furniture, captions and repeats.

Every character offset anywhere in the project refers to `Article.text`, the body
exactly as read after the front matter, so evidence quotes can always be located
again in the stored file.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

MAX_BYTES = 10_000_000  # the dashboard's upload limit too
NEAR_DUPLICATE_LIMIT = 5_000  # sentences; beyond this only exact repeats are flagged
# Longer "sentences" (a line of 100,000 figures, a page without punctuation) are cut at a
# space into pieces this long: everything read per sentence then costs the same per byte.
MAX_SENTENCE = 2_000
NEAR_DUPLICATE_CANDIDATES = 32  # the latest earlier sentences of similar length compared with each one
NEAR_DUPLICATE_MAX_WORDS = 100  # longer "sentences" are not captions printed twice: compared exactly only
SIDECAR_NAME = "metadata.json"
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
HTML_SUFFIXES = (".html", ".htm")
ARTICLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
_KNOWN_KEYS = ("title", "outlet", "published", "url")


def shown_path(path) -> str:
    """A path fit for a message or a store: bytes that are not UTF-8 in a file name
    (kept by Python as lone surrogates) are shown escaped, `bad\\xff.txt`."""
    s = str(path)
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        s = os.fsencode(s).decode("utf-8", "backslashreplace")
    return s


def utf8_name(path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class ArticleError(ValueError):
    """A file that cannot be read as an article; str() is one line naming the file."""

    def __init__(self, path, message: str):
        self.path = shown_path(path)
        # One line, whatever the cause: callers log it next to many others.
        self.message = " ".join(str(message).split())
        super().__init__(f"{self.path}: {self.message}")


@dataclass
class Article:
    id: str
    path: str
    title: str | None
    outlet: str | None
    published: _dt.date | None
    url: str | None
    meta: dict = field(default_factory=dict)
    text: str = ""
    content_hash: str = ""


# --------------------------------------------------------------------------- reading


def _parse_date(value, path, where: str) -> _dt.date | None:
    """YYYY-MM-DD (a trailing time part is tolerated); anything else is an error."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    s = str(value).strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?", s)
    if not m:
        raise ArticleError(path, f"invalid published date {s!r} in {where} (expected YYYY-MM-DD)")
    try:
        return _dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ArticleError(path, f"invalid published date {s!r} in {where} (no such day)") from None


def _decode(raw: bytes, path) -> tuple[str, str | None]:
    """Text and the fallback encoding used (None for UTF-8)."""
    if b"\x00" in raw:
        # UTF-16/32 or a binary file: neither is an article we can quote from.
        raise ArticleError(path, "binary content (NUL bytes); expected UTF-8 text")
    try:
        return raw.decode("utf-8-sig"), None  # utf-8-sig also reads plain UTF-8
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        # Old Windows exports are common among scraped pages; accepted but flagged,
        # because a wrong guess would silently corrupt quotes.
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise ArticleError(
            path, f"not valid UTF-8 (byte 0x{raw[utf8_error.start]:02x} at offset {utf8_error.start})"
        ) from None


def _looks_binary(text: str) -> bool:
    """Mostly control/unassigned characters: a renamed binary, not prose."""
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(
        1
        for ch in sample
        if (unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\t\n\r\f\v") or ch == "\ufffd"
    )
    return bad / len(sample) > 0.05


_FM_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def _split_front_matter(text: str, path) -> tuple[dict, str]:
    """(front matter dict, body). Front matter only counts at the very start."""
    first = _FM_LINE.match(text)
    if not first or first.group().strip() != "---":
        return {}, text
    lines = []
    pos = first.end()
    while pos < len(text):
        m = _FM_LINE.match(text, pos)
        pos = m.end()
        if m.group().strip() in ("---", "..."):
            break
        lines.append(m.group().strip())
    else:
        # Checked before the lines: a missing closer is the real problem, not the
        # body lines that then look like bad keys.
        raise ArticleError(path, "broken front matter: opening '---' on line 1 is never closed")
    fm: dict = {}
    for lineno, line in enumerate(lines, start=2):
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or not key or " " in key:
            raise ArticleError(path, f"broken front matter line {lineno}: {line[:60]!r} (expected 'key: value')")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif value.lower() in ("true", "false"):
            value = value.lower() == "true"
        elif value.lower() in ("null", "~", ""):
            value = None
        fm[key] = value
    return fm, text[pos:]


def _load_sidecar(path: Path) -> dict:
    """The entry for this file in a `metadata.json` next to it, or {}."""
    sidecar = path.parent / SIDECAR_NAME
    if not sidecar.is_file():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArticleError(path, f"sidecar {sidecar.name} is unreadable: {exc}") from None
    except RecursionError:  # [[[[...]]]] 100,000 deep: the parser's stack, not ours, gives out
        raise ArticleError(path, f"sidecar {sidecar.name} is unreadable: nested too deeply") from None
    if not isinstance(data, dict):
        raise ArticleError(path, f"sidecar {sidecar.name} must map file names to objects")
    entry = data.get(path.name, data.get(path.stem))
    if entry is None:
        return {}
    if not isinstance(entry, dict):
        raise ArticleError(path, f"sidecar {sidecar.name} entry for {path.name} is not an object")
    return entry


class RefusedPath(type(Path())):
    """An entry of a folder that is refused before reading; `refusal` says why. Reading it
    (read_article, identify) raises ArticleError with that reason."""
    refusal = ""


def refused(path, reason: str) -> RefusedPath:
    r = RefusedPath(path)
    r.refusal = reason
    return r


def _kind(mode: int) -> str:
    return ("a FIFO" if stat.S_ISFIFO(mode) else "a character device" if stat.S_ISCHR(mode)
            else "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a folder" if stat.S_ISDIR(mode) else "not a file")


def folder_entries(root) -> list[Path]:
    """The article files in a folder and its subfolders, sorted, plus a RefusedPath for each
    entry that is refused, never silently skipped: a link (to a file or a folder) that
    leads outside the folder, a broken link, anything that is not a regular file (a FIFO
    would block, /dev/zero never ends), and a subfolder that cannot be read."""
    root = Path(root)
    real_root = root.resolve()
    out: list[Path] = []

    def unreadable(err: OSError) -> None:
        out.append(refused(err.filename, f"cannot read folder ({err.strerror or err}); its files were not read"))

    for d, dirs, files in os.walk(root, onerror=unreadable):  # never follows a linked folder
        for name in dirs:
            sub = Path(d) / name
            if sub.is_symlink() and not _inside(sub, real_root):
                out.append(refused(sub, "a link to a folder outside the folder: refused"))
        for name in files:
            f = Path(d) / name
            if f.suffix.lower() not in ARTICLE_SUFFIXES:
                continue
            if f.is_symlink() and not f.exists():
                out.append(refused(f, "a broken link: refused"))
                continue
            try:
                mode = f.stat().st_mode
            except OSError as exc:
                out.append(refused(f, f"cannot read file: {exc.strerror or exc}"))
                continue
            if not stat.S_ISREG(mode):
                out.append(refused(f, f"not a regular file ({_kind(mode)}): refused"))
            elif f.is_symlink() and not _inside(f, real_root):
                out.append(refused(f, "a link to a file outside the folder: refused"))
            else:
                out.append(f)
    return sorted(out)


def _inside(link: Path, real_root: Path) -> bool:
    try:
        return link.resolve(strict=True).is_relative_to(real_root)
    except (OSError, RuntimeError):  # a loop of links
        return False


def _read_bytes(path) -> bytes:
    """The raw bytes of an article file, or ArticleError for what is refused before
    reading: missing, a folder, an unsupported type, not a regular file (a FIFO, a
    device), over MAX_BYTES, an entry its folder refused (RefusedPath)."""
    if getattr(path, "refusal", None):
        raise ArticleError(path, path.refusal)
    p = Path(path)
    if not utf8_name(p):  # its name could be neither stored nor quoted
        raise ArticleError(p, "file name is not valid UTF-8 (rename the file to store it)")
    if not p.exists():
        raise ArticleError(p, "file not found")
    if p.is_dir():
        raise ArticleError(p, "is a directory, not an article file")
    if p.suffix.lower() not in ARTICLE_SUFFIXES:
        raise ArticleError(p, f"unsupported file type {p.suffix or '(none)'!r} (expected .txt, .md or .html)")
    try:
        # Non-blocking: opening a FIFO must not wait for a writer; then only a regular file
        # is read, and never more than the limit (a link to /dev/zero has size 0).
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise ArticleError(p, f"not a regular file ({_kind(st.st_mode)}): refused")
            check_size(st.st_size, p)
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ArticleError(p, f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:  # the file grew between stat and read
        raise ArticleError(p, f"file is over the {MAX_BYTES}-byte limit")
    return raw


def check_size(n: int, path) -> None:
    """The reader's size limit, for a file on disk or bytes that came another way (an upload)."""
    if n > MAX_BYTES:
        raise ArticleError(path, f"file is {n} bytes, over the {MAX_BYTES}-byte limit")


def identify(path) -> tuple[str, str]:
    """(content hash, id) of an article file without parsing it: enough to tell a
    re-ingest from a new article before the (parallel) reading and extraction."""
    return hashlib.sha256(_read_bytes(path)).hexdigest(), Path(path).stem


def _html_article(html: str, path) -> tuple[dict, str]:
    """The article body and metadata of a saved web page, by trafilatura (offline: it
    only parses the HTML it is given). Page title, site name, date and canonical URL
    come from the page's own metadata when present."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    data = doc.as_dict() if hasattr(doc, "as_dict") else (doc or {})
    body = (data.get("text") or "").strip()
    if len(body.split()) < 5:  # a menu or a bare title is not an article
        raise ArticleError(path, "no article text found in the HTML page")
    meta = {"title": data.get("title"), "outlet": data.get("sitename"), "url": data.get("url"),
            "author": data.get("author"), "source_format": "html"}
    if data.get("date"):
        meta["published"] = data["date"][:10]
    return {k: v for k, v in meta.items() if v}, body + "\n"


def _without_nul(v):
    """Metadata with every NUL character dropped (in keys and values, however nested): it
    carries nothing, and PostgreSQL refuses to store one."""
    if isinstance(v, str):
        return v.replace("\x00", "") if "\x00" in v else v
    if isinstance(v, dict):
        return {_without_nul(k): _without_nul(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_without_nul(x) for x in v]
    return v


def read_article(path, *, published=None, metadata: dict | None = None) -> Article:
    """Read one article file (.txt/.md with optional `---` front matter, or a saved .html page).

    Metadata precedence: explicit arguments > front matter > sidecar `metadata.json`
    in the same folder (file name -> {title, outlet, published, url, ...}).
    Raises ArticleError for anything that is not a usable article.
    """
    p = Path(path)
    return parse_article(_read_bytes(path), p, published=published, metadata=metadata,
                         sidecar=lambda: _load_sidecar(p))


def parse_article(raw: bytes, path, *, published=None, metadata: dict | None = None, sidecar=None) -> Article:
    """An article from the bytes of a file named `path` that are in memory already (read
    from disk by `read_article`, or uploaded): every check the reader makes on content
    (encoding, binary, front matter, HTML, empty, dates) and nothing that needs the disk.
    `sidecar()`, when given, returns this file's entry of a `metadata.json` (an upload has none).
    Raises ArticleError naming `path`.
    """
    p = Path(path)
    check_size(len(raw), p)
    decoded, fallback = _decode(raw, p)
    if _looks_binary(decoded):
        raise ArticleError(p, "binary content (mostly non-text characters)")
    if p.suffix.lower() in HTML_SUFFIXES:
        front, body = _html_article(decoded, p)
    else:
        front, body = _split_front_matter(decoded, p)
    if not body.strip():
        raise ArticleError(p, "empty article text" + (" after front matter" if front else ""))

    merged: dict = {}
    for source in (sidecar() if sidecar else {}, front, metadata or {}):  # lowest precedence first
        merged.update({k: v for k, v in source.items() if v is not None})
    merged = _without_nul(merged)
    where = "metadata"
    if published is not None:
        merged["published"], where = published, "published argument"
    elif "published" in (metadata or {}):
        where = "metadata argument"
    elif "published" in front:
        where = "HTML metadata" if front.get("source_format") == "html" else "front matter"
    elif "published" in merged:
        where = f"sidecar {SIDECAR_NAME}"
    pub = _parse_date(merged.get("published"), p, where)

    meta = {k: v for k, v in merged.items() if k not in _KNOWN_KEYS}
    if fallback:
        meta["encoding"] = fallback
        meta["encoding_fallback"] = True  # quotes may be mis-decoded: check before publishing

    def _s(key):
        v = merged.get(key)
        return str(v).strip() or None if v is not None else None

    return Article(
        id=p.stem,
        path=str(p),
        title=_s("title"),
        outlet=_s("outlet"),
        published=pub,
        url=_s("url"),
        meta=meta,
        text=body,
        content_hash=hashlib.sha256(raw).hexdigest(),
    )


def article_from_text(text: str, path, *, title: str | None = None, outlet: str | None = None,
                      published: _dt.date | None = None, url: str | None = None, meta: dict | None = None,
                      content_hash: str) -> Article:
    """An article given as its text and fields, not as a file (pasted into the dashboard).
    The text gets the checks a file's body gets — no NUL characters, not mostly control
    characters, not empty — with the same one-line reasons naming `path`."""
    p = Path(path)
    if "\x00" in text:
        raise ArticleError(p, "binary content (NUL bytes); expected UTF-8 text")
    if _looks_binary(text):
        raise ArticleError(p, "binary content (mostly non-text characters)")
    if not text.strip():
        raise ArticleError(p, "empty article text")
    return Article(id=p.stem, path=str(p), title=title, outlet=outlet, published=published, url=url,
                   meta=_without_nul(dict(meta or {})), text=text, content_hash=content_hash)


# --------------------------------------------------------------------------- sentences


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    furniture: bool = False
    duplicate_of: int | None = None
    caption: bool = False


# Abbreviations after which a period never ends a sentence (titles, "No. 5", ...).
_ABBR_ALWAYS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "sens", "rep", "reps", "gov", "gen", "lt", "col",
    "sgt", "capt", "cmdr", "adm", "maj", "cpl", "pvt", "st", "sr", "jr", "rev", "hon", "pres",
    "supt", "no", "nos", "vol", "fig", "vs", "v", "approx", "est", "ave", "blvd", "mt", "ft",
    "dept", "sra", "sr", "lic", "ing", "gral",
}
# Month abbreviations end a sentence only when no day number follows ("Dec. 20").
_ABBR_MONTH = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
# U.S. state / Mexican state abbreviations ("R-La.", "Tapanatepec, Oax.") and dotted
# acronyms ("U.S.", "a.m."): they end a sentence only before a typical sentence opener.
_ABBR_SOFT = {
    "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan",
    "ky", "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore",
    "pa", "tenn", "tex", "va", "vt", "wash", "wis", "wyo", "oax", "chis", "inc", "corp", "co",
    "ltd", "bros", "etc",
}
_OPENERS = {
    "the", "a", "an", "it", "he", "she", "they", "we", "i", "you", "this", "that", "these",
    "those", "there", "but", "and", "so", "yet", "in", "on", "at", "as", "after", "before",
    "when", "while", "his", "her", "their", "its", "our", "some", "many", "most", "more",
    "officials", "authorities", "however", "meanwhile", "since", "if", "for", "last", "earlier",
}
_TERMINAL = re.compile(r"(?:\.{3}|…|[.!?]+)[\"”’'\)\]]*")
_OPEN_START = re.compile(r"[\"“‘'(\[•|#@¿¡]|[A-ZÀ-ÖØ-Þ0-9]")
_BULLET = re.compile(r"[ \t]*(?:[•·▪◦●■►*]|[-–—](?=\s))[ \t]+")
_WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]+")

# Photo / agency credits: "Edgar H. Clemente / AP", "REUTERS/Jose Torres", "(Photo: AP)".
_AGENCIES = r"(?:AP|AFP|Reuters|REUTERS|Getty Images|EPA|EFE|Xinhua|Bloomberg|Shutterstock|Alamy|Anadolu|NurPhoto|Sipa|Cuartoscuro)"
_CREDIT = re.compile(
    rf"""^(?:
        [(\[|]?\s*(?:photo|image|picture|video|credit|foto)s?\s*(?:credit)?\s*:.*   # Photo: ...
      | [A-ZÀ-Þ][\w.'’-]*(?:\s+[A-ZÀ-Þ][\w.'’-]*){{0,4}}\s*/\s*{_AGENCIES}\b.*      # Name / AP
      | {_AGENCIES}\s*/\s*[A-ZÀ-Þ][\w.'’-]*(?:\s+[A-ZÀ-Þ][\w.'’-]*){{0,4}}\.?       # REUTERS/Name
      | .*\b(?:via\ Getty\ Images|/\ Getty\ Images)\b.*
    )$""",
    re.X | re.I,
)

# Page furniture: browser notices, ads, comment boxes, bylines, share buttons, licences.
_FURNITURE = [
    re.compile(p, re.I)
    for p in (
        r"\b(?:IE|Internet Explorer)\s*\d*\b.*\bnot supported\b",
        r"\bfor an optimal experience\b",
        r"\b(?:upgrade|update|change) your browser\b|\benable javascript\b|\bbrowser (?:is )?not supported\b",
        r"^(?:advertisement|sponsored(?: content)?|story continues below(?: advertisement)?|ad)$",
        r"^(?:get (?:more|the latest)\b.*|sign up\b.*|subscribe\b.*|click here\b.*|read more\b.*|"
        r"continue reading\b.*|share this\b.*|follow us\b.*|download (?:the|our) app\b.*|skip to\b.*|"
        r"most (?:read|popular)\b.*|related(?: articles| stories)?:?.*)$",
        r"\bcomments?\b.*\b(?:have not been moderated|are closed|no longer accepting)\b",
        r"\bno longer accepting comments\b",
        r"\bviews expressed\b.*\b(?:users|readers|do not necessarily)\b",
        r"^(?:share|comments?|print|email|tweet)(?:\s*\(\d+\))?$",
        r"^(?:©|\(c\)\s|copyright\b).*|\ball rights reserved\b",
        r"\blicensed under (?:a |the )?creative commons\b",
        r"^\(?(?:reporting|writing|editing|additional reporting|compiled)\s+by\b.*",
        r"^source:\s*\S.{0,60}$",
    )
]
# One search instead of fourteen per sentence (the patterns are alternatives).
_ANY_FURNITURE = re.compile("|".join(f"(?:{p.pattern})" for p in _FURNITURE), re.I)
_BYLINE = re.compile(r"^by\s+[A-ZÀ-Þ][\w.'’-]*(?:\s+[A-ZÀ-Þ][\w.'’-]*){0,5}$", re.I)
_AGENCY_LINE = re.compile(
    r"^(?:the\s+)?(?:associated press|reuters|agence france-presse|afp|efe|ap)$", re.I
)


@lru_cache(maxsize=4096)  # a long text that repeats its sentences is searched once per sentence
def _is_furniture(text: str) -> bool:
    t = text.strip()
    if _CREDIT.match(t) or _BYLINE.match(t) or _AGENCY_LINE.match(t):
        return True
    return bool(_ANY_FURNITURE.search(t))


def _ends_with_punctuation(text: str, start: int, end: int) -> bool:
    """text[start:end] ends with . ! ? : ; a closing quote or bracket, then only whitespace
    (looked at from the end: a paragraph joined from 5,000 wrapped lines is not read again
    for each one)."""
    j = end
    while j > start and text[j - 1].isspace():
        j -= 1
    return j > start and text[j - 1] in ".!?:;\"”’)"


def _logical_lines(text: str):
    """(start, end, is_bullet) of non-blank lines; a hard-wrapped line that continues
    in lower case on the next line is joined to it (one paragraph, one span)."""
    lines = [(m.start(), m.start() + len(m.group().rstrip("\r\n"))) for m in _FM_LINE.finditer(text)]
    out: list[list] = []
    prev_blank = True
    for s, e in lines:
        seg = text[s:e]
        if not seg.strip():
            prev_blank = True
            continue
        bullet = _BULLET.match(seg)
        if bullet:
            s += bullet.end()
        if (
            out
            and not prev_blank
            and not bullet
            and not out[-1][2]
            and seg.lstrip()[:1].islower()
            and not _ends_with_punctuation(text, out[-1][0], out[-1][1])
        ):
            out[-1][1] = e  # continuation of a wrapped line
        else:
            out.append([s, e, bool(bullet)])
        prev_blank = False
    return [tuple(x) for x in out]


def _inside_short_embedded_quote(line: str, start: int, j: int) -> bool:
    """Punctuation inside a double quote that closes soon and runs on in lower case."""
    before, ahead = line[start:j], line[j:j + 80]
    if "”" in ahead and before.count("“") > before.count("”"):
        close = ahead.index("”")
    elif before.count('"') % 2 == 1 and '"' in ahead:
        close = ahead.index('"')
    else:
        return False
    after = line[j + close + 1:].lstrip(" ,")
    return after[:1].islower()


def _ends_sentence(line: str, i: int, j: int, start: int) -> bool:
    """Is the punctuation line[i:j] (followed by whitespace) a sentence end?

    `line` is one logical line; i, j, start are offsets into it."""
    rest = line[j:].lstrip()
    if not rest:
        return True
    if not _OPEN_START.match(rest):
        return False  # lower-case continuation: "e.g. the", "approx. five"
    if line.count("(", start, i) > line.count(")", start, i):
        return False  # inside parentheses: "(Freedom! Freedom!)"
    if len(_WORD.findall(line[start:i])) < 2:
        return False  # a one-word fragment is never a sentence of its own
    if _inside_short_embedded_quote(line, start, j):
        return False  # reads "Migrants. Peace and justice" as they walk
    punct = line[i:j]
    if not punct.startswith(".") or punct.startswith("..."):
        return True
    token = re.search(r"[^\s\"“‘'(\[]*$", line[start:i]).group()
    low = token.lower()
    next_word = _WORD.match(rest.lstrip("\"“‘'([")) if rest else None
    nxt = next_word.group().lower() if next_word else ""
    if low in _ABBR_ALWAYS:
        return False
    if low in _ABBR_MONTH:
        return not rest[:1].isdigit()
    if re.fullmatch(r"[A-ZÀ-Þ]", token):
        return False  # an initial: "Edgar H. Clemente"
    soft = low in _ABBR_SOFT or re.fullmatch(r"(?:[a-z]\.)+[a-z]", low) or re.fullmatch(r"[rdi]-[a-z]{2,5}", low)
    if soft:
        return nxt in _OPENERS
    return True


def _split_line(text: str, s: int, e: int):
    """Sentence spans (offsets into `text`) inside the logical line text[s:e]."""
    line = text[s:e]
    spans = []
    start = 0
    for m in _TERMINAL.finditer(line):
        i, j = m.start(), m.end()
        if j < len(line) and not line[j].isspace():
            # "...on Dec. 20.Roberto Schmidt / AFP": a credit glued to the caption.
            if line[i] == "." and line[j].isupper() and i > start and _CREDIT.match(line[j:].strip()):
                spans.append((start, j))
                start = j
            continue
        if _ends_sentence(line, i, j, start):
            spans.append((start, j))
            start = j
    spans.append((start, len(line)))
    out = []
    for a, b in spans:
        while a < b and line[a].isspace():
            a += 1
        while b > a and line[b - 1].isspace():
            b -= 1
        while b - a > MAX_SENTENCE:  # a list or a table, not prose: cut at a space
            cut = line.rfind(" ", a + MAX_SENTENCE // 2, a + MAX_SENTENCE)
            cut = cut if cut > a else a + MAX_SENTENCE
            if _WORD.search(line, a, cut):
                out.append((s + a, s + cut))
            a = cut
            while a < b and line[a].isspace():
                a += 1
        if a < b and _WORD.search(line, a, b):
            out.append((s + a, s + b))
    return out


class _CombiningMarks(dict):
    """A str.translate table deleting combining marks, filled as characters are met (a
    Python test per character was most of the cost of reading 10 MB of accented prose)."""

    def __missing__(self, code: int):
        self[code] = None if unicodedata.combining(chr(code)) else code
        return self[code]


_NO_MARKS = _CombiningMarks()


def _normalise(text: str) -> str:
    t = text.casefold()
    if not t.isascii():  # accents off ("México" == "Mexico"); plain ASCII needs no pass
        t = unicodedata.normalize("NFKD", t).translate(_NO_MARKS)
    t = re.sub(r"(?<=\d),(?=\d)", "", t)  # 3,000 == 3000
    return " ".join(re.findall(r"[a-z0-9]+", t))


_SMALL_WORDS = {"the", "a", "an", "and", "of", "to", "in", "on", "at", "that", "which", "is", "are", "was", "were", "has", "have", "s"}
_CALENDAR = re.compile(r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day$|^(?:january|february|march|april|may|june|july|august|september|october|november|december)$")


def _typo_pair(a: str, b: str) -> bool:
    """Same word but for a slip ("befor"/"before", "192000"/"19200")."""
    if a.isdigit() or b.isdigit():
        return a.isdigit() and b.isdigit() and min(len(a), len(b)) >= 3 and (a.startswith(b) or b.startswith(a))
    if _CALENDAR.match(a) and _CALENDAR.match(b):
        return False  # "on Saturday" vs "on Sunday" is another fact
    if min(len(a), len(b)) < 4:
        return False
    return SequenceMatcher(None, a, b).ratio() >= 0.8


def _near_duplicate(a: str, b: str) -> bool:
    """Variants of one sentence: typo-level differences only, no changed facts."""
    wa, wb = a.split(), b.split()
    if min(len(wa), len(wb)) < 6 or abs(len(wa) - len(wb)) > 2:
        return False
    # Cheap first: a few typos change a few words; most sentence pairs share few words.
    sa, sb = set(wa), set(wb)
    if len(sa ^ sb) > 8:
        return False
    # Then the words that differ (a few, cheap to compare) and only then the characters of
    # the whole sentences (costly: lines alike but for their numbers made this quadratic).
    only_a = [w for w in wa if w not in sb]
    only_b = [w for w in wb if w not in sa]
    for w in only_a:
        if w in _SMALL_WORDS:
            continue
        if not any(_typo_pair(w, v) for v in only_b):
            return False
    for w in only_b:
        if w in _SMALL_WORDS:
            continue
        if not any(_typo_pair(w, v) for v in only_a):
            return False
    sm = SequenceMatcher(None, a, b)
    return not (sm.real_quick_ratio() < 0.9 or sm.quick_ratio() < 0.9 or sm.ratio() < 0.9)


_PICTURE_WORDS = re.compile(
    r"\b(?:pictured|is seen|are seen|seen here|pose[sd]?|photographed|left to right|"
    r"\((?:left|right|center|centre|above|below|top|bottom|inset)\))", re.I
)


def _unpunctuated_line(line: str) -> bool:
    """A line-paragraph of 5+ words without final punctuation, not a headline."""
    t = line.strip()
    if len(_WORD.findall(t)) < 5 or re.search(r"[.!?:;\"”’'\)\]…]$", t) or t.isupper():
        return False
    long_words = [w for w in t.split() if len(w) > 3 and w[:1].isalpha()]
    return not (long_words and sum(w[0].isupper() for w in long_words) / len(long_words) >= 0.8)


def segment(text: str) -> list[Sentence]:
    """Split `text` into sentences with exact spans and furniture/caption/duplicate flags."""
    lines = _logical_lines(text)
    normalised: dict[str, str] = {}  # a line is often one sentence, and a long text repeats some

    def _norm(t: str) -> str:
        n = normalised.get(t)
        if n is None:
            n = normalised[t] = _normalise(t)
        return n

    line_norms = [_norm(text[s:e]) for s, e, _ in lines]

    def doubled(k: int) -> bool:
        # Picture captions are often printed twice in a row (gallery + inline copy).
        return any(
            0 <= n < len(lines) and line_norms[n] and (
                line_norms[n] == line_norms[k] or _near_duplicate(line_norms[n], line_norms[k]))
            for n in (k - 1, k + 1)
        )

    sentences: list[Sentence] = []
    first_content_seen = False
    for k, (s, e, bullet) in enumerate(lines):
        line_sents = [Sentence(a, b, text[a:b], furniture=_is_furniture(text[a:b])) for a, b in _split_line(text, s, e)]
        content = [x for x in line_sents if not x.furniture]
        if content:
            line_text = text[content[0].start:content[-1].end]
            # A short Title Case line at the end or after a credit ("San Cristobal Post")
            # is a signature, not news.
            if len(content) == 1 and len(_WORD.findall(line_text)) <= 4 and not re.search(r"[.!?\"”]$", line_text) \
                    and all(w[:1].isupper() for w in line_text.split()) and first_content_seen \
                    and (k == len(lines) - 1 or (sentences and sentences[-1].furniture)):
                content[0].furniture = True
                content = []
        if content:
            # Caption signals: a photo credit on the same line, "(Photo: ...)", picture
            # vocabulary, or an unpunctuated line printed twice (Daily Mail galleries).
            credit_on_line = any(x.furniture and _CREDIT.match(x.text) for x in line_sents)
            is_caption = not bullet and (
                credit_on_line
                or bool(re.search(r"\((?:photo|image|foto)\b|\|\s*photo\s*:", text[s:e], re.I))
                or (first_content_seen and _unpunctuated_line(line_text)
                    and (doubled(k) or bool(_PICTURE_WORDS.search(line_text))))
            )
            for x in content:
                x.caption = is_caption
            first_content_seen = True
        sentences.extend(line_sents)

    # The same fact repeated is one fact: point each repeat at its first occurrence.
    # Near-duplicates are looked for among first occurrences of similar length only
    # (and not at all in very long texts, where the pairwise check would be slow).
    norms = [_norm(x.text) for x in sentences]
    normalised.clear()
    first_by_norm: dict[str, int] = {}
    roots_by_len: dict[int, list[int]] = {}
    fuzzy = len(sentences) <= NEAR_DUPLICATE_LIMIT
    for i, n in enumerate(norms):
        if not n:
            continue
        if n in first_by_norm:
            sentences[i].duplicate_of = first_by_norm[n]
            continue
        nwords = n.count(" ") + 1
        root = None
        if fuzzy and 6 <= nwords <= NEAR_DUPLICATE_MAX_WORDS:
            # The latest NEAR_DUPLICATE_CANDIDATES first occurrences of each similar length:
            # all of them in an article (a few hundred sentences), a bounded number in a
            # long list of alike lines (comparing each with all was quadratic).
            candidates = sorted(j for k in range(nwords - 2, nwords + 3)
                                for j in roots_by_len.get(k, ())[-NEAR_DUPLICATE_CANDIDATES:])[-NEAR_DUPLICATE_CANDIDATES:]
            root = next((j for j in candidates if _near_duplicate(norms[j], n)), None)
        if root is None:
            first_by_norm[n] = i
            roots_by_len.setdefault(nwords, []).append(i)
        else:
            sentences[i].duplicate_of = root
            first_by_norm[n] = root
    return sentences
