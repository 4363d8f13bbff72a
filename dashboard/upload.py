"""Articles people bring: uploaded files and pasted text into the store. Pure Python (no
Streamlit): the app hands over (name, bytes) pairs and form values.

Nothing from the browser is trusted, and nothing of it is written to disk. A file name
only ever contributes a sanitised base name (no folders, no `..`, a known suffix), the
article's path in the store under `(upload)/`; sizes are checked before a file is read;
a file's bytes go through the article reader in memory (`journeys.articles.parse_article`:
encoding, binary content, broken front matter, bad dates — its one-line reasons are passed
on). Pasted text becomes an article from its fields (`article_from_text`), each field one
line, the published date one that exists; its identity is the hash of the `.md` it would
be as a file. `archive.ingest.ingest_articles` stores the batch in one transaction and says
what became of each article. A failed file is never stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlparse

from .editing import BadDate, clean_text, iso_date

MAX_UPLOAD_MB = 10
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_FILES = 50
UPLOAD_TYPES = ("txt", "md", "html", "htm")
MAX_NAME = 80  # characters of the stem kept
MAX_TITLE = 300
MAX_OUTLET = 200
MAX_URL = 2000
UPLOAD_FOLDER = "(upload)"  # an upload's path in the store: its sanitised name here (nothing is written to disk)
_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}


class UploadError(ValueError):
    """An upload refused before reading it; str() is one line for the uploader."""


@dataclass
class Outcome:
    """What happened to one uploaded file or pasted text."""
    name: str  # as the person gave it (shown escaped)
    status: str  # "added" | "unchanged" | "failed"
    message: str  # one line
    article: str | None = None  # the article id in the store


@dataclass
class UploadReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def by(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def added(self) -> list[Outcome]:
        return self.by("added")

    @property
    def unchanged(self) -> list[Outcome]:
        return self.by("unchanged")

    @property
    def failed(self) -> list[Outcome]:
        return self.by("failed")

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.unchanged)} unchanged (already in the atlas)",
                 f"{len(self.failed)} failed"]
        return ", ".join(parts) + "."


# --------------------------------------------------------------------------- names and sizes


def fmt_bytes(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def safe_filename(name) -> str:
    """A base name that is safe to create in our folder: the last path component of
    whatever was sent (either slash), letters/digits/`._-` only, no leading dots, a known
    suffix. Raises UploadError for a type the reader does not take."""
    raw = "" if name is None else str(name)
    base = re.split(r"[\\/]", raw)[-1]
    base = unicodedata.normalize("NFKD", base)
    base = "".join(ch for ch in base if not unicodedata.combining(ch))
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = suffix.lower()
    if suffix not in UPLOAD_TYPES:
        shown = f".{suffix}" if suffix else "(none)"
        raise UploadError(f"unsupported file type {shown[:20]!r}: upload .txt, .md or .html files")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-")[:MAX_NAME].strip("._-")
    return f"{stem or 'upload'}.{suffix}"


def check_upload(name, data: bytes | None = None, size: int | None = None) -> None:
    """Refuse, before anything is written, what can never be an article."""
    size = len(data) if size is None and data is not None else size
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise UploadError(f"file is {fmt_bytes(size)}, over the {MAX_UPLOAD_MB} MB upload limit")
    if size == 0:
        raise UploadError("file is empty (0 bytes)")
    if data is not None:
        for bom, enc in _BOMS.items():
            if data.startswith(bom):
                raise UploadError(f"file is {enc} text; save it as UTF-8 and upload it again")


# --------------------------------------------------------------------------- pasted text


def _one_line(value, limit: int, what: str) -> str | None:
    text = clean_text(value, limit + 1)
    if len(text) > limit:
        raise UploadError(f"the {what} is too long (at most {limit} characters)")
    return text or None


def published_date(value) -> dt.date | None:
    """YYYY-MM-DD that exists, or None for blank; UploadError otherwise."""
    try:
        return iso_date(value)
    except BadDate as e:
        raise UploadError(f"published date {e.text[:40]!r} is not a date (expected YYYY-MM-DD)" if e.problem == "format"
                          else f"published date {e.text!r} does not exist (expected YYYY-MM-DD)") from None


def article_url(value) -> str | None:
    url = _one_line(value, MAX_URL, "link")
    if url is None:
        return None
    p = urlparse(url)
    if p.scheme not in ("http", "https") or not p.netloc:
        raise UploadError("the link must start with http:// or https://")
    return url


def _quoted(value: str) -> str:
    # The reader strips exactly one pair of matching quotes and nothing else, so any one-line
    # value (quotes, colons, '---' and all) comes back as it went in.
    return f'"{value}"'


def pasted_article(body, *, title=None, outlet=None, published=None, url=None) -> str:
    """The `.md` text of a pasted article: safe front matter, then the body as given. Its
    hash is the pasted article's identity (what it always was, when pastes were files)."""
    text, fields = pasted_fields(body, title=title, outlet=outlet, published=published, url=url)
    lines = ["---"]
    for key in ("title", "outlet", "published", "url"):
        value = fields[key]
        if value:
            lines.append(f"{key}: {value.isoformat() if key == 'published' else _quoted(value)}")
    lines.append("source: pasted")
    lines.append("---")
    doc = "\n".join(lines) + "\n" + text
    if len(doc.encode("utf-8", "surrogatepass")) > MAX_UPLOAD_BYTES:
        raise UploadError(f"the pasted text is over the {MAX_UPLOAD_MB} MB limit")
    return doc


def pasted_fields(body, *, title=None, outlet=None, published=None, url=None) -> tuple[str, dict]:
    """(the article text, its fields: title, outlet, published, url) of a pasted article,
    each checked (UploadError): the text as the reader gives back the body of its `.md`."""
    text = "" if body is None else str(body)
    if not text.strip():
        raise UploadError("the pasted article text is empty")
    fields = dict(title=_one_line(title, MAX_TITLE, "title"), outlet=_one_line(outlet, MAX_OUTLET, "outlet"),
                  published=published_date(published), url=article_url(url))
    for value in (text, *fields.values()):
        try:
            str(value).encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: no browser sends them, and no store keeps them
            raise UploadError("the pasted text holds characters that are not valid Unicode") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return (text if text.endswith("\n") else text + "\n"), fields


def pasted_name(title, body) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", str(title or "")).encode("ascii", "ignore")
                  .decode().lower()).strip("-")[:40].strip("-")
    digest = hashlib.sha256(str(body).encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"pasted-{slug or 'article'}-{digest}.md"


# --------------------------------------------------------------------------- into the store


def _unique(name: str, taken: set[str]) -> str:
    stem, _, suffix = name.rpartition(".")
    n, out = 2, name
    while out.lower() in taken:
        out = f"{stem}-{n}.{suffix}"
        n += 1
    taken.add(out.lower())
    return out


def ingest_uploads(store, files: Iterable[tuple] = (), pasted: Iterable[dict] = (),
                   on_progress: Callable[[float, str], None] | None = None) -> UploadReport:
    """Files — (name, bytes), or (name, read, size) with `read()` called only when `size` is
    within the limit — and pasted articles ({body, title, outlet, published, url}) into
    the store. Nothing is written to disk: a file's bytes are read by the article reader
    in memory (`parse_article`, every check it makes on content), a pasted text becomes an
    article from its fields (`article_from_text`), and `archive.ingest.ingest_articles`
    stores them in one transaction, one outcome each. Returns one outcome per item, in
    the order given."""
    from archive.ingest import ingest_articles
    from journeys.articles import ArticleError, article_from_text, check_size, parse_article

    report = UploadReport()
    files, pasted = list(files), list(pasted)
    if len(files) + len(pasted) > MAX_FILES:
        report.outcomes.append(Outcome("(upload)", "failed", f"too many files at once (at most {MAX_FILES})"))
        return report
    progress = on_progress or (lambda f, m: None)
    staged: list[tuple[Outcome, object]] = []  # (an outcome, filled in once stored; its article)
    taken: set[str] = set()
    total = max(1, len(files) + len(pasted))
    batch: dict[str, str] = {}  # content hash -> the name first given with it

    def stage(shown: str, saved: str, digest: str, make, note: str = "") -> None:
        """`make(path)` builds the article (ArticleError when it is none); `path` names it in
        the store: the upload's sanitised name, made unique in this batch."""
        if digest in batch:  # the same bytes twice in one upload: the first one counts
            report.outcomes.append(Outcome(shown, "unchanged", f"unchanged: the same text as {batch[digest]}"))
            return
        batch[digest] = shown
        out = Outcome(shown, "failed", note)
        report.outcomes.append(out)
        try:
            article = make(f"{UPLOAD_FOLDER}/{_unique(saved, taken)}")
        except ArticleError as e:
            out.message = e.message
            return
        staged.append((out, article))

    for k, item in enumerate(files):
        name, data = item[0], item[1]
        shown = str(name if name is not None else "(no name)")[:200]
        progress(k / total / 2, f"Checking {shown}")
        try:
            saved = safe_filename(name)
            if callable(data):  # read only once the size is known to be acceptable
                check_upload(name, size=item[2])
                data = data()
            check_upload(name, data)
        except UploadError as exc:
            report.outcomes.append(Outcome(shown, "failed", str(exc)))
            continue
        notes = [f"saved as {saved}"] if saved != shown else []
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            notes.append("not UTF-8: read as Windows-1252, check accented letters in its quotes")
        stage(shown, saved, hashlib.sha256(data).hexdigest(), lambda path, data=data: parse_article(data, path),
              "; ".join(notes))
    for k, item in enumerate(pasted):
        title = (_one_line(item.get("title"), 10**7, "title") or "")[:80]
        shown = "pasted text" + (f" “{title}”" if title else "")
        progress((len(files) + k) / total / 2, "Checking the pasted text")
        try:
            form = dict(title=item.get("title"), outlet=item.get("outlet"), published=item.get("published"),
                        url=item.get("url"))
            text, fields = pasted_fields(item.get("body"), **form)
            # Its identity is the hash of the `.md` it would be as a file (as it was when pastes
            # were written to disk): the same paste again is recognised in any store.
            raw = pasted_article(item.get("body"), **form).encode("utf-8", "surrogatepass")
        except UploadError as exc:
            report.outcomes.append(Outcome(shown, "failed", str(exc)))
            continue

        def from_paste(path, text=text, fields=fields, raw=raw):
            check_size(len(raw), path)  # the reader's limit on that `.md`, as when it was a file
            return article_from_text(text, path, meta={"source": "pasted"},
                                     content_hash=hashlib.sha256(raw).hexdigest(), **fields)

        stage(shown, pasted_name(item.get("title"), item.get("body")), hashlib.sha256(raw).hexdigest(), from_paste)
    if not staged:
        return report

    seen = [0]
    names = {a.path: out.name for out, a in staged}

    def on_extracted(path: str) -> None:
        seen[0] += 1
        progress(0.5 + 0.45 * seen[0] / len(staged), f"Reading {names.get(path, path)}")

    results = ingest_articles([a for _, a in staged], store, on_extracted=on_extracted)
    progress(1.0, "Done")
    for (out, _), res in zip(staged, results):
        note = out.message
        if res.status == "failed":
            out.status, out.message = "failed", res.reason
            continue
        if res.status == "added":
            out.status, out.message, out.article = "added", "added", res.article
        else:
            out.status = "unchanged"
            out.message = ("unchanged: the same text as another file in this upload" if res.same_as is not None
                           else "unchanged: the same text is already in the atlas")
        if note:
            out.message += f" ({note})"
    return report
