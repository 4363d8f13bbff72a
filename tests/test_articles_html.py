"""Saved web pages (.html) as articles: body by trafilatura, metadata from the page."""
import datetime as dt

import pytest

from journeys.articles import ArticleError, read_article
from journeys.extract import extract_article

PAGE = """<!doctype html><html><head>
<title>Caravan leaves Tapachula | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2023-11-08T10:00:00Z">
<link rel="canonical" href="https://example.org/caravan">
<script>alert("page script")</script></head>
<body><nav>Home | World | Sports</nav>
<article><h1>Caravan leaves Tapachula</h1>
<p>About 3,000 migrants left Tapachula on Monday, bound for Mexico City, organizers said.</p>
<p>The group walked north along the coastal highway toward Huixtla.</p></article>
<footer>Copyright 2023 Example News</footer></body></html>"""


def test_html_page_body_and_metadata(tmp_path):
    f = tmp_path / "caravan.html"
    f.write_text(PAGE, encoding="utf-8")
    a = read_article(f)
    assert a.title == "Caravan leaves Tapachula"
    assert a.outlet == "Example News"
    assert a.published == dt.date(2023, 11, 8)
    assert a.url == "https://example.org/caravan"
    assert "About 3,000 migrants left Tapachula" in a.text
    assert "alert" not in a.text and "Home | World" not in a.text and "Copyright" not in a.text
    x = extract_article(a)
    dep = [o for c in x.caravans for o in c.observations if o.role == "departure"]
    assert dep and dep[0].place.text == "Tapachula" and dep[0].date == dt.date(2023, 11, 6)


def test_html_page_without_article_text_is_refused(tmp_path):
    f = tmp_path / "empty.html"
    f.write_text("<html><head><title>x</title></head><body><nav>Home</nav></body></html>", encoding="utf-8")
    with pytest.raises(ArticleError) as e:
        read_article(f)
    assert "empty.html" in str(e.value) and "no article text" in str(e.value)
