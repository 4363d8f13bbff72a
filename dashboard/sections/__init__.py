"""The page's sections, one module each, in the order `dashboard/app.py` calls them.

A section takes the view state (`dashboard.session.PageState`, the `ViewState` it yields)
and the data it shows as arguments, draws its widgets, and never imports `app.py`:

- `source`         which store is shown, opened (or one error line); files it could not read
- `sidebar`        the filters, "as of" a date, Earlier / Later / Play, Reset view
- `header`         the title, what a shared link asked that the page ignored, the caption and legend
- `routes_map`     the caravans' map: routes and stops, clicks, zoom and centre kept for the link
- `places_map`     a large view's map of places (per-place totals), clicks
- `evidence_panel` the open stop's sentence in its article (or a large view's open place)
- `summaries`      per-caravan cards (or a large view's table of caravans)
- `facts_table`    the reported facts as a table, the downloads, places named but not located
- `sharing`        the URL kept equal to the view, the share link and the embed code
- `for_editors`    unlocking, corrections, facts marked wrong, adding articles (password-gated)
"""
