"""The `caravan-atlas` command line.

    caravan-atlas geocode "Del Rio, Texas" [--country US] [--limit 5] [--json]
    caravan-atlas geoparse seeds/000_8cc5013a2fc87902.txt [--json]     # "-" reads stdin
    caravan-atlas extract seeds/*.txt [--published YYYY-MM-DD] [--json]
    caravan-atlas ingest seeds/ [--store URL] [--json]
    caravan-atlas build-index [--force] [--json]

Conventions that every subcommand keeps:

- `--json` prints exactly one JSON document on stdout and nothing else; progress and
  logs go to stderr (`-q` silences them).
- Bad input raises `CliError("<what>: <problem>")`. `main()` catches it in one place and
  prints ONE line, `caravan-atlas: error: <what>: <problem>`, on stderr, with no
  traceback, and exits 2 (`EXIT_USAGE`), as argparse does for usage errors.
- "Nothing found" is an answer, not an error: the result is printed and the exit code
  is 1 (`EXIT_NOT_FOUND`), like grep.
- Text input goes through `read_text_input(path)`, which accepts "-" for stdin and
  turns a missing file, a folder, a binary or non-UTF-8 file, or empty text into a
  `CliError` naming the file.

Adding a subcommand: write `cmd_x(args) -> int` and `add_x(sub, common)`, which
registers it with `sub.add_parser(..., parents=[common])` and
`set_defaults(func=cmd_x)`, then append `add_x` to `SUBCOMMANDS`. Import heavy
packages inside `cmd_x`, after the input has been checked, so that bad input fails fast
and one broken package does not take the other subcommands down.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import re
import stat
import sys
import time
from pathlib import Path
from typing import Any, Callable

from caravan_atlas import __version__

PROG = "caravan-atlas"
EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
STDIN = "-"
STDIN_LABEL = "<stdin>"
# The same limit as for articles (and uploads): geoparse of 50 MB took 69 s and 4.5 GB.
from journeys.articles import MAX_BYTES  # noqa: E402  (stdlib only: cheap to import)

log = logging.getLogger("caravan_atlas")


class CliError(Exception):
    """Bad input or an unusable environment, told to the user as one line.

    The message should name the thing (a file, an option) and the problem:
    `CliError("seeds/x.txt: file not found")`.
    """

    exit_code = EXIT_USAGE


# -- shared helpers ------------------------------------------------------------------------

def read_text_input(path: str) -> tuple[str, str]:
    """`(label, text)` of a UTF-8 text file, or of stdin when `path` is "-".

    `label` is the path as given (or "<stdin>"), for messages and JSON output.
    Raises `CliError` for a missing file, a folder, an unreadable, binary or
    non-UTF-8 file, and for empty or whitespace-only text.
    """
    if path == STDIN:
        stream = sys.stdin
        if stream is None or stream.closed:
            raise CliError(f"{STDIN_LABEL}: no standard input to read")
        data = stream.buffer.read(MAX_BYTES + 1) if hasattr(stream, "buffer") else \
            stream.read(MAX_BYTES + 1).encode("utf-8")
        if len(data) > MAX_BYTES:
            raise CliError(f"{STDIN_LABEL}: input is over the {MAX_BYTES}-byte limit")
        return STDIN_LABEL, decode_text(STDIN_LABEL, data)
    if not path:
        raise CliError("empty file name")
    p = Path(path)
    if p.is_dir():
        raise CliError(f"{path}: is a directory, not a text file")
    if not p.exists():
        raise CliError(f"{path}: file not found")
    try:
        # Non-blocking: a FIFO must not wait for a writer; only a regular file is read.
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise CliError(f"{path}: not a regular file (a FIFO, device or socket): refused")
            if st.st_size > MAX_BYTES:
                raise CliError(f"{path}: file is {st.st_size} bytes, over the {MAX_BYTES}-byte limit")
            data = fh.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:  # it grew while we looked
                raise CliError(f"{path}: file is over the {MAX_BYTES}-byte limit")
    except PermissionError:
        raise CliError(f"{path}: permission denied") from None
    except OSError as e:
        raise CliError(f"{path}: cannot read ({e.strerror or e})") from None
    return path, decode_text(path, data)


def decode_text(label: str, data: bytes) -> str:
    """Decode UTF-8 (a leading BOM is dropped) or raise `CliError` naming `label`."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CliError(f"{label}: UTF-16 text; convert it to UTF-8")
    nul = data.find(b"\0")
    if nul >= 0:
        raise CliError(f"{label}: binary file (NUL byte at offset {nul}), expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise CliError(f"{label}: not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})") from None
    if not text:
        raise CliError(f"{label}: empty input" if label == STDIN_LABEL else f"{label}: file is empty")
    if not text.strip():
        raise CliError(f"{label}: only whitespace, no text")
    return text


def emit_json(obj: Any) -> None:
    """The one JSON document a `--json` run prints on stdout."""
    utf8 = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "") == "utf8"
    json.dump(obj, sys.stdout, ensure_ascii=not utf8, indent=2)
    sys.stdout.write("\n")


def _table(rows: list[list[str]], right: set[int] = frozenset(), indent: str = "  ") -> str:
    """Plain aligned columns; the last column is never padded."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))]
        cells[-1] = r[-1]
        lines.append(indent + "  ".join(cells).rstrip())
    return "\n".join(lines)


def _note_index_build() -> None:
    """Say on stderr why the first geocode takes seconds (the index is built once)."""
    from gazetteer.index import index_path

    if not index_path().exists():
        log.info("building the gazetteer index once (about 10 s); `%s build-index` does it ahead of time", PROG)


def _one_line(message: str) -> str:
    return " ".join(message.split("\n")).replace("\r", " ")


# -- geocode -------------------------------------------------------------------------------

def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {n}")
    return n


def _country_code(value: str) -> str:
    """Check `--country` against the gazetteer's countries; suggest the code for a name."""
    from gazetteer import default_gazetteer

    gaz = default_gazetteer()
    code = value.strip().upper()
    if re.fullmatch(r"[A-Z]{2}", code) and gaz.country(code) is not None:
        return code
    hint = ""
    if len(value.strip()) > 2:  # a country's name: say its code
        from gazetteer import COUNTRY, geocode

        guess = geocode(value.strip()).place
        if guess is not None and guess.kind == COUNTRY:
            hint = f" (did you mean --country {guess.country_code}?)"
    raise CliError(f"--country {value!r}: not a two-letter ISO 3166-1 country code{hint}")


def add_geocode(sub, common) -> None:
    p = sub.add_parser(
        "geocode", parents=[common], help="look a place name up in the offline gazetteer",
        description="Best place for a name, with ranked alternatives. Exit code 1 if nothing matches.",
        epilog='example: caravan-atlas geocode "Del Rio, Texas"   |   caravan-atlas geocode Escuintla --country MX',
    )
    p.add_argument("name", nargs="+", metavar="NAME",
                   help='place name, optionally qualified: "Del Rio, Texas", "Tapachula, Chiapas, Mexico"')
    p.add_argument("--country", metavar="CC", help="only places in this country (ISO 3166-1 alpha-2, e.g. MX)")
    p.add_argument("--limit", metavar="N", type=_positive_int, default=5,
                   help="how many places to list, best one included (default: 5)")
    p.set_defaults(func=cmd_geocode)


def cmd_geocode(args: argparse.Namespace) -> int:
    name = " ".join(args.name).strip()
    if not name:
        raise CliError("geocode: empty place name (try: caravan-atlas geocode \"Del Rio, Texas\")")
    _note_index_build()
    country = _country_code(args.country) if args.country is not None else None
    from gazetteer import geocode

    result = geocode(name, country=country, limit=args.limit)
    if args.json:
        emit_json(result.to_dict())
    else:
        print(format_geocode(result, country))
    return EXIT_OK if result.place is not None else EXIT_NOT_FOUND


def format_geocode(result, country: str | None = None) -> str:
    where = f" in {country}" if country else ""
    if result.place is None:
        return f"query: {result.query}\nno place found for {result.query!r}{where}"
    p = result.place
    lines = [
        f"query: {result.query}",
        f"best:  {p.label} ({p.kind}, {p.lat:.5f}, {p.lon:.5f}), confidence {result.confidence:.2f}",
        "",
    ]
    rows = [["#", "place", "kind", "lat", "lon", "population", "conf", "source"]]
    for i, (place, conf) in enumerate([(p, result.confidence)] + [(m.place, m.confidence) for m in result.alternatives], 1):
        source = place.source + (f" #{place.geonameid}" if place.geonameid else "")
        rows.append([str(i), place.label, place.kind, f"{place.lat:.5f}", f"{place.lon:.5f}",
                     f"{place.population:,}", f"{conf:.3f}", source])
    lines.append(_table(rows, right={0, 3, 4, 5, 6}))
    return "\n".join(lines)


# -- geoparse ------------------------------------------------------------------------------

def add_geoparse(sub, common) -> None:
    p = sub.add_parser(
        "geoparse", parents=[common], help="find and resolve the place names in a text file",
        description="Every place mention in a UTF-8 text file: character span, surface text, and the "
                    "place it resolves to (or UNRESOLVED with its candidates).",
        epilog="example: caravan-atlas geoparse seeds/000_8cc5013a2fc87902.txt   |   echo 'From Tapachula.' | caravan-atlas geoparse -",
    )
    p.add_argument("file", metavar="FILE", help='UTF-8 text file; "-" reads standard input')
    p.set_defaults(func=cmd_geoparse)


def cmd_geoparse(args: argparse.Namespace) -> int:
    label, text = read_text_input(args.file)
    _note_index_build()
    from geoparser import geoparse

    toponyms = geoparse(text)
    if toponyms.unread:  # past the geoparser's cap (README, Limits): said, not silently dropped
        log.warning("%s: not geoparsed past character %s, after 100,000 place-name candidates "
                    "(%s characters)", label, f"{toponyms.read_to:,}", f"{toponyms.unread:,}")
    if args.json:
        emit_json({"file": label, "toponyms": [t.to_dict() for t in toponyms]})
    else:
        print(format_geoparse(label, toponyms))
    return EXIT_OK


def format_geoparse(label: str, toponyms) -> str:
    unresolved = sum(1 for t in toponyms if t.place is None)
    demonyms = sum(1 for t in toponyms if t.kind == "demonym")
    head = (f"{label}: {len(toponyms)} toponyms ({len(toponyms) - demonyms} place names, "
            f"{demonyms} demonyms, {unresolved} unresolved)")
    if not toponyms:
        return f"{label}: no toponyms found"
    rows = [["span", "text", "kind", "conf", "resolved to"]]
    for t in toponyms:
        if t.place is not None:
            resolved = f"{t.place.label} ({t.place.kind}, {t.place.lat:.4f}, {t.place.lon:.4f})"
        else:
            labels = "; ".join(m.place.label for m in t.candidates) or "none"
            resolved = f"UNRESOLVED  candidates: {labels}"
        rows.append([f"{t.start}-{t.end}", _one_line(t.text), t.kind, f"{t.confidence:.2f}", resolved])
    return head + "\n" + _table(rows, right={3})


# -- build-index ---------------------------------------------------------------------------

def add_build_index(sub, common) -> None:
    p = sub.add_parser(
        "build-index", parents=[common], help="build the gazetteer cache now (install time)",
        description="Build the offline gazetteer index into its cache file (done automatically on first "
                    "use otherwise). Keeps a cache that is already built and loads, unless --force. "
                    "The cache folder is $CARAVAN_ATLAS_CACHE, else $XDG_CACHE_HOME/caravan-atlas.",
    )
    p.add_argument("--force", action="store_true", help="rebuild even if the cache file is there")
    p.set_defaults(func=cmd_build_index)


def cmd_build_index(args: argparse.Namespace) -> int:
    from gazetteer.index import build_index, index_path, load_index

    path = index_path()
    data = None
    if path.exists() and not args.force:
        try:
            data = load_index(path)
        except Exception as e:  # a truncated or foreign file: build a good one over it
            log.warning("%s: unreadable (%s), rebuilding", path, type(e).__name__)
    seconds = 0.0
    if data is None:
        log.info("building the gazetteer index into %s ...", path)
        t0 = time.perf_counter()
        try:
            build_index(path)
        except OSError as e:
            where = e.filename or path.parent
            raise CliError(f"{where}: cannot write the gazetteer cache ({e.strerror or e}); "
                           "set CARAVAN_ATLAS_CACHE to a writable folder") from None
        seconds = time.perf_counter() - t0
        data = load_index(path)
    info = {
        "path": str(path),
        "built": seconds > 0,
        "seconds": round(seconds, 2),
        "bytes": path.stat().st_size,
        "places": len(data.name),
        "names": len(data.names),
    }
    if args.json:
        emit_json(info)
    else:
        what = f"built in {seconds:.1f} s" if info["built"] else "already built (--force rebuilds)"
        print(f"gazetteer index: {path}\n  {what}; {info['bytes'] / 1e6:.1f} MB, "
              f"{info['places']:,} places, {info['names']:,} names")
    return EXIT_OK


# -- extract / ingest ----------------------------------------------------------------------

def _date_option(value: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def add_extract(sub, common) -> None:
    p = sub.add_parser(
        "extract", parents=[common], help="read articles and print their caravans, stops, sizes and dates",
        description="Read articles (.txt/.md with optional front matter; folders are searched) and print "
                    "the caravans they report, each observation with its evidence. Nothing is stored.",
        epilog="example: caravan-atlas extract seeds/*.txt --json",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="article files or folders")
    p.add_argument("--published", type=_date_option, metavar="YYYY-MM-DD",
                   help="publication date for articles that carry none (relative dates resolve against it)")
    p.set_defaults(func=cmd_extract)


def cmd_extract(args: argparse.Namespace) -> int:
    from journeys.articles import ArticleError, read_article
    from archive.ingest import document, expand

    paths = expand(args.files)
    if not paths:
        raise CliError(f"{' '.join(args.files)}: no article files (.txt, .md, .html) found")
    articles = []
    for p in paths:
        try:
            articles.append(read_article(p, published=args.published))
        except ArticleError as e:
            raise CliError(str(e)) from None
    _note_index_build()
    from journeys.extract import extract_article

    extracted = [extract_article(a) for a in articles]
    for x in extracted:
        if x.unread:  # what the caps left unread is said, not silently dropped
            log.warning("%s", x.unread_note())
    doc = document(extracted)
    if args.json:
        emit_json(doc)
    else:
        print(format_document(doc))
    return EXIT_OK


def format_document(doc: dict) -> str:
    out = [f"{len(doc['articles'])} article(s), {len(doc['caravans'])} caravan(s)"]
    for c in doc["caravans"]:
        size = "size unknown" if c["size_low"] is None else (
            f"{c['size_low']:,}" if c["size_high"] in (None, c["size_low"]) else f"{c['size_low']:,}–{c['size_high']:,}")
        out.append(f"\n{c['label']}  [{size}]  sources: {', '.join(c['articles'])}")
        if c["organizers"]:
            out.append(f"  organizers: {', '.join(c['organizers'])}")
        if c["origins"]:
            out.append(f"  origins: {', '.join(c['origins'])}")
        rows = [["role", "place", "date", "size", "evidence"]]
        for o in c["observations"]:
            place = "-" if o["place"] is None else (o["place"]["label"] or f"{o['place']['text']} (UNRESOLVED)")
            date = "-" if not o["date"] else (o["date"] if o["date_precision"] == "day" else f"{o['date'][:7]} ({o['date_precision']})")
            sz = "-" if o["size_low"] is None else (f"{o['size_low']:,}" if o["size_high"] in (None, o["size_low"]) else f"{o['size_low']:,}–{o['size_high']:,}")
            ev = _one_line(o["evidence"]["text"])
            rows.append([o["role"], place, date, sz, f"{o['article']}:{o['evidence']['start']} {ev[:70]}{'…' if len(ev) > 70 else ''}"])
        out.append(_table(rows))
    return "\n".join(out)


def add_ingest(sub, common) -> None:
    p = sub.add_parser(
        "ingest", parents=[common], help="extract articles into the store the dashboard reads",
        description="Read, extract and store articles (files or folders). Re-ingesting an unchanged article "
                    "is a no-op; the batch is one transaction; a bad file is reported and skipped.",
        epilog="The store is --store URL, else $CARAVAN_ATLAS_STORE (a path or SQLAlchemy URL), "
               "else ~/.local/share/caravan-atlas/store.sqlite. Exit code 2 if any file failed.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="article files or folders")
    p.add_argument("--store", metavar="URL", help="SQLAlchemy URL or SQLite file path of the store")
    p.add_argument("--published", type=_date_option, metavar="YYYY-MM-DD",
                   help="publication date for articles that carry none")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="Dask worker processes on this machine (default: all cores; 0 extracts in this process)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="a running Dask scheduler (tcp://host:8786) to extract on instead of a local cluster")
    p.set_defaults(func=cmd_ingest)


def cmd_ingest(args: argparse.Namespace) -> int:
    from archive.ingest import expand, ingest

    paths = expand(args.paths)
    missing = [str(p) for p in paths if not p.exists()]
    if not paths:
        raise CliError(f"{' '.join(args.paths)}: no article files (.txt, .md, .html) found")
    if missing and len(missing) == len(paths):
        raise CliError(f"{missing[0]}: file not found")
    store = _open_store(args.store)
    _note_index_build()
    n = len(paths)
    seen = [0]

    def progress(p: Path) -> None:
        seen[0] += 1
        if not args.json and not args.quiet and sys.stderr.isatty():
            print(f"\r{PROG}: [{seen[0]}/{n}] {p.name[:60]:<60}", end="", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    if args.workers is not None and args.workers < 0:
        raise CliError(f"--workers {args.workers}: must be 0 or more")
    extractor = None
    if args.scheduler or args.workers != 0:
        from archive.parallel import DaskExtractor

        try:
            extractor = DaskExtractor(scheduler=args.scheduler, workers=args.workers)
        except Exception as e:  # an unreachable scheduler: one line, nothing stored
            raise CliError(f"dask {args.scheduler or 'local cluster'}: cannot start ({_one_line(str(e))[:200]})") from None
    try:
        result = ingest(paths, store, published=args.published, on_file=progress, extractor=extractor)
    finally:
        if extractor is not None:
            extractor.close()
    if not args.json and not args.quiet and sys.stderr.isatty():
        print(file=sys.stderr)
    counts = store.counts()
    if args.json:
        emit_json({**result.to_dict(), "store": store.display_url, "counts": counts,
                   "seconds": round(time.perf_counter() - t0, 2)})
    else:
        print(f"added {len(result.added)}, unchanged {len(result.unchanged)}, failed {len(result.failed)} "
              f"-> {store.display_url}: {counts['articles']} articles, {counts['caravans']} caravans, "
              f"{counts['observations']} observations")
    for path, error in result.failed:
        print(f"{PROG}: error: {_one_line(error) if error.startswith(path) else path + ': ' + _one_line(error)}",
              file=sys.stderr)
    return EXIT_USAGE if result.failed else EXIT_OK


def _open_store(url: str | None):
    from archive.store import Store, default_url, mask_secrets, mask_url

    if url and "://" not in url:
        url = f"sqlite:///{Path(url).resolve()}"
    try:
        url = url or default_url()
        return Store(url)
    except Exception as e:  # a bad URL or an unreachable database: one line, nothing touched
        # The URL may hold a password: never echoed, in the URL or in the driver's message.
        shown = mask_url(url) if url else "(default)"
        raise CliError(f"store {shown}: cannot open ({mask_secrets(_one_line(str(e)), url or '')[:200]})") from None


def add_reextract(sub, common) -> None:
    p = sub.add_parser(
        "reextract", parents=[common], help="read every stored article again with this version's extractor",
        description="Re-run extraction on every article in the store (after an upgrade) and rebuild the "
                    "caravans; editors' corrections are re-applied, and any that no longer find their "
                    "fact are listed.",
    )
    p.add_argument("--store", metavar="URL", help="SQLAlchemy URL or SQLite file path of the store")
    p.set_defaults(func=cmd_reextract)


def cmd_reextract(args: argparse.Namespace) -> int:
    store = _open_store(args.store)
    _note_index_build()
    t0 = time.perf_counter()
    n = store.reextract()
    lost = [c for c in store.corrections() if not c["matched"]]
    info = {"articles": n, "counts": store.counts(), "seconds": round(time.perf_counter() - t0, 2),
            "corrections": len(store.corrections()), "unmatched_corrections": lost, "store": store.display_url}
    if args.json:
        emit_json(info)
    else:
        print(f"re-extracted {n} articles in {info['seconds']} s -> {info['counts']['caravans']} caravans; "
              f"{info['corrections']} corrections re-applied, {len(lost)} without their fact")
        for c in lost:
            print(f"  correction #{c['id']} ({c['action']} by {c['editor']}, {c['created_at']}) found nothing")
    return EXIT_OK


# -- main ----------------------------------------------------------------------------------

SUBCOMMANDS: list[Callable] = [add_geocode, add_geoparse, add_extract, add_ingest, add_reextract, add_build_index]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Caravan Atlas: news articles about migrant caravans -> an evidence-backed map.",
        epilog="Exit codes: 0 ok, 1 nothing found, 2 bad input or usage.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--json", action="store_true", help="print only JSON on stdout")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    # The same options after the subcommand; SUPPRESS keeps them from undoing the ones above.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print only JSON on stdout (logs go to stderr)")
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                        help="no progress messages on stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in SUBCOMMANDS:
        add(sub, common)
    return parser


def _setup_logging(quiet: bool) -> None:
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(f"{PROG}: %(message)s"))
        log.addHandler(handler)
        log.propagate = False
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    # Other packages' loggers (gazetteer.online, ...): warnings and up, on stderr.
    if not logging.getLogger().handlers:
        logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format=f"{PROG}: %(name)s: %(message)s")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version, usage errors (argparse prints them)
        return e.code if isinstance(e.code, int) else (EXIT_OK if e.code is None else EXIT_USAGE)
    _setup_logging(args.quiet)
    try:
        return args.func(args)
    except CliError as e:
        sys.stdout.flush()
        print(f"{PROG}: error: {_one_line(str(e))}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `caravan-atlas geoparse x.txt | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    raise SystemExit(main())
