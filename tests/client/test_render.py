"""What a person reads: grouped, capped problem tables and receipts."""

from __future__ import annotations

from client.api import Receipt
from client.render import group_issues, issue_lines, receipt_lines, row_ranges, table
from tests.client.conftest import receipt


def _issue(row: int | None, column: str = "count", message: str = "bad", value: str = "-1") -> dict:
    return {"row": row, "column": column, "value": value, "message": message, "code": "c"}


def test_row_ranges_collapse_runs() -> None:
    assert row_ranges([5, 6, 7, 8, 9, 12]) == "5–9, 12"
    assert row_ranges([3]) == "3"
    assert row_ranges([9, 3, 4, 3]) == "3–4, 9"
    assert row_ranges(list(range(2, 40, 2)), limit=3) == "2, 4, 6, … (+16)"


def test_group_issues_by_column_and_message_in_first_seen_order() -> None:
    records = [
        _issue(5),
        _issue(6),
        _issue(7, "stage", "unknown"),
        _issue(9),
        _issue(None, None, "empty"),
    ]
    groups = group_issues(records)
    assert [(g["column"], g["rows"]) for g in groups] == [
        ("count", [5, 6, 9]),
        ("stage", [7]),
        ("", []),
    ]
    assert groups[2]["file"] is True


def test_issue_lines_group_repeats_in_one_line() -> None:
    records = [_issue(r) for r in (5, 6, 7, 8, 9, 12)] + [_issue(3, value="x", message="nan")]
    lines = issue_lines(records, "en")
    assert lines[0].split() == ["row", "column", "value", "message"]
    assert lines[2].split() == ["5–9,", "12", "count", "-1", "bad"]
    assert lines[3].split() == ["3", "count", "x", "nan"]
    assert len(lines) == 4


def test_issue_lines_are_capped_with_the_total_and_a_hint() -> None:
    records = [_issue(r, message=f"problem {r}") for r in range(2, 52)]
    lines = issue_lines(records, "nl", limit=20)
    assert len(lines) == 2 + 20 + 1
    assert "30 regels" in lines[-1] and "50 problemen" in lines[-1] and "--json" in lines[-1]


def test_issue_lines_show_a_few_distinct_values() -> None:
    records = [_issue(r, value=v) for r, v in zip(range(2, 7), "abcde", strict=True)]
    assert "a, b, c, …" in issue_lines(records, "en")[2]


def test_table_pads_all_but_the_last_column() -> None:
    assert table(("a", "bb"), [("xxx", "y")]) == ["a    bb", "---  --", "xxx  y"]


def test_receipt_lines_say_replay_and_verification() -> None:
    fresh = Receipt.from_json(receipt(sha256="a" * 64))
    text = "\n".join(receipt_lines(fresh, "en"))
    for part in (
        "Received",
        "sub-1",
        "version",
        "combinations with a count",
        "total",
        "a" * 64,
        "received at",
        "replay",
    ):
        assert part in text
    replay = Receipt.from_json(receipt(sha256="a" * 64), replayed=True)
    assert "Already received" in receipt_lines(replay, "en")[0]
    mismatch = Receipt(**{**fresh.__dict__, "sent_sha256": "b" * 64})
    assert "differs from your file" in "\n".join(receipt_lines(mismatch, "en"))
    match = Receipt(**{**fresh.__dict__, "sent_sha256": "a" * 64})
    assert "gelijk aan wat lekstat verstuurde" in "\n".join(receipt_lines(match, "nl"))
