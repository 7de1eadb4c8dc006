"""A corpus of hostile and broken files sent to the real API: each gets a clear 4xx error in the
one error shape, and nothing is stored.

Excel files are fuzzed in ``test_excel_fuzz.py``: the service takes JSON and CSV, and only the
client reads Excel (``client/files.py``).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.http.conftest import Service
from tests.reliability.conftest import CSV_HEADER, CSV_ROW, assert_error_shape

GOOD_ROW = CSV_ROW.format(count=1)
CSV_SEMI = CSV_HEADER.replace(",", ";")


def _with_count(count: str) -> bytes:
    return (CSV_HEADER + CSV_ROW.format(count=count)).encode()


def _with_code(code: str) -> bytes:
    row = GOOD_ROW.replace("FT01_BRP", code, 1)
    return (CSV_HEADER + row).encode()


def _zip_bomb() -> bytes:
    """A real xlsx-like zip whose member inflates to 50 MB; it must never be inflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 50_000_000)
    return buffer.getvalue()


def _nested_json(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _many_keys(n: int) -> bytes:
    keys = ",".join(f'"k{i}":1' for i in range(n))
    return ('{"period":"2026-Q3","rows":[{' + keys + "}]}").encode()


@dataclass(frozen=True)
class Nasty:
    """One hostile request and the refusal it must get."""

    name: str
    body: Callable[[], bytes]
    status: int
    code: str
    detail: str | None = None  # the code of the first detail, when there are details
    content_type: str = "text/csv"
    query: str = "?period=2026-Q3"


CORPUS = [
    # -- not text at all ------------------------------------------------------------------
    Nasty("empty body", lambda: b"", 422, "invalid_submission", "empty_file"),
    Nasty("only blank lines", lambda: b"\r\n\n  \n;;;;\n", 422, "invalid_submission", "empty_file"),
    Nasty(
        "png image",
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        422,
        "invalid_submission",
        "binary",
    ),
    Nasty("random binary", lambda: bytes(range(256)) * 40, 422, "invalid_submission", "binary"),
    Nasty(
        "nul byte in a cell", lambda: _with_code("FT01\x00BRP"), 422, "invalid_submission", "binary"
    ),
    Nasty(
        "gzip body",
        lambda: b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\x00" * 64,
        422,
        "invalid_submission",
        "binary",
    ),
    Nasty("zip bomb-ish xlsx sent as csv", _zip_bomb, 422, "invalid_submission", "not_csv"),
    Nasty(
        "zip bomb-ish xlsx sent as json",
        _zip_bomb,
        400,
        "invalid_json",
        content_type="application/json",
        query="",
    ),
    # -- wrong encodings ----------------------------------------------------------------------
    # (Latin-1 and Windows-1252 files are read as Windows-1252: tests/schemas/test_decoding.py.)
    Nasty(
        "a byte windows-1252 does not define",
        lambda: (CSV_HEADER + GOOD_ROW).encode("ascii").replace(b"FT01_BRP", b"FT01\x81BRP"),
        422,
        "invalid_submission",
        "encoding",
    ),
    Nasty(
        "damaged utf-8",
        lambda: (CSV_HEADER + GOOD_ROW.replace("1\n", "1 café ü\n")).encode("utf-8")[:-2] + b"\n",
        422,
        "invalid_submission",
        "encoding",
    ),
    Nasty(
        "utf-16-le without bom",
        lambda: (CSV_HEADER + GOOD_ROW).encode("utf-16-le"),
        422,
        "invalid_submission",
        "encoding",
    ),
    Nasty(
        "utf-16-be without bom",
        lambda: (CSV_HEADER + GOOD_ROW).encode("utf-16-be"),
        422,
        "invalid_submission",
        "encoding",
    ),
    Nasty(
        "utf-32 with bom",
        lambda: (CSV_HEADER + GOOD_ROW).encode("utf-32"),
        422,
        "invalid_submission",
    ),
    Nasty(
        "lone surrogate bytes",
        lambda: (CSV_HEADER + GOOD_ROW).encode().replace(b"FT01_BRP", b"FT01\xed\xa0\x80"),
        422,
        "invalid_submission",
        "encoding",
    ),
    # -- shape --------------------------------------------------------------------------------
    Nasty(
        "a million columns in the header",
        lambda: (",".join(["a"] * 1_000_000) + "\n").encode(),
        422,
        "invalid_submission",
        "too_many_columns",
    ),
    Nasty(
        "a million cells in a data row",
        lambda: (CSV_HEADER + GOOD_ROW + ",".join(["x"] * 1_000_000) + "\n").encode(),
        422,
        "invalid_submission",
        "too_many_columns",
    ),
    Nasty(
        "a 3 MB line",
        lambda: _with_count("1" * 3_000_000),
        422,
        "invalid_submission",
        "cell_too_long",
    ),
    Nasty("20,001 rows", lambda: (CSV_HEADER + GOOD_ROW * 20_001).encode(), 413, "too_many_rows"),
    Nasty("header only", lambda: CSV_HEADER.encode(), 422, "invalid_submission", "no_rows"),
    Nasty("unknown columns", lambda: b"aantal;kolom\n1;2\n", 422, "invalid_submission"),
    Nasty(
        "quote never closed",
        lambda: (CSV_HEADER + '"' + GOOD_ROW + GOOD_ROW).encode(),
        422,
        "invalid_submission",
        "csv_syntax",
    ),
    Nasty(
        "text after a closing quote",
        lambda: (CSV_HEADER + '"FT01_BRP"x' + GOOD_ROW[8:]).encode(),
        422,
        "invalid_submission",
        "csv_syntax",
    ),
    Nasty(
        "duplicate combination",
        lambda: (CSV_HEADER + GOOD_ROW + GOOD_ROW).encode(),
        422,
        "invalid_submission",
        "duplicate",
    ),
    Nasty(
        "two municipalities",
        lambda: (
            CSV_HEADER.replace("\n", ",municipality\n")
            + GOOD_ROW.replace("\n", ",GM0363\n")
            + GOOD_ROW.replace("ST01_SIGNAAL", "ST02_INTERN_ONDERZOEK").replace("\n", ",GM0344\n")
        ).encode(),
        422,
        "invalid_submission",
        "municipality_mismatch",
    ),
    # -- cells that are formulas, scripts or look-alike codes ----------------------------------
    Nasty(
        "hyperlink formula",
        lambda: _with_code('"=HYPERLINK(""http://x"",""y"")"'),
        422,
        "invalid_submission",
        "unknown_code",
    ),
    Nasty(
        "dde formula",
        lambda: _with_code("\"+cmd|' /C calc'!A0\""),
        422,
        "invalid_submission",
        "unknown_code",
    ),
    Nasty("at formula", lambda: _with_count("@SUM(1+1)"), 422, "invalid_submission", "bad_count"),
    Nasty("minus formula", lambda: _with_count("-2+3"), 422, "invalid_submission", "bad_count"),
    Nasty(
        "script tag",
        lambda: _with_code("<script>alert(1)</script>"),
        422,
        "invalid_submission",
        "unknown_code",
    ),
    Nasty(
        "zero-width space in a code",
        lambda: _with_code("FT01_BRP\u200b"),
        422,
        "invalid_submission",
        "unknown_code",
    ),
    # -- numbers that are not counts ------------------------------------------------------------
    Nasty("1e9", lambda: _with_count("1e9"), 422, "invalid_submission", "bad_count"),
    Nasty("-0", lambda: _with_count("-0"), 422, "invalid_submission", "bad_count"),
    Nasty("+1", lambda: _with_count("+1"), 422, "invalid_submission", "bad_count"),
    Nasty("arabic-indic three", lambda: _with_count("٣"), 422, "invalid_submission", "bad_count"),
    Nasty("fullwidth one", lambda: _with_count("１"), 422, "invalid_submission", "bad_count"),
    Nasty(
        "underscore digits", lambda: _with_count("1_000"), 422, "invalid_submission", "bad_count"
    ),
    Nasty("hex", lambda: _with_count("0x10"), 422, "invalid_submission", "bad_count"),
    Nasty("decimal", lambda: _with_count("2.5"), 422, "invalid_submission", "bad_count"),
    Nasty("nan", lambda: _with_count("NaN"), 422, "invalid_submission", "bad_count"),
    Nasty("infinity", lambda: _with_count("Infinity"), 422, "invalid_submission", "bad_count"),
    Nasty(
        "over the maximum", lambda: _with_count("10001"), 422, "invalid_submission", "count_range"
    ),
    Nasty("20 digits", lambda: _with_count("9" * 20), 422, "invalid_submission", "count_range"),
    Nasty(
        "5,000 digits", lambda: _with_count("9" * 5_000), 422, "invalid_submission", "count_range"
    ),
    # -- periods --------------------------------------------------------------------------------
    Nasty(
        "nul in the period",
        lambda: (CSV_HEADER + GOOD_ROW).encode(),
        422,
        "bad_period",
        query="?period=2026-Q3%00",
    ),
    Nasty(
        "a 5,000 character period",
        lambda: (CSV_HEADER + GOOD_ROW).encode(),
        422,
        "bad_period",
        query="?period=" + "9" * 5_000,
    ),
    Nasty(
        "future period",
        lambda: (CSV_HEADER + GOOD_ROW).encode(),
        422,
        "invalid_submission",
        "period_in_future",
        query="?period=2099-Q1",
    ),
    # -- JSON -----------------------------------------------------------------------------------
    Nasty(
        "empty json body",
        lambda: b"",
        400,
        "invalid_json",
        content_type="application/json",
        query="",
    ),
    Nasty(
        "10^5 nested arrays",
        lambda: _nested_json(100_000),
        400,
        "invalid_json",
        content_type="application/json",
        query="",
    ),
    Nasty(
        "10^5 nested arrays in rows",
        lambda: b'{"period":"2026-Q3","rows":' + _nested_json(100_000) + b"}",
        400,
        "invalid_json",
        content_type="application/json",
        query="",
    ),
    Nasty(
        "a 5,000 digit json integer",
        lambda: b'{"period":"2026-Q3","rows":[{"count":' + b"9" * 5_000 + b"}]}",
        400,
        "invalid_json",
        content_type="application/json",
        query="",
    ),
    Nasty(
        "json count 1e999",
        lambda: (
            json.dumps(
                {
                    "period": "2026-Q3",
                    "rows": [
                        {
                            "function_type": "FT01_BRP",
                            "data_category": "DC01_BRP_ADRES",
                            "stage": "ST01_SIGNAAL",
                            "employment_type": "EM01_VAST",
                            "motive": "MO01_CRIMINEEL",
                            "count": 1,
                        }
                    ],
                }
            )
            .encode()
            .replace(b'"count": 1', b'"count": 1e999')
        ),
        422,
        "invalid_submission",
        "bad_count",
        content_type="application/json",
        query="",
    ),
    Nasty(
        "json count NaN",
        lambda: b'{"period":"2026-Q3","rows":[{"count":NaN}]}',
        422,
        "invalid_submission",
        content_type="application/json",
        query="",
    ),
    Nasty(
        "json nested value in a cell",
        lambda: b'{"period":"2026-Q3","rows":[{"count":' + _nested_json(500) + b"}]}",
        422,
        "invalid_submission",
        content_type="application/json",
        query="",
    ),
    Nasty(
        "300,000 keys in one json row",
        lambda: _many_keys(300_000),
        422,
        "invalid_submission",
        "too_many_columns",
        content_type="application/json",
        query="",
    ),
    Nasty(
        "json string",
        lambda: b'"2026-Q3"',
        422,
        "invalid_body",
        content_type="application/json",
        query="",
    ),
    Nasty(
        "json rows of strings",
        lambda: b'{"period":"2026-Q3","rows":["a","b"]}',
        422,
        "invalid_body",
        content_type="application/json",
        query="",
    ),
    Nasty(
        "invalid utf-8 in json",
        lambda: b'{"period":"2026-Q3\xff"}',
        400,
        "invalid_json",
        content_type="application/json",
        query="",
    ),
    Nasty(
        "20,001 json rows",
        lambda: json.dumps({"period": "2026-Q3", "rows": [{"count": 1}] * 20_001}).encode(),
        413,
        "too_many_rows",
        content_type="application/json",
        query="",
    ),
    # -- media types ----------------------------------------------------------------------------
    Nasty(
        "text/plain",
        lambda: (CSV_HEADER + GOOD_ROW).encode(),
        415,
        "unsupported_media_type",
        content_type="text/plain",
    ),
    Nasty(
        "xml",
        lambda: b"<rows><row count='1'/></rows>",
        415,
        "unsupported_media_type",
        content_type="application/xml",
    ),
    Nasty(
        "form",
        lambda: b"period=2026-Q3&count=1",
        415,
        "unsupported_media_type",
        content_type="application/x-www-form-urlencoded",
    ),
    Nasty(
        "no content type",
        lambda: (CSV_HEADER + GOOD_ROW).encode(),
        415,
        "unsupported_media_type",
        content_type="",
    ),
    Nasty(
        "multipart",
        lambda: b"--x\r\n\r\n--x--\r\n",
        415,
        "unsupported_media_type",
        content_type="multipart/form-data; boundary=x",
    ),
    Nasty(
        "xlsx media type",
        _zip_bomb,
        415,
        "unsupported_media_type",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("nasty", CORPUS, ids=[n.name for n in CORPUS])
def test_nasty_file_gets_a_clear_error_and_stores_nothing(
    production: Service, nasty: Nasty
) -> None:
    headers = production.headers("own", **{"Accept-Language": "en"})
    if nasty.content_type:
        headers["Content-Type"] = nasty.content_type
    r = production.client.post(
        "/api/v1/submissions" + nasty.query, content=nasty.body(), headers=headers
    )
    assert r.status_code == nasty.status, r.text[:500]
    assert r.headers["content-type"].startswith("application/json")
    error = assert_error_shape(r.json())
    assert error["code"] == nasty.code, error
    # A clear message is a sentence, not a stack trace or a dump of the input.
    assert "Traceback" not in r.text and len(error["message"]) < 300, error["message"]
    if nasty.detail is not None:
        assert error["details"], error
        first = error["details"][0]
        assert set(first) == {"row", "column", "value", "message", "code"}
        assert first["code"] == nasty.detail, error["details"][:3]
        # Cells are quoted back cut short, never in full.
        assert all(len(str(d["value"])) <= 200 for d in error["details"])
    assert len(error["details"]) <= 1000
    assert production.store.list_submissions() == []
