"""From news articles to caravan journeys: who left where, when, how many, with evidence.

Extraction only, and pure: reads text, writes nothing, and imports nothing of the archive
(`archive/` stores what this package produces); imports only `geoparser` and
`gazetteer` (tests/test_layers.py).

    articles.read_article -> extract.extract_article -> join.join
"""
