"""The sidebar's filters: caravans, dates of events, minimum size, outlets, certainty; "as
of" a date with Earlier / Later / Play; Reset view. Their widgets write the session state
that `PageState.view()` reads on the next run."""
from __future__ import annotations

import time

import streamlit as st

from archive import views
from archive.views import Catalogue

from .. import overview, reads
from ..session import PageState
from ..state import MAX_MIN_SIZE, ViewState

CARAVAN_OPTIONS = 1000  # a large archive's caravan list: the most reported ones the filters match
PLAY_EVERY = 1.5  # seconds per reported date while playing


def filters(page: PageState, cat: Catalogue, location: str, fp: str, view: ViewState, step_dates: list):
    """The filters. Returns the container the share link goes in."""
    sb = st.sidebar
    sb.header("Filters")
    if cat.large:
        # Thousands of caravans: offer the most reported of those the other filters match,
        # plus the ones chosen (a list of every caravan would outweigh the map).
        pool = views.most_reported(reads.matching(location, fp, view.with_(caravans=())), CARAVAN_OPTIONS)
        chosen = set(page.caravans)
        keep = set(pool) | chosen
        options = [cid for cid in cat.caravans_by_id if cid in keep]
        help_text = (f"The {len(pool):,} most reported caravans that the other filters match "
                     f"(of {len(cat.caravans_by_id):,}); narrow the dates to find others, or click a place on the map.")
    else:
        options, help_text = list(cat.caravans_by_id), None
    sb.multiselect("Caravans", options=options, format_func=lambda cid: overview.title(cat.caravans_by_id[cid]),
                   key=PageState.caravans.key, placeholder="All caravans", help=help_text)
    if cat.date_min and cat.date_max and cat.date_min < cat.date_max:
        sb.slider("Dates of events", min_value=cat.date_min, max_value=cat.date_max,
                  key=PageState.dates.key, format="D MMM YYYY",
                  help="The dates the articles give for what happened (left, passed, reached, a size counted).")
        sb.caption("When things happened, as the articles date them — not when the articles were published.")
    sb.number_input("Minimum size (people)", min_value=0, max_value=MAX_MIN_SIZE, step=500, key=PageState.min_size.key,
                    help="Caravans whose largest reported size is at least this many people.")
    sb.multiselect("Outlets", options=cat.outlets, key=PageState.outlets.key, placeholder="All outlets",
                   help="Only facts reported by these outlets.")
    sb.slider("Hide facts read with less certainty than", min_value=0.0, max_value=1.0, step=0.05,
              key=PageState.min_confidence.key, format="%.2f",
              help="Each place, size and date was read from the text with a confidence (0–1). "
                   "At 0 every fact is shown; those below 0.5 are drawn faded.")
    if cat.date_min and cat.date_max and cat.date_min < cat.date_max:
        sb.subheader("As of a date")
        sb.toggle("Show where each caravan was on a date", key=PageState.as_of_on.key)
        sb.slider("As of", min_value=cat.date_min, max_value=cat.date_max, key=PageState.as_of.key,
                  format="D MMM YYYY", disabled=not page.as_of_on)
        b1, b2 = sb.columns(2)
        b1.button("◀ Earlier", on_click=_step_as_of, args=(step_dates, -1), width="stretch",
                  help="The previous date reported for the caravans shown")
        b2.button("Later ▶", on_click=_step_as_of, args=(step_dates, 1), width="stretch",
                  help="The next date reported for the caravans shown")
        sb.button("⏸ Pause" if page.playing else "▶ Play", on_click=_toggle_play, args=(step_dates,),
                  width="stretch", key="play", help="Moves the date through the reported dates of the caravans shown, "
                                                    f"one every {PLAY_EVERY:g} s")
    sb.button("Reset view", on_click=_reset, args=(cat,))
    return sb.container()


def _reset(cat: Catalogue) -> None:
    PageState().reset(cat)


def _step_as_of(dates: list, direction: int) -> None:
    page = PageState()
    cur = page.as_of or dates[-1]
    if not page.as_of_on:
        cur = dates[-1] if direction < 0 else dates[0]
        pick = [d for d in dates if (d <= cur if direction < 0 else d >= cur)]
    else:
        pick = [d for d in dates if (d < cur if direction < 0 else d > cur)]
    if pick:
        page.as_of = pick[-1] if direction < 0 else pick[0]
    page.as_of_on = True


def _toggle_play(dates: list) -> None:
    page = PageState()
    if page.playing:
        page.playing = False
        return
    if not dates:
        return
    if not page.as_of_on or (page.as_of or dates[-1]) >= dates[-1]:
        page.as_of = dates[0]  # from the start of the shown caravans' period
    page.as_of_on = True
    page.playing = True
    page.play_at = time.monotonic()


def play(page: PageState, dates: list) -> None:
    """While playing, the player steps the date (a fragment rerun on its own clock)."""
    if page.playing:
        _player(dates)


@st.fragment(run_every=PLAY_EVERY)
def _player(dates: list) -> None:
    """While playing: every PLAY_EVERY seconds the next reported date, then a full rerun."""
    page = PageState()
    if not page.playing:
        return
    if time.monotonic() - page.play_at < PLAY_EVERY * 0.8:
        return  # this call came with a full run (the page was just drawn for the last step)
    later = [d for d in dates if d > (page.as_of or dates[-1])]
    page.play_at = time.monotonic()
    if later:
        page.as_of = later[0]
    if len(later) <= 1:
        page.playing = False  # the last date: stop there
    st.rerun()
