"""The status rules of posts and pages (archive/status.py), one observation at a time."""

from __future__ import annotations

import pytest

from archive.status import LIVE, Seen, State, Status, page_after, post_after, seen_in

WHEN = "2026-11-20T03:01:00+00:00"
GONE = State(Status.GONE, "2026-01-01T00:00:00+00:00")
TEASER_ONLY = State(Status.TEASER_ONLY)


@pytest.mark.parametrize("http_status, wayback, seen", [
    (200, False, Seen.PAGE), (304, False, Seen.NOT_MODIFIED), (404, False, Seen.MISSING), (410, False, Seen.MISSING),
    (200, True, Seen.WAYBACK), (404, True, Seen.MISSING), (301, False, None), (500, False, None), (503, True, None),
])
def test_what_an_answer_says_about_its_page(http_status, wayback, seen):
    assert seen_in(http_status, wayback=wayback) is seen


def test_a_post_is_gone_from_the_first_miss_and_live_again_when_its_page_answers():
    gone = post_after(LIVE, Seen.MISSING, WHEN)
    assert gone == State(Status.GONE, WHEN)
    assert post_after(gone, Seen.MISSING, "2027-01-01T00:00:00+00:00") == gone  # the first miss is kept
    assert post_after(gone, Seen.PAGE, WHEN) == LIVE
    assert post_after(gone, Seen.NOT_MODIFIED, WHEN) == LIVE


def test_a_wayback_copy_never_revives_a_gone_post_but_lifts_a_teaser_only_one():
    assert post_after(GONE, Seen.WAYBACK, WHEN) == GONE
    assert post_after(TEASER_ONLY, Seen.WAYBACK, WHEN) == LIVE
    assert post_after(LIVE, Seen.WAYBACK, WHEN) == LIVE


def test_a_post_first_found_in_the_wayback_machine_takes_its_pages_status():
    assert post_after(None, Seen.WAYBACK, WHEN, page=GONE) == GONE
    assert post_after(None, Seen.WAYBACK, WHEN, page=LIVE) == LIVE
    assert post_after(None, Seen.WAYBACK, WHEN) == LIVE


def test_a_teaser_makes_a_teaser_only_post_and_never_changes_a_known_one():
    assert post_after(None, Seen.TEASER, WHEN) == TEASER_ONLY
    for known in (LIVE, GONE, TEASER_ONLY):
        assert post_after(known, Seen.TEASER, WHEN) == known


def test_a_miss_leaves_a_teaser_only_post_as_it_is():
    assert post_after(TEASER_ONLY, Seen.MISSING, WHEN) == TEASER_ONLY


def test_a_page_is_live_when_answered_and_gone_from_its_first_404():
    assert page_after(None, Seen.PAGE, WHEN) == LIVE
    assert page_after(None, Seen.MISSING, WHEN) == State(Status.GONE, WHEN)
    assert page_after(GONE, Seen.MISSING, WHEN) == GONE
    assert page_after(GONE, Seen.NOT_MODIFIED, WHEN) == LIVE
    assert page_after(GONE, Seen.WAYBACK, WHEN) == GONE  # an old copy proves nothing about today
    assert page_after(GONE, None, WHEN) == GONE  # a 500 says nothing
    assert page_after(None, None, WHEN) == LIVE
