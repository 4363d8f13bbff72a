"""From news articles to caravan journeys: who left where, when, how many, with evidence.

    articles.read_article -> extract.extract_article -> join.join -> store.Store
"""
