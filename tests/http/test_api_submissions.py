from __future__ import annotations

import hashlib

from tests.http.conftest import CSV, OTHER, OWN, ROW, Service, body


def _count_versions(service: Service, period: str) -> int:
    return len(service.store.list_submissions(municipality=OWN, period=period))


def test_submission_json_gives_201_and_a_receipt(service: Service) -> None:
    r = service.client.post(
        "/api/v1/submissions", json=body(count=3), headers=service.headers("own")
    )
    assert r.status_code == 201
    receipt = r.json()
    assert receipt.keys() == {
        "id",
        "municipality",
        "period",
        "version",
        "nil_return",
        "rows",
        "total",
        "sha256",
        "taxonomy_version",
        "received_at",
        "late",
        "encoding",
        "contact",
    }
    assert (receipt["municipality"], receipt["period"], receipt["version"]) == (OWN, "2026-Q3", 1)
    assert (receipt["rows"], receipt["total"], receipt["nil_return"]) == (1, 3, False)
    assert receipt["taxonomy_version"] == "1"
    assert receipt["received_at"] == "2026-11-29T12:00:00Z"
    assert receipt["late"] is True  # 2026-Q3 ended on 30 Sep; the deadline was 30 Oct
    stored = service.store.get_submission(receipt["id"])
    assert stored is not None and stored.sha256 == receipt["sha256"]


def test_submission_csv_with_period_in_the_query(service: Service) -> None:
    r = service.client.post(
        "/api/v1/submissions?period=2026-Q4",
        content=CSV.encode("utf-8-sig"),
        headers=service.headers("own", **{"Content-Type": "text/csv; charset=utf-8"}),
    )
    assert r.status_code == 201, r.json()
    assert (r.json()["rows"], r.json()["total"], r.json()["late"]) == (2, 2, False)
    rows = service.store.submission_rows(r.json()["id"])
    assert rows["stage"].tolist() == ["ST01_SIGNAAL", "ST02_INTERN_ONDERZOEK"]


def test_submission_sha256_is_of_the_canonical_content(service: Service) -> None:
    r = service.client.post("/api/v1/submissions", json=body(), headers=service.headers("own"))
    text = (
        "lekstat-submission/1\ntaxonomy=1\nmunicipality=GM0363\nperiod=2026-Q3\nnil_return=false\n"
        "function_type,data_category,stage,employment_type,motive,count\n"
        "FT04_PARKEREN,DC03_KENTEKEN,ST01_SIGNAAL,EM03_INHUUR,MO01_CRIMINEEL,2\n"
    )
    assert r.json()["sha256"] == hashlib.sha256(text.encode()).hexdigest()


def test_submission_a_new_submission_is_a_new_version_and_all_are_kept(service: Service) -> None:
    h = service.headers("own")
    versions = [
        service.client.post("/api/v1/submissions", json=body(count=c), headers=h).json()["version"]
        for c in (1, 2, 3)
    ]
    assert versions == [1, 2, 3]
    listed = service.client.get("/api/v1/submissions?period=2026-Q3", headers=h).json()[
        "submissions"
    ]
    assert [(s["version"], s["total"]) for s in listed] == [(1, 1), (2, 2), (3, 3)]


def test_submission_idempotent_replay_returns_the_original_receipt(service: Service) -> None:
    h = service.headers("own", **{"Idempotency-Key": "key-1"})
    first = service.client.post("/api/v1/submissions", json=body(), headers=h)
    again = service.client.post("/api/v1/submissions", json=body(), headers=h)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count_versions(service, "2026-Q3") == 1


def test_submission_same_key_with_other_content_is_a_conflict(service: Service) -> None:
    h = service.headers("own", **{"Idempotency-Key": "key-2"})
    assert (
        service.client.post("/api/v1/submissions", json=body(count=1), headers=h).status_code == 201
    )
    r = service.client.post("/api/v1/submissions", json=body(count=5), headers=h)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "idempotency_conflict"
    assert (
        "version 1"
        in service.client.post(
            "/api/v1/submissions", json=body(count=5), headers={**h, "Accept-Language": "en"}
        ).json()["error"]["message"]
    )
    assert _count_versions(service, "2026-Q3") == 1


def test_submission_same_key_same_meaning_is_a_replay(service: Service) -> None:
    h = service.headers("own", **{"Idempotency-Key": "key-3"})
    a = service.client.post("/api/v1/submissions", json=body(), headers=h)
    # the same content written differently: lower case, a zero row added
    other = {**ROW, "function_type": "ft04", "count": 2}
    zero = {**ROW, "stage": "ST02_INTERN_ONDERZOEK", "count": 0}
    b = service.client.post(
        "/api/v1/submissions", json={"period": "2026-q3", "rows": [zero, other]}, headers=h
    )
    assert b.status_code == 200 and b.json() == a.json()


def test_submission_idempotency_keys_are_per_municipality(service: Service) -> None:
    key = {"Idempotency-Key": "shared"}
    a = service.client.post(
        "/api/v1/submissions", json=body(), headers=service.headers("own", **key)
    )
    b = service.client.post(
        "/api/v1/submissions", json=body(), headers=service.headers("other", **key)
    )
    assert a.status_code == b.status_code == 201
    assert b.json()["municipality"] == OTHER


def test_submission_dry_run_validates_and_stores_nothing(service: Service) -> None:
    r = service.client.post(
        "/api/v1/submissions?dry_run=true", json=body(count=4), headers=service.headers("own")
    )
    assert r.status_code == 200
    assert r.json()["dry_run"] is True and r.json()["version"] == 1 and r.json()["total"] == 4
    assert "id" not in r.json()
    assert _count_versions(service, "2026-Q3") == 0
    bad = service.client.post(
        "/api/v1/submissions?dry_run=true", json=body(count=-1), headers=service.headers("own")
    )
    assert bad.status_code == 422


def test_submission_invalid_data_gives_every_row_error_and_stores_nothing(service: Service) -> None:
    rows = [
        {**ROW, "count": "x"},
        {**ROW, "stage": "ST99", "count": 1},
        {**ROW, "motive": "", "count": 1},
    ]
    r = service.client.post(
        "/api/v1/submissions",
        json={"period": "2026-Q3", "rows": rows},
        headers=service.headers("own", **{"Accept-Language": "en"}),
    )
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "invalid_submission"
    assert "3 error(s)" in error["message"] and "nothing was stored" in error["message"]
    assert [(d["row"], d["column"]) for d in error["details"]] == [
        (2, "count"),
        (3, "stage"),
        (4, "motive"),
    ]
    assert all(set(d) >= {"row", "column", "value", "message"} for d in error["details"])
    assert _count_versions(service, "2026-Q3") == 0


def test_submission_csv_errors_name_the_spreadsheet_row(service: Service) -> None:
    bad = CSV + "FT01_BRP;DC01_BRP_ADRES;ST01_SIGNAAL;EM01_VAST;MO02_PRIVE;2\n"
    r = service.client.post(
        "/api/v1/submissions?period=2026-Q4",
        content=bad.encode(),
        headers=service.headers("own", **{"Content-Type": "text/csv"}),
    )
    assert r.status_code == 422
    assert [(d["row"], d["code"]) for d in r.json()["error"]["details"]] == [(4, "duplicate")]


def test_submission_nil_return(service: Service) -> None:
    r = service.client.post(
        "/api/v1/submissions",
        json={"period": "2026-Q2", "nil_return": True},
        headers=service.headers("own"),
    )
    assert r.status_code == 201
    assert (r.json()["nil_return"], r.json()["rows"], r.json()["total"]) == (True, 0, 0)
    csv_nil = service.client.post(
        "/api/v1/submissions?period=2026-Q1&nil_return=true",
        content=b"function_type,data_category,stage,employment_type,motive,count\n",
        headers=service.headers("own", **{"Content-Type": "text/csv"}),
    )
    assert csv_nil.status_code == 201 and csv_nil.json()["nil_return"] is True


def test_submission_empty_without_nil_return_is_refused(service: Service) -> None:
    r = service.client.post(
        "/api/v1/submissions",
        json={"period": "2026-Q2", "rows": []},
        headers=service.headers("own"),
    )
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["code"] == "no_rows"


def test_submission_locked_period_is_refused_with_the_lock_named(service: Service) -> None:
    assert (
        service.client.post(
            "/api/v1/periods/2026-Q3/lock", headers=service.headers("statistician")
        ).status_code
        == 201
    )
    r = service.client.post(
        "/api/v1/submissions",
        json=body(),
        headers=service.headers("own", **{"Accept-Language": "en"}),
    )
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "period_locked"
    assert "2026-Q3 is locked" in error["message"] and "2026-11-29T12:00:00Z" in error["message"]
    assert error["details"][0]["period"] == "2026-Q3"
    assert _count_versions(service, "2026-Q3") == 0
    # even invalid data for a locked period says "locked" first
    r2 = service.client.post(
        "/api/v1/submissions", json=body(count=-5), headers=service.headers("own")
    )
    assert r2.status_code == 409


def test_submission_future_and_early_periods_are_refused(service: Service) -> None:
    for period, code in (("2027-Q1", "period_in_future"), ("2023-Q4", "period_too_early")):
        r = service.client.post(
            "/api/v1/submissions", json=body(period=period), headers=service.headers("own")
        )
        assert r.status_code == 422
        assert r.json()["error"]["details"][0]["code"] == code


def test_submission_for_another_municipality_is_forbidden(service: Service) -> None:
    r = service.client.post(
        "/api/v1/submissions", json=body(municipality=OTHER), headers=service.headers("own")
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "wrong_municipality"
    csv_other = (
        "municipality,"
        + CSV.splitlines()[0].replace(";", ",")
        + "\n"
        + OTHER
        + ","
        + CSV.splitlines()[1].replace(";", ",")
        + "\n"
    )
    r2 = service.client.post(
        "/api/v1/submissions?period=2026-Q4",
        content=csv_other.encode(),
        headers=service.headers("own", **{"Content-Type": "text/csv"}),
    )
    assert r2.status_code == 422
    assert r2.json()["error"]["details"][0]["code"] == "municipality_mismatch"
    assert service.store.list_submissions() == []


def test_submission_bad_envelopes(service: Service) -> None:
    h = service.headers("own")
    cases = [
        (
            dict(content=b"{not json", headers={**h, "Content-Type": "application/json"}),
            400,
            "invalid_json",
        ),
        (dict(json=[1, 2]), 422, "invalid_body"),
        (dict(json={"period": 2026, "rows": []}), 422, "invalid_body"),
        (dict(json={"period": "2026-Q3", "rows": [1]}), 422, "invalid_body"),
        (dict(json={"period": "2026-Q3", "rows": [], "nil_return": "yes"}), 422, "invalid_body"),
        (dict(json={"rows": [ROW]}), 422, "missing_period"),
        (dict(json={"period": "Q3 2026", "rows": [ROW]}), 422, "bad_period"),
        (
            dict(content=b"a,b", headers={**h, "Content-Type": "text/plain"}),
            415,
            "unsupported_media_type",
        ),
        (
            dict(content=CSV.encode(), headers={**h, "Content-Type": "text/csv"}),
            422,
            "missing_period",
        ),
    ]
    for kwargs, status, code in cases:
        kwargs.setdefault("headers", h)
        r = service.client.post("/api/v1/submissions", **kwargs)  # type: ignore[arg-type]
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), kwargs
    assert service.store.list_submissions() == []


def test_submission_too_many_rows_is_413(service: Service) -> None:
    rows = [{**ROW, "count": 1} for _ in range(501)]
    r = service.client.post(
        "/api/v1/submissions",
        json={"period": "2026-Q3", "rows": rows},
        headers=service.headers("own"),
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_many_rows"


def test_submission_oversized_body_is_413_before_parsing(service: Service) -> None:
    big = b"x" * 300_000  # not even JSON: refused on its size alone
    r = service.client.post(
        "/api/v1/submissions",
        content=big,
        headers=service.headers("own", **{"Content-Type": "application/json"}),
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"

    def chunks() -> object:  # no Content-Length: counted while streaming
        for _ in range(30):
            yield b"y" * 10_000

    r2 = service.client.post(
        "/api/v1/submissions",
        content=chunks(),
        headers=service.headers("own", **{"Content-Type": "text/csv"}),
    )
    assert r2.status_code == 413
    assert service.store.list_submissions() == []


def test_submission_list_and_get_for_the_owner_with_rows(service: Service) -> None:
    h = service.headers("own")
    receipt = service.client.post("/api/v1/submissions", json=body(count=3), headers=h).json()
    got = service.client.get(f"/api/v1/submissions/{receipt['id']}", headers=h).json()
    assert got["data"] == [{**ROW, "count": 3}]
    assert {k: got[k] for k in receipt} == receipt


def test_submission_versions_are_the_municipality_s_alone(service: Service) -> None:
    """A version's existence, number and time tell when a municipality had an incident (a nil
    return followed by a correction dates it): no other role sees them, not even as metadata."""
    receipt = service.client.post(
        "/api/v1/submissions", json=body(count=3), headers=service.headers("own")
    ).json()
    for who in ("statistician", "analyst", "admin"):
        h = service.headers(who)
        one = service.client.get(f"/api/v1/submissions/{receipt['id']}", headers=h)
        listed = service.client.get("/api/v1/submissions", headers=h)
        assert (one.status_code, listed.status_code) == (403, 403), who
        assert receipt["id"] not in one.text + listed.text


def test_submission_another_municipality_cannot_see_it(service: Service) -> None:
    receipt = service.client.post(
        "/api/v1/submissions", json=body(), headers=service.headers("own")
    ).json()
    r = service.client.get(f"/api/v1/submissions/{receipt['id']}", headers=service.headers("other"))
    assert r.status_code == 404
    assert service.client.get("/api/v1/submissions", headers=service.headers("other")).json() == {
        "submissions": [],
        "next_cursor": None,
    }


def test_submission_replay_after_the_lock_still_returns_the_receipt(service: Service) -> None:
    h = service.headers("own", **{"Idempotency-Key": "before-lock"})
    first = service.client.post("/api/v1/submissions", json=body(), headers=h)
    service.client.post("/api/v1/periods/2026-Q3/lock", headers=service.headers("statistician"))
    again = service.client.post("/api/v1/submissions", json=body(), headers=h)
    assert again.status_code == 200 and again.json() == first.json()
    changed = service.client.post("/api/v1/submissions", json=body(count=9), headers=h)
    assert changed.status_code == 409 and changed.json()["error"]["code"] == "idempotency_conflict"
    new_key = service.client.post(
        "/api/v1/submissions",
        json=body(count=9),
        headers=service.headers("own", **{"Idempotency-Key": "after"}),
    )
    assert new_key.status_code == 409 and new_key.json()["error"]["code"] == "period_locked"


def test_submission_a_key_always_answers_with_its_original_receipt(service: Service) -> None:
    # Standard idempotency: a late retry replays its own version even after others came.
    a = service.headers("own", **{"Idempotency-Key": "content-A@0"})
    b = service.headers("own", **{"Idempotency-Key": "content-B@1"})
    v1 = service.client.post("/api/v1/submissions", json=body(count=1), headers=a)
    v2 = service.client.post("/api/v1/submissions", json=body(count=2), headers=b)
    late_retry = service.client.post("/api/v1/submissions", json=body(count=1), headers=a)
    assert (v1.status_code, v2.status_code, late_retry.status_code) == (201, 201, 200)
    assert late_retry.json() == v1.json()
    # going back to content A is a new request with a new key (the client's key includes
    # the version it builds on): version 3
    back = service.headers("own", **{"Idempotency-Key": "content-A@2"})
    v3 = service.client.post("/api/v1/submissions", json=body(count=1), headers=back)
    assert v3.status_code == 201 and v3.json()["version"] == 3
    assert service.store.latest_rows(["2026-Q3"])["count"].tolist() == [1]


def test_submission_dates_are_dutch_days(tmp_path: object) -> None:
    # 23:30 UTC on 31 March is already 1 April in the Netherlands: 2026-Q2 has started.
    import datetime as dt
    from pathlib import Path

    from fastapi.testclient import TestClient

    from aggregator.config import Settings
    from aggregator.http.app import create_app
    from tests.http.conftest import add_tokens

    app = create_app(
        Settings(db_path=Path(str(tmp_path)) / "db.duckdb"),
        clock=lambda: dt.datetime(2026, 3, 31, 23, 30),
    )
    tokens, _ = add_tokens(app.state.store)
    with TestClient(app) as c:
        r = c.post(
            "/api/v1/submissions",
            json=body(period="2026-Q2"),
            headers={"Authorization": f"Bearer {tokens['own']}"},
        )
    assert r.status_code == 201, r.text


def test_submission_receipt_says_how_the_file_was_read_and_whom_to_contact(
    service: Service,
) -> None:
    # Excel's "CSV (gescheiden door lijstscheidingsteken)": Windows-1252, with the dropdown's
    # "code — label" (the dash is byte 0x97, not UTF-8).
    text = CSV.replace("FT01_BRP;", "FT01_BRP — Burgerzaken;")
    r = service.client.post(
        "/api/v1/submissions?period=2026-Q3",
        content=text.encode("cp1252"),
        headers=service.headers("own", **{"Content-Type": "text/csv"}),
    )
    assert r.status_code == 201, r.text
    contact = service.client.app.state.settings.contact  # type: ignore[attr-defined]
    assert (r.json()["encoding"], r.json()["contact"]) == ("windows-1252", contact)
    listed = service.client.get("/api/v1/submissions", headers=service.headers("own")).json()
    assert listed["submissions"][0]["encoding"] == "windows-1252"  # kept with the version
    as_json = service.client.post(
        "/api/v1/submissions", json=body(), headers=service.headers("own")
    )
    assert as_json.json()["encoding"] is None


def test_submission_calendar_tells_a_municipality_its_deadlines_and_locks(service: Service) -> None:
    service.client.post("/api/v1/periods/2026-Q1/lock", headers=service.headers("statistician"))
    calendar = service.client.get("/api/v1/periods", headers=service.headers("own")).json()
    assert calendar["deadline_days"] == 30 and calendar["contact"]
    quarters = {q["period"]: q for q in calendar["periods"]}
    names = [q["period"] for q in calendar["periods"]]
    assert (names[0], names[-1], len(names)) == ("2024-Q1", "2026-Q4", 12)  # up to now
    assert quarters["2026-Q3"]["deadline"] == "2026-10-30" and quarters["2026-Q3"]["ended"]
    assert not quarters["2026-Q4"]["ended"] and quarters["2026-Q4"]["locked"] is None
    assert quarters["2026-Q1"]["locked"]["period"] == "2026-Q1"
