"""Fuzzing the submission reader: arbitrary bytes, arbitrary text in any encoding, and mutated
valid files never raise in ``read_csv``/``validate_submission``, and never give a 500 through the
API. Excel input is fuzzed in ``test_excel_fuzz.py``."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.issues import Issue
from schemas.reading import RawTable, read_csv
from schemas.taxonomy import load_taxonomy
from schemas.validation import MAX_COUNT, validate_submission
from tests.conftest import TODAY
from tests.http.conftest import Service
from tests.reliability.conftest import assert_error_shape

TAX = load_taxonomy()
DIMS = list(TAX.dimension_names)
COMBOS = list(itertools.product(*(TAX.codes(d) for d in DIMS)))
HEADER = [*DIMS, "count"]

#: Examples run per test, reported at the end of the session.
EXAMPLES: Counter[str] = Counter()

pytestmark = pytest.mark.slow

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=list(HealthCheck),  # about speed and size, not about correctness
)
API_FUZZ = settings(FUZZ, max_examples=120)


@pytest.fixture(scope="module", autouse=True)
def _report() -> Any:
    yield
    print(f"\nfuzz examples run: {dict(EXAMPLES)} (total {sum(EXAMPLES.values())})")


def _check_result(data: bytes | str) -> None:
    """The invariants of any outcome: an issue list or a consistent submission, never both."""
    table = read_csv(data)
    assert isinstance(table, RawTable)
    assert all(isinstance(i, Issue) for i in table.issues)
    result = validate_submission(data, "2026-Q1", "GM0363", today=TODAY)
    if result.ok:
        sub = result.submission
        assert sub is not None and not result.issues
        counts = sub.rows["count"].tolist()
        assert all(0 < c <= MAX_COUNT for c in counts)
        assert sub.total == sum(counts)
        for dim in DIMS:
            assert set(sub.rows[dim]) <= set(TAX.codes(dim))
    else:
        assert result.issues
        for issue in result.issues:
            assert issue.row is None or issue.row >= 1
            assert issue.message_nl and issue.message_en
            assert len(issue.value) <= 200


@st.composite
def valid_files(draw: st.DrawFn) -> bytes:
    """A valid submission file, in any of the forms the reader accepts."""
    indices = draw(st.lists(st.integers(0, len(COMBOS) - 1), min_size=1, max_size=15, unique=True))
    counts = draw(st.lists(st.integers(0, MAX_COUNT), min_size=len(indices), max_size=len(indices)))
    sep = draw(st.sampled_from([",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = [sep.join(HEADER)] + [
        sep.join([*COMBOS[i], str(c)]) for i, c in zip(indices, counts, strict=True)
    ]
    text = newline.join(lines) + newline
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    return text.encode(encoding)


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    """A valid file with one to four random edits: bytes inserted, deleted, replaced, lines
    duplicated or swapped, stray quotes and separators, truncation."""
    data = bytearray(draw(valid_files()))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(
            st.sampled_from(["insert", "bloat", "delete", "replace", "dup", "swap", "quote", "cut"])
        )
        pos = draw(st.integers(0, len(data)))
        if op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif op == "bloat":  # a long run: giant numbers, very wide rows, very long cells
            ends = [i for i, b in enumerate(data) if b == ord("\n")]
            if ends and draw(st.booleans()):
                pos = draw(st.sampled_from(ends))  # at the end of a row: in its count
            run = draw(st.sampled_from([b"9", b"0", b",", b";", b'"', b"x"]))
            data[pos:pos] = run * draw(st.sampled_from([2, 100, 4_400]))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 20))]
        elif op == "replace" and pos < len(data):
            data[pos] = draw(st.integers(0, 255))
        elif op in ("dup", "swap"):
            lines = bytes(data).split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if op == "dup":
                lines.insert(i, lines[j])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
        elif op == "quote":
            data[pos:pos] = draw(st.sampled_from([b'"', b'""', b"'", b";", b",", b"\t", b"\r"]))
        elif op == "cut":
            del data[pos:]
    return bytes(data)


@FUZZ
@given(st.binary(max_size=2000))
def test_reader_arbitrary_bytes_never_raise(data: bytes) -> None:
    EXAMPLES["arbitrary bytes"] += 1
    _check_result(data)


@FUZZ
@given(
    st.text(max_size=500),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"]),
)
def test_reader_arbitrary_text_in_any_encoding_never_raises(text: str, encoding: str) -> None:
    EXAMPLES["arbitrary text"] += 1
    _check_result(text.encode(encoding, errors="replace"))
    _check_result(text)


@FUZZ
@given(mutated_files())
def test_reader_mutated_valid_files_never_raise(data: bytes) -> None:
    EXAMPLES["mutated files"] += 1
    _check_result(data)


@API_FUZZ
@given(mutated_files())
def test_submission_api_never_500_on_mutated_files(production: Service, data: bytes) -> None:
    EXAMPLES["mutated files via API"] += 1
    before = len(production.store.list_submissions())
    r = production.client.post(
        "/api/v1/submissions?period=2026-Q1",
        content=data,
        headers=production.headers("own", **{"Content-Type": "text/csv"}),
    )
    assert r.status_code in (201,) or 400 <= r.status_code < 500, r.text[:300]
    after = len(production.store.list_submissions())
    if r.status_code == 201:
        assert after == before + 1
        stored = production.client.get(
            f"/api/v1/submissions/{r.json()['id']}", headers=production.headers("own")
        ).json()
        assert sum(row["count"] for row in stored["data"]) == r.json()["total"]
    else:
        assert_error_shape(r.json())
        assert after == before


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["2026-Q1", "FT01_BRP", "DC01_BRP_ADRES", "ST01_SIGNAAL", "count", "GM0363"])
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=15), inner),
    max_leaves=30,
)
ROW_KEYS = st.sampled_from([*HEADER, "municipality", "period", "aantal", ""]) | st.text(max_size=8)


@st.composite
def json_bodies(draw: st.DrawFn) -> Any:
    """Arbitrary JSON, or an envelope close to a real submission with arbitrary cells."""
    if draw(st.booleans()):
        return draw(JSON_VALUES)
    body: dict[str, Any] = {
        "period": draw(st.sampled_from(["2026-Q1", "2026-Q9", ""]) | JSON_VALUES),
        "rows": draw(st.lists(st.dictionaries(ROW_KEYS, JSON_VALUES, max_size=8), max_size=6)),
    }
    if draw(st.booleans()):
        body["nil_return"] = draw(JSON_VALUES)
    if draw(st.booleans()):
        body["municipality"] = draw(st.sampled_from(["GM0363", "gm0363", "GM0344"]) | JSON_VALUES)
    return body


@st.composite
def json_texts(draw: st.DrawFn) -> bytes:
    """A JSON body as sent: serialised, or with deep nesting or a very long number spliced in."""
    text = json.dumps(draw(json_bodies()), allow_nan=True)
    kind = draw(st.sampled_from(["as is", "as is", "nested", "long number"]))
    if kind == "as is":
        return text.encode()
    if kind == "nested":
        depth = draw(st.sampled_from([10, 900, 1_000, 100_000]))
        inner = "[" * depth + "]" * depth
    else:
        inner = "9" * draw(st.sampled_from([19, 4_300, 4_301, 10_000]))
    if draw(st.booleans()):
        return inner.encode()
    return f'{{"period": "2026-Q1", "rows": [{{"count": {inner}}}]}}'.encode()


@API_FUZZ
@given(json_texts())
def test_submission_api_never_500_on_arbitrary_json(production: Service, body: bytes) -> None:
    EXAMPLES["arbitrary JSON via API"] += 1
    before = len(production.store.list_submissions())
    r = production.client.post(
        "/api/v1/submissions",
        content=body,
        headers=production.headers("own", **{"Content-Type": "application/json"}),
    )
    assert r.status_code == 201 or 400 <= r.status_code < 500, r.text[:300]
    after = len(production.store.list_submissions())
    assert after == before + (1 if r.status_code == 201 else 0)
    if r.status_code != 201:
        assert_error_shape(r.json())
