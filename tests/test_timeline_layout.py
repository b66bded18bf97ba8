"""The Qt-free timeline layout: axis, precision marks, stacking, aggregation, conflicts, hits."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from tests.story_factory import day_span, make_large_story, minute_span, sample_story
from viewer.model import Article, Event, Story
from viewer.show import palette
from viewer.show.timeline_layout import (
    LayoutOptions,
    Rect,
    TimelineIndex,
    choose_tick_unit,
    clamp_range,
    conflict_gap_days,
    default_title,
    format_gap,
    layout_story,
    layout_timeline,
)


def day(y: int, m: int, d: int, hour: int = 0) -> float:
    return dt.date(y, m, d).toordinal() + hour / 24


@pytest.fixture(scope="module")
def story() -> Story:
    return sample_story()


@pytest.fixture(scope="module")
def large_index() -> TimelineIndex:
    return TimelineIndex(make_large_story(20_000, 20, seed=1))


def no_overlaps(rects: list[Rect]) -> bool:
    return not any(a.intersects(b) for a, b in itertools.combinations(rects, 2))


# ---------------------------------------------------------------------- axis


def test_two_centuries_get_decade_or_century_ticks():
    layout = layout_story(sample_story(), LayoutOptions(width=1200, time_range=(day(1850, 1, 1), day(2050, 1, 1))))
    assert layout.tick_unit in ("decade", "century")
    years = [int(t.label) for t in layout.ticks]
    assert all(y % 10 == 0 for y in years) and len(years) >= 5


def test_two_days_get_hour_ticks():
    rng = (day(2019, 1, 10), day(2019, 1, 12))
    narrow = layout_story(sample_story(), LayoutOptions(width=1200, time_range=rng))
    wide = layout_story(sample_story(), LayoutOptions(width=2600, time_range=rng))
    assert narrow.tick_unit in ("6h", "hour")
    assert wide.tick_unit == "hour"
    assert all(t.label.endswith(":00") for t in wide.ticks)
    assert [c.label for c in wide.context][:1] == ["Thu 10 January 2019"]


@pytest.mark.parametrize("span_days", [0.1, 0.5, 2, 9, 40, 200, 800, 4000, 40_000, 300_000])
@pytest.mark.parametrize("width", [400, 1200, 3000])
def test_axis_labels_never_overlap_and_stay_inside(span_days, width):
    layout = layout_story(sample_story(), LayoutOptions(width=width, time_range=(day(2000, 3, 7), day(2000, 3, 7) + span_days)))
    for row in (layout.ticks, layout.context):
        rects = [t.label_rect for t in row]
        assert no_overlaps(rects)
        assert all(layout.axis_rect.x <= r.x and r.right <= layout.axis_rect.right + 0.01 for r in rects)
    assert layout.ticks, f"no tick labels for {span_days} days at {width}px"


def test_tick_unit_gets_coarser_as_the_range_grows():
    order = ["hour", "6h", "day", "week", "month", "quarter", "year", "5y", "decade", "century"]
    units = [choose_tick_unit(span, 1000, lambda t, s, b: len(t) * s * 0.6).name
             for span in (0.5, 3, 20, 100, 400, 1500, 5000, 15000, 40000, 200000)]
    ranks = [order.index(u) if u in order else len(order) for u in units]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1]


# ------------------------------------------------------------- marks by precision


def test_month_events_are_bars_over_the_month_and_day_events_are_points(story):
    layout = layout_story(story, LayoutOptions(width=1600, time_range=(day(2018, 8, 1), day(2019, 2, 20))))
    september = next(m for m in layout.marks if m.event_id and m.event_id.startswith("000:") and m.precision == "month"
                     and m.x0 < layout.x_of(day(2018, 10, 1)))
    assert september.kind == "soft"
    assert september.x0 == pytest.approx(layout.x_of(day(2018, 9, 1)))
    assert september.x1 == pytest.approx(layout.x_of(day(2018, 10, 1)))
    assert september.rect.x == pytest.approx(september.x0) and september.rect.right == pytest.approx(september.x1)
    january_10 = next(m for m in layout.marks if m.event_id and m.event_id.startswith("002:") and m.precision == "day")
    assert january_10.kind == "point"
    assert january_10.centre[0] == pytest.approx(layout.x_of(day(2019, 1, 10, 12)))
    sun_range = next(m for m in layout.marks if m.label.startswith("The Sun joins"))
    assert sun_range.kind == "range"


def test_publication_markers_distinguish_estimated_from_stated(story):
    layout = layout_story(story, LayoutOptions(width=1600, height=None))
    kinds = {m.article_id: m.kind for m in layout.marks if m.event_id is None}
    assert kinds["003"] == "pub_stated"
    assert {kinds[a] for a in ("000", "001", "002", "004")} == {"pub_estimated"}


def test_undated_events_are_counted_not_drawn(story):
    layout = layout_story(story, LayoutOptions(width=1600, height=None))
    undated = {e.id for e in story.events if e.when is None or not e.when.is_anchored}
    assert len(undated) == 3
    assert layout.undated == 3 and "3 events without a date" in layout.subtitle
    assert not undated & {m.event_id for m in layout.marks}


def test_lane_colours_follow_article_order(story):
    layout = layout_story(story, LayoutOptions(width=1600))
    assert [lane.colour for lane in layout.lanes] == [palette.source_colour(i) for i in range(5)]
    assert [lane.label for lane in layout.lanes][:2] == ["Windsor Star", "Middle East Eye"]
    for mark in layout.marks:
        assert mark.colour == palette.source_colour(int(mark.article_id))


def test_cluster_lanes_have_one_lane_per_cluster_plus_other_events(story):
    layout = layout_story(story, LayoutOptions(width=1600), lanes="cluster")
    assert [lane.key for lane in layout.lanes] == ["c-coup", "c-caliphate", "c-desert", ""]
    coup_lane = {m.event_id for m in layout.marks if m.lane == 0 and m.event_id}
    assert coup_lane == {e.id for e in story.events if e.cluster_id == "c-coup"}


# -------------------------------------------------------------------- stacking


@pytest.mark.parametrize("span", [3650, 365, 30, 2, 0.2])
def test_marks_and_their_labels_never_overlap_within_a_lane(large_index, span):
    t0 = day(2014, 6, 1)
    layout = layout_timeline(large_index, LayoutOptions(width=1600, height=900, time_range=(t0, t0 + span)))
    for lane_no in range(len(layout.lanes)):
        rects = [m.rect for m in layout.marks if m.lane == lane_no]
        rects += [m.label_rect for m in layout.marks if m.lane == lane_no and m.label_rect]
        rects += [b.rect for b in layout.badges if b.lane == lane_no]
        assert no_overlaps(rects)
        lane = layout.lanes[lane_no].rect
        assert all(lane.y <= r.y and r.bottom <= lane.bottom + 0.01 for r in rects)


def test_sample_story_labels_fit_and_do_not_overlap_at_many_widths(story):
    for width in (500, 900, 1536, 2560):
        layout = layout_story(story, LayoutOptions(width=width, height=None))
        labels = [m.label_rect for m in layout.marks if m.label_rect]
        assert labels, "the sample story should show event labels"
        assert no_overlaps(labels + [m.rect for m in layout.marks])
        assert all(layout.plot.x <= r.x and r.right <= layout.plot.right + 0.01 for r in labels)
        lane_labels = [r for lane in layout.lanes for r in (lane.label_rect, lane.sublabel_rect) if r]
        assert all(r.right <= layout.plot.x for r in lane_labels)
        legend = [e.text_rect for e in layout.legend] + [e.swatch for e in layout.legend]
        assert no_overlaps(legend) and all(r.right <= width for r in legend)


# ------------------------------------------------------------------ aggregation


def crowded_story(n: int = 3000) -> Story:
    """``n`` minute-precise events over ten days in one source."""
    article = Article("a", "a.txt", "", outlet="Crowded Gazette", published=dt.date(2020, 1, 11),
                      published_from="text")
    start = dt.datetime(2020, 1, 1)
    events = [Event(f"a:{i}:0", "a", "s", 0, 1, f"event {i}",
                    when=minute_span("t", start + dt.timedelta(minutes=i * 4.8)))
              for i in range(n)]
    return Story(articles=[article], events=events)


def visible_event_count(index: TimelineIndex, t0: float, t1: float) -> int:
    return sum(1 for lo, hi, _ in index.spans.values() if lo < t1 and hi > t0)


def test_crowds_aggregate_into_badges_that_open_when_zooming_in():
    index = TimelineIndex(crowded_story())
    overview = layout_timeline(index, LayoutOptions(width=1200, height=300))
    assert overview.badges and sum(b.count for b in overview.badges) > 2000
    t0 = day(2020, 1, 5, 12)
    close = layout_timeline(index, LayoutOptions(width=1200, height=300, time_range=(t0, t0 + 2 / 24)))
    assert close.badges == []
    assert len([m for m in close.marks if m.event_id]) == visible_event_count(index, t0, t0 + 2 / 24)


@pytest.mark.parametrize("span", [3650, 120, 5, 0.3])
def test_every_visible_event_is_either_a_mark_or_counted_in_a_badge(large_index, span):
    t0 = day(2013, 2, 1)
    layout = layout_timeline(large_index, LayoutOptions(width=1600, height=900, time_range=(t0, t0 + span)))
    shown = len([m for m in layout.marks if m.event_id]) + sum(b.count for b in layout.badges)
    assert shown == visible_event_count(large_index, t0, t0 + span)


def test_badge_event_ids_match_its_count(large_index):
    layout = layout_timeline(large_index, LayoutOptions(width=1600, height=900))
    for badge in layout.badges[:30]:
        ids = layout.badge_event_ids(badge)
        assert len(ids) == badge.count == len(set(ids))


# -------------------------------------------------------------------- conflicts


def test_conflict_link_joins_both_sides_with_the_gap_in_words(story):
    layout = layout_story(story, LayoutOptions(width=1600, height=None))
    [link] = [lk for lk in layout.links if lk.conflict_id == "x-coup-time"]
    coup = {e.id for e in story.events if e.cluster_id == "c-coup"}
    assert set(link.event_ids) == coup
    assert link.label == "~4 months apart"
    assert sorted(side for _, _, side in link.ends) == [0, 0, 1, 1, 1]
    lanes_joined = {layout.lane_at(y) for _, y, _ in link.ends}
    assert lanes_joined == {0, 1, 2, 3, 4}
    for x, y, _ in link.ends:  # each spoke starts on a conflict-marked placement
        assert any(m.in_conflict and m.rect.contains(x, y, 0.5) for m in layout.marks)
    assert link.label_rect is not None
    assert not any(link.label_rect.intersects(m.rect) for m in layout.marks)


def test_format_gap_uses_words_people_use():
    assert format_gap(3, approximate=False) == "3 days apart"
    assert format_gap(1, approximate=False) == "1 day apart"
    assert format_gap(117, approximate=True) == "~4 months apart"
    assert format_gap(0.25, approximate=False) == "6 hours apart"
    assert format_gap(21, approximate=False) == "~3 weeks apart"
    assert format_gap(800, approximate=True) == "~2 years apart"


def test_gap_label_and_inspector_explanation_use_one_definition(story):
    """Middle of one side's date to the middle of the other's, as the explanation text says."""
    index = TimelineIndex(story)
    [conflict] = [c for c in story.conflicts if c.id == "x-coup-time"]
    gap = conflict_gap_days(index, conflict)
    september_mid, january_mid = day(2018, 9, 1) + 15, day(2019, 1, 10) + 0.5
    assert gap == pytest.approx(january_mid - september_mid)
    assert "4 months" in conflict.explanation and format_gap(gap, True) == "~4 months apart"
    assert format_gap(conflict.gap_days, True) != "~4 months apart"  # the edge gap would disagree


def test_default_title_names_the_most_reported_disputed_event(story):
    assert default_title(story) == "Coup attempt against al-Baghdadi"
    widest = max(story.clusters, key=lambda c: len(set(c.article_ids)))
    quiet = [c for c in story.clusters if c is not widest]
    # a wider cluster without a conflict does not win over the disputed one
    wide = type(widest)("c-wide", "everyone reports the weather", [], widest.article_ids + ["zzz"])
    assert default_title(Story(story.articles, story.events, [wide, *story.clusters], story.conflicts)) \
        == "Coup attempt against al-Baghdadi"
    # without conflicts: the most reported cluster
    assert default_title(Story(story.articles, story.events, [*quiet, wide], [])) == "Everyone reports the weather"
    assert default_title(Story(story.articles, story.events, [], [])) == "Timeline"


def test_subtitle_counts_sources_events_and_conflicts_by_kind(story):
    layout = layout_story(story, LayoutOptions(width=1600))
    assert f"{len(story.articles)} sources" in layout.subtitle
    assert f"{len(story.events)} events" in layout.subtitle
    assert "2 conflicts (1 time, 1 place)" in layout.subtitle


def test_a_three_day_gap_between_day_precise_reports(story):
    events = [e for e in story.events if e.cluster_id == "c-coup"]
    events[0].when = day_span("on January 7", 2019, 1, 7)
    events[1].when = day_span("on January 7", 2019, 1, 7)
    layout = layout_story(story, LayoutOptions(width=1600, time_range=(day(2018, 12, 20), day(2019, 2, 1))))
    assert [lk.label for lk in layout.links] == ["3 days apart"]
    sample_story_again = sample_story()  # the module fixture must stay pristine for other tests
    story.events[:] = sample_story_again.events


# ------------------------------------------------------------------ hit-testing


def test_item_at_and_items_in_rect(story):
    layout = layout_story(story, LayoutOptions(width=1600, time_range=(day(2018, 8, 1), day(2019, 2, 20))))
    point = next(m for m in layout.marks if m.kind == "point" and m.event_id)
    hit = layout.item_at(*point.centre)
    assert hit is not None and hit.kind == "event" and hit.event_ids == (point.event_id,)
    assert layout.item_at(layout.plot.x + 1, layout.plot.bottom - 1) is None
    everything = layout.items_in_rect(layout.plot)
    assert everything == {m.event_id for m in layout.marks if m.event_id}
    link = layout.links[0]
    hit = layout.item_at(link.label_rect.x + 2, link.label_rect.y + 2)
    assert hit.kind == "conflict" and len(hit.event_ids) == 5


def test_selection_flags_marks(story):
    chosen = frozenset({story.events[2].id})
    layout = layout_story(story, LayoutOptions(width=1600, selected=chosen))
    assert {m.event_id for m in layout.marks if m.selected} == set(chosen)


def test_visible_range_is_clamped_to_the_zoom_limit_and_the_calendar():
    lo, hi = clamp_range(100.0, 100.0)
    assert hi - lo == pytest.approx(2 / 24)
    lo, hi = clamp_range(-1e9, 1e9)
    assert lo >= 1 and hi <= dt.date(9999, 12, 31).toordinal()


def test_an_empty_story_lays_out():
    layout = layout_story(Story(), LayoutOptions(width=800, height=400))
    assert layout.lanes == [] and layout.marks == [] and layout.ticks
