"""The Python API against a fake server: happy paths, every failure path, retries."""

from __future__ import annotations

import email.utils
import hashlib
import io
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pandas as pd
import pytest

from client import (
    AuthenticationError,
    Client,
    InvalidDataError,
    NetworkError,
    PermissionDeniedError,
    RefusedError,
    ServerError,
    UnknownReleaseError,
    UnknownTableError,
)
from client.api import MAX_RETRY_AFTER, figures_frame
from schemas.taxonomy import load_taxonomy
from schemas.validation import validate_submission
from tests.client.conftest import (
    HEADER,
    ME_ANALYST,
    PERIOD,
    TOKEN,
    VALID_CSV,
    FakeServer,
    Reply,
    Sleeps,
    accept_submission,
    error,
    receipt,
)

SUBMISSIONS = "/api/v1/submissions"
MakeClient = Callable[..., Client]


def _content(municipality: str = "GM0363") -> str:
    result = validate_submission(VALID_CSV, PERIOD, municipality)
    assert result.submission is not None
    return result.submission.sha256()


def _expected_key(municipality: str = "GM0363", base: int = 0) -> str:
    return hashlib.sha256(f"{_content(municipality)}@{base}".encode()).hexdigest()


def test_client_me_sends_token_and_language(server: FakeServer, make_client: MakeClient) -> None:
    identity = make_client(lang="en").me()
    assert (identity.role, identity.municipality) == ("municipality", "GM0363")
    sent = server.requests[0]
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["Accept-Language"] == "en"


def test_client_submit_sends_canonical_rows_with_idempotency_key(
    server: FakeServer, make_client: MakeClient, valid_csv: Path
) -> None:
    server.on("POST", SUBMISSIONS, accept_submission)
    got = make_client().submit(valid_csv, PERIOD)
    (sent,) = server.to("POST", SUBMISSIONS)
    body = json.loads(sent.content)
    assert body["period"] == PERIOD and body["municipality"] == "GM0363"
    assert body["nil_return"] is False
    assert [r["count"] for r in body["rows"]] == [2, 1]
    # The key covers the canonical content (with period and the token's municipality) and
    # the version it replaces (none yet).
    assert sent.headers["Idempotency-Key"] == _expected_key("GM0363")
    assert sent.headers["Idempotency-Key"] != _expected_key("GM0599")
    assert (got.version, got.rows, got.total, got.replayed, got.dry_run) == (1, 2, 3, False, False)
    assert got.verified is True


def test_client_submit_same_content_written_differently_sends_the_same_key(
    server: FakeServer, make_client: MakeClient, valid_csv: Path, tmp_path: Path
) -> None:
    server.on("POST", SUBMISSIONS, accept_submission)
    header, *rows = VALID_CSV.lower().splitlines()  # lower-case codes, rows reversed, ';'
    other = tmp_path / "other.csv"
    other.write_text("\n".join(line.replace(",", ";") for line in [header, *rows[::-1]]) + "\n")
    client = make_client()
    client.submit(valid_csv, PERIOD)
    client.submit(other, PERIOD)
    keys = {r.headers["Idempotency-Key"] for r in server.to("POST", SUBMISSIONS)}
    assert len(keys) == 1


def test_client_submit_replay_is_marked(server: FakeServer, make_client: MakeClient) -> None:
    server.on("POST", SUBMISSIONS, Reply(200, receipt(version=1), {"Idempotent-Replayed": "true"}))
    frame = pd.read_csv(io.StringIO(VALID_CSV), dtype=str)
    got = make_client().submit(frame, PERIOD)
    assert got.replayed is True and got.version == 1


def test_client_submit_dry_run_sends_no_key_and_stores_nothing(
    server: FakeServer, make_client: MakeClient, valid_csv: Path
) -> None:
    server.on("POST", SUBMISSIONS, accept_submission)
    got = make_client().submit(valid_csv, PERIOD, dry_run=True)
    (sent,) = server.to("POST", SUBMISSIONS)
    assert sent.url.params["dry_run"] == "true"
    assert "Idempotency-Key" not in sent.headers
    assert got.dry_run is True and got.id is None and got.version is None
    assert got.total == 3


def test_client_submit_nil_sends_an_empty_nil_return(
    server: FakeServer, make_client: MakeClient
) -> None:
    server.on("POST", SUBMISSIONS, accept_submission)
    got = make_client().submit_nil(PERIOD)
    body = json.loads(server.to("POST", SUBMISSIONS)[0].content)
    assert body["nil_return"] is True and body["rows"] == []
    assert got.nil_return is True and got.total == 0


def test_client_submit_invalid_data_is_never_sent(
    server: FakeServer, make_client: MakeClient, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "FT01_BRP,DC01_BRP_ADRES,ST01_SIGNAAL,EM01_VAST,MO01_CRIMINEEL,-1\n")
    with pytest.raises(InvalidDataError) as caught:
        make_client(lang="en").submit(bad, PERIOD)
    assert server.requests == []  # not even /me: invalid data needs no network
    (issue,) = caught.value.issues
    assert (issue["row"], issue["column"], issue["value"]) == (2, "count", "-1")
    assert "cannot be negative" in issue["message"]


def test_client_submit_refuses_a_file_of_another_municipality(
    server: FakeServer, make_client: MakeClient, tmp_path: Path
) -> None:
    other = tmp_path / "other.csv"
    other.write_text(
        "municipality," + HEADER + "GM0599,FT01_BRP,DC01_BRP_ADRES,ST01_SIGNAAL,EM01_VAST,"
        "MO01_CRIMINEEL,2\n"
    )
    with pytest.raises(InvalidDataError) as caught:
        make_client().submit(other, PERIOD)
    assert [i["code"] for i in caught.value.issues] == ["municipality_mismatch"]
    assert server.to("POST", SUBMISSIONS) == []


def test_client_submit_unreadable_excel_is_an_issue_not_an_exception(
    server: FakeServer, make_client: MakeClient, tmp_path: Path
) -> None:
    broken = tmp_path / "aantallen.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InvalidDataError) as caught:
        make_client().submit(broken, PERIOD)
    assert [i["code"] for i in caught.value.issues] == ["xlsx_unreadable"]
    assert server.requests == []


def test_client_validate_is_offline(
    make_client: MakeClient, server: FakeServer, valid_csv: Path
) -> None:
    result = make_client().validate(valid_csv, PERIOD, "GM0363")
    assert result.ok and result.submission is not None and result.submission.total == 3
    assert server.requests == []


# -- failures --------------------------------------------------------------------------------


def test_client_retries_timeouts_then_raises_network_error(
    server: FakeServer, make_client: MakeClient, sleeps: Sleeps
) -> None:
    server.on("GET", "/api/v1/me", httpx.ReadTimeout)
    with pytest.raises(NetworkError, match="did not answer in time"):
        make_client(retries=3, lang="en").me()
    assert len(server.requests) == 4
    assert sleeps == [0.5, 1.0, 2.0]  # exponential backoff


def test_client_retries_connection_refused(
    server: FakeServer, make_client: MakeClient, sleeps: Sleeps
) -> None:
    server.on("GET", "/api/v1/me", httpx.ConnectError)
    with pytest.raises(NetworkError, match="niet bereikbaar"):
        make_client(retries=2).me()
    assert len(server.requests) == 3 and sleeps == [0.5, 1.0]


def test_client_retries_5xx_then_succeeds(
    server: FakeServer, make_client: MakeClient, sleeps: Sleeps, valid_csv: Path
) -> None:
    server.on(
        "POST",
        SUBMISSIONS,
        error(503, "unavailable", "busy"),
        httpx.RemoteProtocolError,
        accept_submission,
    )
    got = make_client().submit(valid_csv, PERIOD)
    sent = server.to("POST", SUBMISSIONS)
    assert len(sent) == 3 and got.version == 1
    # Every attempt carries the same key, so a retry can never create a second version.
    assert len({r.headers["Idempotency-Key"] for r in sent}) == 1
    assert sleeps == [0.5, 1.0]


def test_client_honours_retry_after_on_429(
    server: FakeServer, make_client: MakeClient, sleeps: Sleeps
) -> None:
    server.on(
        "GET",
        "/api/v1/releases",
        error(429, "rate_limited", "slow down", headers={"Retry-After": "7"}),
        Reply(200, {"releases": []}),
    )
    assert make_client().release_metadata() == []
    assert sleeps == [7.0]


def test_client_does_not_wait_for_an_unreasonable_retry_after(
    server: FakeServer, make_client: MakeClient, sleeps: Sleeps
) -> None:
    server.on(
        "GET",
        "/api/v1/releases",
        error(429, "rate_limited", "later", headers={"Retry-After": "3600"}),
    )
    with pytest.raises(ServerError) as caught:
        make_client().releases()
    assert caught.value.status == 429 and sleeps == []


def _http_date(when: datetime) -> str:
    return email.utils.format_datetime(when, usegmt=True)


SERVER_NOW = datetime(2026, 4, 1, 9, 0, 0, tzinfo=UTC)


def _dated(retry_after: str | float) -> dict[str, str]:
    """A Retry-After (seconds from the server's Date header, or as given) with that Date."""
    if not isinstance(retry_after, str):
        retry_after = _http_date(SERVER_NOW + timedelta(seconds=retry_after))
    return {"Retry-After": retry_after, "Date": _http_date(SERVER_NOW)}


@pytest.mark.parametrize(
    ("headers", "waited"),
    [
        # measured from the server's Date header, not from this machine's clock
        (_dated(7), 7.0),
        # a date already past: try again at once
        (_dated(-30), 0.0),
        # neither a number nor a date: the client's own backoff
        (_dated("soon"), 0.5),
    ],
)
def test_client_honours_retry_after_as_an_http_date(
    server: FakeServer,
    make_client: MakeClient,
    sleeps: Sleeps,
    headers: dict[str, str],
    waited: float,
) -> None:
    server.on(
        "GET",
        "/api/v1/releases",
        error(429, "rate_limited", "slow down", headers=headers),
        Reply(200, {"releases": []}),
    )
    assert make_client().release_metadata() == []
    assert sleeps == [waited]


def test_client_measures_an_http_date_retry_after_from_its_clock_without_a_date_header(
    server: FakeServer, make_client: MakeClient, sleeps: Sleeps
) -> None:
    later = datetime.now(UTC) + timedelta(seconds=60)
    server.on(
        "GET",
        "/api/v1/releases",
        error(503, "unavailable", "maintenance", headers={"Retry-After": _http_date(later)}),
        Reply(200, {"releases": []}),
    )
    assert make_client().release_metadata() == []
    (waited,) = sleeps
    assert 50 < waited <= 60  # an HTTP-date has whole seconds


def test_client_does_not_wait_for_an_http_date_retry_after_beyond_the_cap(
    server: FakeServer, make_client: MakeClient, sleeps: Sleeps
) -> None:
    headers = _dated(MAX_RETRY_AFTER + 1)
    server.on("GET", "/api/v1/releases", error(429, "rate_limited", "later", headers=headers))
    with pytest.raises(ServerError) as caught:
        make_client().releases()
    assert caught.value.status == 429 and sleeps == []


def test_client_raises_server_error_when_retries_are_exhausted(
    server: FakeServer, make_client: MakeClient, sleeps: Sleeps
) -> None:
    server.on("GET", "/api/v1/releases", error(500, "internal", "boom"))
    with pytest.raises(ServerError) as caught:
        make_client(retries=1).releases()
    assert (caught.value.status, caught.value.code, caught.value.message) == (
        500,
        "internal",
        "boom",
    )
    assert len(server.requests) == 2 and sleeps == [0.5]


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (401, "unauthorized", AuthenticationError),
        (403, "forbidden", PermissionDeniedError),
        (404, "not_found", RefusedError),
        (409, "period_locked", RefusedError),
        (409, "idempotency_conflict", RefusedError),
        (413, "too_large", RefusedError),
        (415, "unsupported_media_type", RefusedError),
        (422, "unprocessable", RefusedError),
    ],
)
def test_client_never_retries_other_4xx(
    server: FakeServer,
    make_client: MakeClient,
    sleeps: Sleeps,
    valid_csv: Path,
    status: int,
    code: str,
    kind: type[Exception],
) -> None:
    server.on("POST", SUBMISSIONS, error(status, code, f"message for {code}", ["detail"]))
    with pytest.raises(kind) as caught:
        make_client().submit(valid_csv, PERIOD)
    assert (caught.value.status, caught.value.code) == (status, code)  # type: ignore[attr-defined]
    assert caught.value.message == f"message for {code}"  # type: ignore[attr-defined]
    assert caught.value.details == ["detail"]  # type: ignore[attr-defined]
    assert len(server.to("POST", SUBMISSIONS)) == 1 and sleeps == []


def test_client_maps_server_row_errors_to_invalid_data(
    server: FakeServer, make_client: MakeClient, valid_csv: Path
) -> None:
    details = [
        {"row": 2, "column": "stage", "value": "ST01_SIGNAAL", "message": "not yet", "code": "x"}
    ]
    server.on("POST", SUBMISSIONS, error(422, "invalid_submission", "invalid", details))
    with pytest.raises(InvalidDataError) as caught:
        make_client().submit(valid_csv, PERIOD)
    assert caught.value.issues == details


def test_client_401_on_me_stops_before_uploading(
    server: FakeServer, make_client: MakeClient, valid_csv: Path
) -> None:
    server.on("GET", "/api/v1/me", error(401, "unauthorized", "unknown token"))
    with pytest.raises(AuthenticationError):
        make_client().submit(valid_csv, PERIOD)
    assert server.to("POST", SUBMISSIONS) == []


def test_client_answer_that_is_not_json_is_a_server_error(
    server: FakeServer, make_client: MakeClient
) -> None:
    server.on("GET", "/api/v1/releases", Reply(200, text="<html>proxy login</html>"))
    with pytest.raises(ServerError) as caught:
        make_client().releases()
    assert caught.value.code == "bad_response"


def test_client_error_without_the_error_shape_still_has_a_message(
    server: FakeServer, make_client: MakeClient
) -> None:
    server.on("GET", "/api/v1/releases", Reply(404, text="Not Found"))
    with pytest.raises(RefusedError) as caught:
        make_client(lang="en").releases()
    assert (caught.value.code, caught.value.message) == (
        "http_404",
        "the server answered 404 Not Found",
    )


def test_client_redirect_is_refused_with_the_new_address(
    server: FakeServer, make_client: MakeClient
) -> None:
    server.on("GET", "/api/v1/me", Reply(301, text="", headers={"Location": "https://x.test/"}))
    with pytest.raises(RefusedError, match=re.escape("https://x.test/")):
        make_client().me()


def test_client_proxy_error_is_not_retried(
    server: FakeServer, make_client: MakeClient, sleeps: Sleeps
) -> None:
    server.on("GET", "/api/v1/me", httpx.ProxyError)
    with pytest.raises(NetworkError):
        make_client().me()
    assert len(server.requests) == 1 and sleeps == []


def test_client_rejects_a_bad_url() -> None:
    from client import ConfigError

    with pytest.raises(ConfigError):
        Client("ftp://example.org", TOKEN)


# -- reading ---------------------------------------------------------------------------------


def test_client_submissions_and_one_submission_with_rows(
    server: FakeServer, make_client: MakeClient
) -> None:
    rows = [{"function_type": "FT01_BRP", "count": 2}]
    server.on("GET", SUBMISSIONS, Reply(200, {"submissions": [receipt(), receipt(version=2)]}))
    server.on("GET", f"{SUBMISSIONS}/sub-1", Reply(200, {**receipt(rows=1), "data": rows}))
    client = make_client()
    assert [r.version for r in client.submissions("2026-q1")] == [1, 2]
    assert server.to("GET", SUBMISSIONS)[0].url.params["period"] == PERIOD
    one = client.submission("sub-1")
    assert one.records == tuple(rows) and one.rows == 1


def test_client_path_segments_are_escaped(server: FakeServer, make_client: MakeClient) -> None:
    with pytest.raises(RefusedError):
        make_client().release("../../admin")
    assert server.requests[0].url.raw_path == b"/api/v1/releases/..%2F..%2Fadmin"


def test_client_completeness_releases_and_release(
    server: FakeServer, make_client: MakeClient
) -> None:
    server.on("GET", "/api/v1/completeness", Reply(200, {"period": PERIOD, "summary": {}}))
    server.on("GET", "/api/v1/releases", Reply(200, {"releases": [{"id": "r1"}]}))
    server.on("GET", "/api/v1/releases/r1", Reply(200, {"id": "r1", "tables": []}))
    client = make_client()
    assert client.completeness(PERIOD)["period"] == PERIOD
    assert server.to("GET", "/api/v1/completeness")[0].url.params["period"] == PERIOD
    assert client.release_metadata() == [{"id": "r1"}]
    assert client.release("r1")["id"] == "r1"


RELEASE_META = {
    "id": "2025-r1",
    "year": 2025,
    "quarter": None,
    "provisional": False,
    "rho": 0.5,
    "epsilon": 5.1,
    "delta": 1e-9,
    "created_at": "2026-02-01T10:00:00Z",
    "coverage": {
        "2025-Q1": {"expected": 342, "reported": 340, "ended": True,
                    "not_reported_municipalities": ["GM0001", "GM0002"]},
        "2025-Q2": {"expected": 342, "reported": 342, "ended": True,
                    "not_reported_municipalities": []},
    },
    "tables": [{"name": "totals", "dimensions": ["stage"]}],
}  # fmt: skip


def test_client_releases_is_a_table_without_municipality_codes(
    server: FakeServer, make_client: MakeClient
) -> None:
    provisional = {**RELEASE_META, "id": "2026-r1", "year": 2026, "provisional": True}
    server.on("GET", "/api/v1/releases", Reply(200, {"releases": [RELEASE_META, provisional]}))
    frame = make_client().releases()
    assert list(frame.columns) == [
        "id", "period", "status", "coverage", "rho", "epsilon", "delta", "created_at", "tables"
    ]  # fmt: skip
    assert frame["id"].tolist() == ["2025-r1", "2026-r1"]
    assert frame["status"].tolist() == ["final", "provisional"]
    assert frame["coverage"].iloc[0] == pytest.approx(340 / 342)
    assert str(frame["created_at"].iloc[0]) == "2026-02-01 10:00:00+00:00"
    assert "GM0001" not in frame.to_string()


def test_client_without_a_language_follows_lekstat_lang(
    server: FakeServer, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEKSTAT_LANG", "en")
    client = make_client()
    assert client.lang == "en"
    client.me()
    assert server.requests[-1].headers["Accept-Language"] == "en"
    assert make_client(lang="nl").lang == "nl"  # an explicit language wins


def test_client_unknown_table_lists_the_tables_of_the_release(
    server: FakeServer, make_client: MakeClient
) -> None:
    tables = ["totals", "signals_by_motive"]
    message = "release r1 has no table 'nope'; its tables: totals, signals_by_motive"
    server.on(
        "GET",
        "/api/v1/figures/r1/nope.json",
        error(404, "no_such_table", message, [{"tables": tables}]),
    )
    with pytest.raises(UnknownTableError) as caught:
        make_client().figures("r1", "nope")
    assert caught.value.tables == tables and "signals_by_motive" in caught.value.message
    assert isinstance(caught.value, RefusedError)


def test_client_unknown_release_names_the_ones_it_can_read(
    server: FakeServer, make_client: MakeClient
) -> None:
    server.on(
        "GET",
        "/api/v1/figures/2030-r9/totals.json",
        error(404, "no_such_release", "no release with this id"),
    )
    server.on("GET", "/api/v1/releases", Reply(200, {"releases": [RELEASE_META]}))
    with pytest.raises(UnknownReleaseError) as caught:
        make_client(lang="en").figures("2030-r9", "totals")
    assert caught.value.releases == ["2025-r1"]
    assert caught.value.message == "no release with this id; releases you can read: 2025-r1"


def test_client_series_of_a_one_dimension_table_takes_a_code(
    server: FakeServer, make_client: MakeClient
) -> None:
    point = {"release_id": "2025-r1", "status": "final", "created_at": "x", "rho": 0.5,
             "estimate": 4, "estimate_unrounded": 4.2, "std_error": 2.0, "ci_low": 0,
             "ci_high": 8, "unreliable": True}  # fmt: skip
    body = {
        "table": "signals_by_motive",
        "cell": {"motive": "MO01_CRIMINEEL"},
        "points": [{**point, "year": 2024}, {**point, "year": 2025}],
        "changes": [{"from_year": 2024, "to_year": 2025}],
        "sum": {"years": [2024, 2025]},
    }
    meta = {**RELEASE_META, "tables": [{"name": "signals_by_motive", "dimensions": ["motive"]}]}
    server.on("GET", "/api/v1/releases", Reply(200, {"releases": [meta]}))
    server.on("GET", "/api/v1/series/signals_by_motive", Reply(200, body))
    frame = make_client().series("signals_by_motive", "MO01_CRIMINEEL")
    assert server.to("GET", "/api/v1/series/signals_by_motive")[0].url.params["motive"] == (
        "MO01_CRIMINEEL"
    )
    assert frame["year"].tolist() == [2024, 2025] and str(frame["estimate"].dtype) == "int64"
    assert frame.attrs["sum"] == {"years": [2024, 2025]}
    assert frame.attrs["changes"][0]["to_year"] == 2025


FIGURES = {
    "release_id": "r1",
    "table": "function_group",
    "dimensions": ["stage", "function_group"],
    "rows": [
        {
            "stage": "ST01_SIGNAAL",
            "function_group": "FG1_PUBLIEKSZAKEN",
            "estimate": 12,
            "std_error": 2.5,
            "ci_low": 8,
            "ci_high": 16,
            "unreliable": False,
        },
        {
            "stage": "ST02_INTERN_ONDERZOEK",
            "function_group": "FG9_NIEUW",
            "estimate": 1,
            "std_error": 2.5,
            "ci_low": 0,
            "ci_high": 5,
            "unreliable": True,
        },
    ],
}


def test_client_figures_as_dataframe_with_labels(
    server: FakeServer, make_client: MakeClient
) -> None:
    with_metadata = {**FIGURES, "metadata": {"status": "final", "rho": 0.5, "period": "2025"}}
    server.on("GET", "/api/v1/figures/r1/function_group.json", Reply(200, with_metadata))
    frame = make_client(lang="en").figures("r1", "function_group")
    assert (frame.attrs["status"], frame.attrs["rho"], frame.attrs["period"]) == (
        "final",
        0.5,
        "2025",
    )
    assert list(frame.columns) == [
        "stage",
        "stage_label",
        "function_group",
        "function_group_label",
        "estimate",
        "std_error",
        "ci_low",
        "ci_high",
        "unreliable",
    ]
    assert frame["stage_label"].iloc[0] == load_taxonomy().label("stage", "ST01_SIGNAAL", "en")
    assert frame["function_group_label"].tolist()[1] == ""  # unknown code: no label, no crash
    assert str(frame["estimate"].dtype) == "int64" and str(frame["unreliable"].dtype) == "bool"
    assert frame["unreliable"].tolist() == [False, True]
    assert frame.attrs["dimensions"] == ["stage", "function_group"]


def test_figures_frame_of_an_empty_table_keeps_its_columns() -> None:
    frame = figures_frame({"dimensions": ["stage"], "rows": []})
    assert list(frame.columns)[:2] == ["stage", "stage_label"] and len(frame) == 0


def test_client_figures_with_a_malformed_table_is_a_server_error(
    server: FakeServer, make_client: MakeClient
) -> None:
    broken = {**FIGURES, "rows": [{**FIGURES["rows"][0], "unreliable": "no"}]}  # type: ignore[dict-item]
    server.on("GET", "/api/v1/figures/r1/t.json", Reply(200, broken))
    with pytest.raises(ServerError):
        make_client().figures("r1", "t")


def test_client_analyst_token_submission_carries_no_municipality(
    make_client: MakeClient, valid_csv: Path
) -> None:
    server = FakeServer(me=ME_ANALYST).on("POST", SUBMISSIONS, error(403, "forbidden", "no"))
    with pytest.raises(PermissionDeniedError):
        make_client(transport=server.transport).submit(valid_csv, PERIOD)
    body = json.loads(server.to("POST", SUBMISSIONS)[0].content)
    assert "municipality" not in body


def test_client_submit_the_current_content_again_sends_nothing(
    server: FakeServer, make_client: MakeClient, valid_csv: Path
) -> None:
    current = receipt(version=2, sha256=_content())
    server.on("GET", SUBMISSIONS, Reply(200, {"submissions": [receipt(version=1), current]}))
    got = make_client().submit(valid_csv, PERIOD)
    assert server.to("POST", SUBMISSIONS) == []
    assert (got.version, got.replayed, got.verified) == (2, True, True)


def test_client_submit_back_to_earlier_content_is_a_new_upload_with_a_new_key(
    server: FakeServer, make_client: MakeClient, valid_csv: Path
) -> None:
    # version 1 had this content, version 2 other content: going back is version 3
    earlier = receipt(version=1, sha256=_content())
    server.on("GET", SUBMISSIONS, Reply(200, {"submissions": [earlier, receipt(version=2)]}))
    server.on("POST", SUBMISSIONS, accept_submission)
    make_client().submit(valid_csv, PERIOD)
    (sent,) = server.to("POST", SUBMISSIONS)
    assert sent.headers["Idempotency-Key"] == _expected_key(base=2) != _expected_key(base=0)
