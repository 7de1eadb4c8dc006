"""Property tests: random valid tables pass; a random single corruption is caught at its row."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.taxonomy import load_taxonomy
from schemas.validation import validate_submission
from tests.conftest import TODAY
from tests.schemas.helpers import HEADER

TAX = load_taxonomy()
DIMS = list(TAX.dimension_names)
COMBOS = list(itertools.product(*(TAX.codes(d) for d in DIMS)))


@st.composite
def valid_tables(draw: st.DrawFn) -> list[list[str]]:
    """A valid table: distinct code combinations with counts from 0 to 10,000, not all 0."""
    indices = draw(st.lists(st.integers(0, len(COMBOS) - 1), min_size=1, max_size=40, unique=True))
    counts = draw(st.lists(st.integers(0, 10_000), min_size=len(indices), max_size=len(indices)))
    counts[draw(st.integers(0, len(counts) - 1))] = draw(st.integers(1, 10_000))
    return [[*COMBOS[i], str(c)] for i, c in zip(indices, counts, strict=True)]


def _render(rows: list[list[str]], sep: str, upper_header: bool) -> str:
    header = [h.upper() if upper_header else h for h in HEADER]
    return "\n".join(sep.join(r) for r in [header, *rows]) + "\n"


@settings(max_examples=150, deadline=None)
@given(valid_tables(), st.sampled_from([",", ";"]), st.booleans())
def test_validation_random_valid_tables_pass(rows: list[list[str]], sep: str, upper: bool) -> None:
    result = validate_submission(_render(rows, sep, upper), "2026-Q1", "GM0363", today=TODAY)
    assert result.ok, result.records("en")
    assert result.submission is not None
    assert result.submission.total == sum(int(r[-1]) for r in rows)
    assert result.submission.row_count == sum(1 for r in rows if int(r[-1]) > 0)


@settings(max_examples=50, deadline=None)
@given(valid_tables(), st.booleans())
def test_validation_random_tables_of_zeros_are_one_all_zero_issue(
    rows: list[list[str]], nil_return: bool
) -> None:
    zeros = [[*r[:-1], "0"] for r in rows]
    result = validate_submission(
        _render(zeros, ";", False), "2026-Q1", "GM0363", nil_return, today=TODAY
    )
    if nil_return:  # a nil return may list combinations with 0
        assert result.ok and result.submission is not None and result.submission.nil_return
    else:
        assert [(i.row, i.column, i.code) for i in result.issues] == [(None, "count", "all_zero")]


CORRUPTIONS = {
    # kind: (column index or None, replacement builder, expected issue code)
    "unknown_code": "unknown_code",
    "empty_code": "empty_code",
    "bad_count": "bad_count",
    "range": "count_range",
    "duplicate": "duplicate",
}


@settings(max_examples=200, deadline=None)
@given(
    valid_tables().filter(lambda rows: len(rows) >= 2),
    st.data(),
    st.sampled_from(sorted(CORRUPTIONS)),
)
def test_validation_a_single_corruption_is_caught_at_the_right_row(
    rows: list[list[str]], data: st.DataObject, kind: str
) -> None:
    target = data.draw(st.integers(1, len(rows) - 1), label="target row index")
    column: str | None
    bad = [list(r) for r in rows]
    if kind == "duplicate":
        source = data.draw(st.integers(0, target - 1), label="duplicated row index")
        bad[target][:-1] = bad[source][:-1]
        column = None
    elif kind in ("unknown_code", "empty_code"):
        d = data.draw(st.integers(0, len(DIMS) - 1), label="dimension")
        column = DIMS[d]
        bad[target][d] = "XX99_NEP" if kind == "unknown_code" else ""
    else:
        column = "count"
        bad[target][-1] = (
            data.draw(st.sampled_from(["-1", "1.5", "x", "1e2", "", "٣"]))
            if kind == "bad_count"
            else str(data.draw(st.integers(10_001, 10**12)))
        )
    result = validate_submission(_render(bad, ",", False), "2026-Q1", "GM0363", today=TODAY)
    assert [(i.row, i.column, i.code) for i in result.issues] == [
        (target + 2, column, CORRUPTIONS[kind])
    ]
