"""Reading articles (metadata, bad input) and cutting them into sentences."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from journeys import articles
from journeys.articles import Article, ArticleError, read_article, segment

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEVSET = ROOT.parent / "shared" / "devset"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def _seed(prefix: str) -> Article:
    return read_article(next(SEEDS.glob(f"{prefix}_*.txt")))


# ----------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    "prefix, published, outlet",
    [
        ("000", dt.date(2021, 10, 23), "Border Report"),
        ("001", dt.date(2021, 10, 23), "Daily Mail (MailOnline)"),
        ("002", dt.date(2023, 12, 27), "NBC News"),
    ],
)
def test_seeds_read_with_sidecar_metadata(prefix, published, outlet):
    a = _seed(prefix)
    assert a.published == published
    assert a.outlet == outlet
    assert a.id.startswith(prefix + "_") and a.path.endswith(".txt")
    assert re.fullmatch(r"[0-9a-f]{64}", a.content_hash)
    # No front matter in the seeds: the text is the file, byte for byte.
    assert a.text == Path(a.path).read_text(encoding="utf-8")


def test_seed_titles():
    assert _seed("000").title is None  # no title line in the stored text
    assert _seed("001").title == _seed("001").text.splitlines()[0]
    assert _seed("002").title == "Migrant caravan heads toward U.S. southern border ahead of Blinken's trip to Mexico"


def test_seed_metadata_file_covers_every_seed():
    meta = json.loads((SEEDS / "metadata.json").read_text(encoding="utf-8"))
    assert sorted(meta) == [p.name for p in SEED_FILES]


def test_front_matter_is_parsed_and_body_offsets_start_after_it(tmp_path):
    p = tmp_path / "a.md"
    p.write_text(
        "---\ntitle: \"Caravan: day two\"\noutlet: Some Paper\npublished: 2019-01-18\n"
        "url: https://example.org/x\npublished_inferred: true\nauthor: A. Writer\n---\n"
        "Body line one.\nBody line two.\n",
        encoding="utf-8",
    )
    a = read_article(p)
    assert (a.title, a.outlet, a.published, a.url) == (
        "Caravan: day two", "Some Paper", dt.date(2019, 1, 18), "https://example.org/x")
    assert a.meta == {"published_inferred": True, "author": "A. Writer"}
    assert a.text == "Body line one.\nBody line two.\n"
    assert a.id == "a"


def test_metadata_precedence(tmp_path):
    (tmp_path / "metadata.json").write_text(json.dumps({
        "a.txt": {"title": "Sidecar title", "outlet": "Sidecar outlet", "published": "2020-01-01", "extra": 1},
        "b.txt": {"title": "B sidecar", "published": "2020-02-02"},
    }), encoding="utf-8")
    (tmp_path / "a.txt").write_text("---\noutlet: FM outlet\npublished: 2021-05-05\n---\nText.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Text without front matter.", encoding="utf-8")

    a = read_article(tmp_path / "a.txt")
    assert (a.title, a.outlet, a.published, a.meta) == ("Sidecar title", "FM outlet", dt.date(2021, 5, 5), {"extra": 1})
    a = read_article(tmp_path / "a.txt", published=dt.date(2022, 2, 2), metadata={"outlet": "Arg outlet"})
    assert (a.outlet, a.published) == ("Arg outlet", dt.date(2022, 2, 2))
    a = read_article(tmp_path / "a.txt", published="2023-03-03")
    assert a.published == dt.date(2023, 3, 3)
    b = read_article(tmp_path / "b.txt")
    assert (b.title, b.outlet, b.published) == ("B sidecar", None, dt.date(2020, 2, 2))


def test_without_any_metadata_fields_are_none(tmp_path):
    p = tmp_path / "plain.txt"
    p.write_text("Migrants left Tapachula on Saturday.", encoding="utf-8")
    a = read_article(p)
    assert (a.title, a.outlet, a.published, a.url, a.meta) == (None, None, None, None, {})


def test_cp1252_fallback_is_flagged(tmp_path):
    p = tmp_path / "old.txt"
    p.write_bytes("Andrés Manuel López Obrador said the caravan – 3,000 strong – left.".encode("cp1252"))
    a = read_article(p)
    assert "López" in a.text and "–" in a.text
    assert a.meta["encoding"] == "cp1252" and a.meta["encoding_fallback"] is True


def test_utf8_bom_is_accepted(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes("\ufeff---\npublished: 2021-10-23\n---\nText.".encode("utf-8"))
    a = read_article(p)
    assert a.published == dt.date(2021, 10, 23) and a.text == "Text."
    assert "encoding" not in a.meta


def _bad_files(tmp: Path):
    (tmp / "folder.txt").mkdir()
    (tmp / "empty.txt").write_bytes(b"")
    (tmp / "blank.txt").write_text("  \n\n\t \n", encoding="utf-8")
    (tmp / "nul.txt").write_bytes(b"Some text\x00\x01\x02 with NUL bytes")
    (tmp / "controls.txt").write_bytes(bytes(range(1, 9)) * 200 + b"a few letters")
    (tmp / "undecodable.txt").write_bytes(b"Caravan \x81\x8d\x8f\x90\x9d text")
    (tmp / "unclosed.md").write_text("---\ntitle: Never closed\npublished: 2021-10-23\nBody text.\n", encoding="utf-8")
    (tmp / "badline.md").write_text("---\nthis line has no colon\n---\nBody.\n", encoding="utf-8")
    (tmp / "baddate.md").write_text("---\npublished: 2021-13-45\n---\nBody.\n", encoding="utf-8")
    (tmp / "notadate.md").write_text("---\npublished: last Saturday\n---\nBody.\n", encoding="utf-8")
    (tmp / "fmonly.md").write_text("---\ntitle: Only metadata\n---\n\n", encoding="utf-8")
    (tmp / "page.html").write_text("<html>Caravan</html>", encoding="utf-8")  # no article in it
    (tmp / "scan.pdf").write_bytes(b"%PDF-1.4 not an article format")
    with open(tmp / "huge.txt", "wb") as f:
        f.write(b"a" * (articles.MAX_BYTES + 1))


@pytest.mark.parametrize(
    "name, problem",
    [
        ("missing.txt", "not found"),
        ("folder.txt", "directory"),
        ("empty.txt", "empty"),
        ("blank.txt", "empty"),
        ("nul.txt", "binary"),
        ("controls.txt", "binary"),
        ("undecodable.txt", "UTF-8"),
        ("unclosed.md", "never closed"),
        ("badline.md", "front matter"),
        ("baddate.md", "2021-13-45"),
        ("notadate.md", "YYYY-MM-DD"),
        ("fmonly.md", "empty"),
        ("page.html", "no article text"),
        ("scan.pdf", "unsupported"),
        ("huge.txt", "limit"),
    ],
)
def test_bad_input_raises_article_error_naming_the_file(tmp_path, name, problem):
    _bad_files(tmp_path)
    with pytest.raises(ArticleError) as info:
        read_article(tmp_path / name)
    err = info.value
    assert isinstance(err, ValueError)
    assert name in str(err) and problem in str(err)
    assert "\n" not in str(err)


def test_bad_published_argument_raises(tmp_path):
    p = tmp_path / "ok.txt"
    p.write_text("Text.", encoding="utf-8")
    with pytest.raises(ArticleError, match="ok.txt.*2021-02-30"):
        read_article(p, published="2021-02-30")


def test_broken_sidecar_raises(tmp_path):
    (tmp_path / "metadata.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    with pytest.raises(ArticleError, match=r"a\.txt.*metadata\.json"):
        read_article(tmp_path / "a.txt")


# ----------------------------------------------------------------------------- sentences


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_spans_are_exact_and_stripped(path):
    a = read_article(path)
    sents = segment(a.text)
    assert len(sents) > 20
    prev_end = 0
    for s in sents:
        assert a.text[s.start:s.end] == s.text
        assert s.text == s.text.strip() and s.text
        assert s.start >= prev_end  # in order, no overlaps
        prev_end = s.end
        if s.duplicate_of is not None:
            first = sents[s.duplicate_of]
            assert first.duplicate_of is None and first.start < s.start


def test_seed_001_repeated_captions_are_one_fact():
    sents = segment(_seed("001").text)
    around = [i for i, s in enumerate(sents) if s.text.startswith("Around 3,000 migrants trying to pass north")]
    assert len(around) >= 3
    assert sents[around[0]].duplicate_of is None
    assert all(sents[i].duplicate_of == around[0] for i in around[1:])
    # A caption that differs only by a typo ("192,00") repeats the body sentence.
    decrease = [s for s in sents if s.text.startswith("A slight decrease was recorded in September")]
    assert len(decrease) == 3 and decrease[0].duplicate_of is None
    assert all(s.duplicate_of is not None for s in decrease[1:])
    # Sentences that differ in content are not merged.
    asked = [s for s in sents if s.text.startswith("Asked by")]
    assert len(asked) == 2 and all(s.duplicate_of is None for s in asked)


def test_seed_001_captions_and_furniture():
    sents = segment(_seed("001").text)
    by_text = {}
    for s in sents:
        by_text.setdefault(s.text, s)
    cap = by_text["A caravan of migrants, most from Central America, break through a Mexican police barricade in Tapachula, Mexico"]
    assert cap.caption
    assert not sents[0].caption  # the headline
    assert not any(s.caption for s in sents if s.text.startswith("A group of 3,000 migrants"))  # a bullet
    furniture = {s.text for s in sents if s.furniture}
    assert "Advertisement" in furniture
    assert "The comments below have not been moderated." in furniture
    assert "We are no longer accepting comments on this article." in furniture
    assert any(t.startswith("The views expressed in the contents above") for t in furniture)
    assert not any("3,000" in t for t in furniture)


def test_seed_002_furniture_and_credits():
    sents = segment(_seed("002").text)
    furniture = {s.text for s in sents if s.furniture}
    assert "IE 11 is not supported." in furniture
    assert "Get more newsLiveon" in furniture
    assert "Edgar Hernandez Clemente / AP" in furniture
    assert "Roberto Schmidt / AFP via Getty Images" in furniture  # glued to "Dec. 20."
    dec20 = next(s for s in sents if "Dec. 20" in s.text)
    assert dec20.text.endswith("on Dec. 20.") and dec20.caption and not dec20.furniture
    sunday = next(s for s in sents if s.text == "Migrants depart from Tapachula, Mexico, on Sunday.")
    assert sunday.caption
    assert not any(s.furniture for s in sents if "7,500" in s.text)


def test_seed_000_quotes_and_abbreviations():
    sents = [s.text for s in segment(_seed("000").text)]
    assert "But some of the migrants themselves have said they intend to reach the U.S. border." in sents
    # One sentence per quoted exclamation run, not one per word.
    assert any(t.startswith("The images show a throng") and t.endswith("“Libertad!") for t in sents)
    assert "Libertad! (Freedom! Freedom!)”" in sents


def test_abbreviations_initials_and_bullets():
    text = (
        "  • Mr. Smith met Sen. Jones in the U.S. Capitol on Dec. 20 at 5 a.m. local time.\n"
        "Speaker Mike Johnson, R-La., sent a letter. The letter cited No. 5 of the rules.\n"
        "Photo by Edgar H. Clemente. It ran in the U.S. The caravan left.\n"
        "They reached Oct. The end."
    )
    sents = [s.text for s in segment(text)]
    assert sents == [
        "Mr. Smith met Sen. Jones in the U.S. Capitol on Dec. 20 at 5 a.m. local time.",
        "Speaker Mike Johnson, R-La., sent a letter.",
        "The letter cited No. 5 of the rules.",
        "Photo by Edgar H. Clemente.",
        "It ran in the U.S.",
        "The caravan left.",
        "They reached Oct.",
        "The end.",
    ]


def test_hard_wrapped_lines_are_joined_and_crlf_is_kept():
    text = "The caravan left Tapachula\r\non Saturday morning. It\r\nwas large.\r\n\r\nNew paragraph."
    sents = segment(text)
    assert [s.text for s in sents] == [
        "The caravan left Tapachula\r\non Saturday morning.", "It\r\nwas large.", "New paragraph."]
    assert all(text[s.start:s.end] == s.text for s in sents)


def test_segment_handles_odd_input():
    assert segment("") == []
    assert segment("\n\n   \n") == []
    assert [s.text for s in segment("...")] == []
    assert [s.text for s in segment("No punctuation at all")] == ["No punctuation at all"]


@pytest.mark.skipif(not (DEVSET / "labels.json").is_file(), reason="devset not available")
def test_devset_quotes_fall_inside_single_sentences():
    """Every labelled stop quote is a sentence; the segmenter must not cut through it."""
    total = inside = 0
    for d in json.loads((DEVSET / "labels.json").read_text(encoding="utf-8")):
        a = read_article(DEVSET / "articles" / d["file"])
        sents = segment(a.text)
        for c in d["caravans"]:
            for st in c["stops"]:
                pos = a.text.find(st["text"])
                assert pos >= 0
                total += 1
                inside += any(s.start <= pos and pos + len(st["text"]) <= s.end for s in sents)
    print(f"\ndevset stop quotes inside one sentence: {inside}/{total}")
    assert total > 50 and inside / total >= 0.95
