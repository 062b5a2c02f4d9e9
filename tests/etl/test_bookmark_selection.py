"""Job bookmark file selection (awsglue/_bookmarks.py), without files: which
files a run reads given the previous state, the run's start time, Glue's
maxBand window and in-band list, maxFilesInBand, boundedFiles/boundedSize,
and a pause run between two runs' states; plus the JDBC key predicates."""
import pytest

from awsglue import _bookmarks
from awsglue._bookmarks import BookmarkError, select_files

BAND = 900_000  # Glue's default maxBand (ms)
T0 = 1_700_000_000_000


def f(path, mtime_ms, size=10):
    return {"path": path, "mtime_ms": mtime_ms, "size": size}


def paths(files):
    return [x["path"] for x in files]


def test_first_run_reads_everything_and_remembers_files_inside_the_band():
    files = [f("old", T0 - 2 * BAND), f("recent", T0 - 1000)]
    selected, state = select_files(files, None, T0)
    assert paths(selected) == ["old", "recent"]
    assert state["watermark_ms"] == T0 - BAND
    assert state["in_band"] == {"recent": T0 - 1000}  # "old" is covered by the watermark


def test_second_run_reads_only_new_and_modified_files():
    files = [f("a", T0 - 2 * BAND), f("b", T0 - 1000)]
    _, state = select_files(files, None, T0)
    later = T0 + 3 * BAND
    files2 = [f("a", T0 - 2 * BAND), f("b", T0 + BAND), f("c", T0 + 2 * BAND)]  # b rewritten
    selected, state2 = select_files(files2, state, later)
    assert paths(selected) == ["b", "c"]
    assert state2["watermark_ms"] == later - BAND
    selected3, _ = select_files(files2, state2, later + 10)
    assert selected3 == []


def test_a_file_in_the_band_is_not_read_twice():
    files = [f("x", T0 - 5000)]
    _, state = select_files(files, None, T0)
    selected, _ = select_files(files, state, T0 + 60_000)  # next run within the band
    assert selected == []


def test_a_file_appearing_late_with_an_mtime_just_before_the_previous_run_is_not_missed():
    _, state = select_files([f("early", T0 - 10_000)], None, T0)
    # Written before run 1 started (mtime T0 - 1 s) but listed only afterwards.
    late = f("late", T0 - 1000)
    selected, _ = select_files([f("early", T0 - 10_000), late], state, T0 + 60_000)
    assert paths(selected) == ["late"]


def test_with_no_band_a_late_file_would_be_missed():
    # The band is what saves it: with maxBand 0 the watermark is the run start.
    _, state = select_files([f("early", T0 - 10_000)], None, T0, max_band_ms=0)
    selected, _ = select_files([f("late", T0 - 1000)], state, T0 + 60_000, max_band_ms=0)
    assert selected == []


def test_bounded_files_reads_the_oldest_first_and_the_rest_next_time():
    files = [f(f"p{i}", T0 - 3 * BAND + i) for i in range(5)]
    selected, state = select_files(files, None, T0, bounded_files=2)
    assert paths(selected) == ["p0", "p1"]
    selected, state = select_files(files, state, T0 + 1, bounded_files=2)
    assert paths(selected) == ["p2", "p3"]
    selected, state = select_files(files, state, T0 + 2, bounded_files=2)
    assert paths(selected) == ["p4"]
    assert select_files(files, state, T0 + 3, bounded_files=2)[0] == []


def test_bounded_size_takes_files_up_to_the_byte_budget_but_at_least_one():
    old = T0 - 3 * BAND
    files = [f("a", old, 60), f("b", old + 1, 50), f("c", old + 2, 10)]
    selected, state = select_files(files, None, T0, bounded_size=100)
    assert paths(selected) == ["a"]  # a + b would be 110 bytes
    selected, state = select_files(files, state, T0, bounded_size=100)
    assert paths(selected) == ["b", "c"]
    huge = [f("big", T0 - 3 * BAND, 10_000)]
    assert paths(select_files(huge, None, T0, bounded_size=100)[0]) == ["big"]


def test_max_files_in_band_defers_the_extra_in_band_files():
    files = [f(f"n{i}", T0 - 100 + i) for i in range(4)] + [f("old", T0 - 2 * BAND)]
    selected, state = select_files(files, None, T0, max_files_in_band=2)
    assert paths(selected) == ["old", "n0", "n1"]
    selected, _ = select_files(files, state, T0 + 1, max_files_in_band=2)
    assert paths(selected) == ["n2", "n3"]


def test_pause_between_two_runs_reads_what_the_second_read_and_the_first_had_not():
    first = [f("a", T0 - 3 * BAND)]
    _, s1 = select_files(first, None, T0)
    second = first + [f("b", T0 + BAND)]
    _, s2 = select_files(second, s1, T0 + 3 * BAND)
    now = second + [f("c", T0 + 4 * BAND)]
    selected, _ = select_files(now, s1, T0 + 6 * BAND, to_state=s2, ranged=True)
    assert paths(selected) == ["b"]


def test_file_limits_read_glue_option_names_case_insensitively_and_check_them():
    assert _bookmarks.file_limits({"maxband": "1000", "BoundedFiles": 3}) == (1000, 1000, 3, None)
    with pytest.raises(BookmarkError, match="boundedSize"):
        _bookmarks.file_limits({"boundedSize": "lots"})
    with pytest.raises(BookmarkError, match="maxFilesInBand"):
        _bookmarks.file_limits({"maxFilesInBand": 0})


def test_key_predicates_for_one_and_several_keys():
    assert _bookmarks.key_predicate(['"id"'], "asc", (["int"], [5]), (["int"], [9])) == \
        '"id" > 5 AND "id" <= 9'
    upto = (["str", "date"], ["x'y", "2024-01-02"])
    assert _bookmarks.key_predicate(['"a"', '"b"'], "desc", None, upto) == \
        "(\"a\", \"b\") >= ('x''y', '2024-01-02')"
    assert _bookmarks.key_predicate(['"id"'], "asc") == ""
    with pytest.raises(BookmarkError, match="asc"):
        _bookmarks.sort_order({"jobBookmarkKeysSortOrder": "up"})
    assert _bookmarks.bookmark_keys({"jobBookmarkKeys": ["k1", "k2"]}) == ["k1", "k2"]
    with pytest.raises(BookmarkError, match="jobBookmarkKeys"):
        _bookmarks.bookmark_keys({"jobBookmarkKeys": []})
