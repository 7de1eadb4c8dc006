"""Releases on the browser tests' real server, made as people make them: a municipality submits
over the API, the operator locks the quarters and the statistician's release is created with
``lekstat-server``. Shared by the public pages' tests and the screenshots."""

from __future__ import annotations

from pathlib import Path

import httpx

from aggregator.demo.processes import Server, run
from schemas.periods import Period, quarters_of

ROWS = [
    {
        "function_type": "FT04_PARKEREN",
        "data_category": "DC03_KENTEKEN",
        "stage": "ST01_SIGNAAL",
        "employment_type": "EM03_INHUUR",
        "motive": "MO01_CRIMINEEL",
        "count": 9,
    },
    {
        "function_type": "FT01_BRP",
        "data_category": "DC01_BRP_ADRES",
        "stage": "ST02_INTERN_ONDERZOEK",
        "employment_type": "EM01_VAST",
        "motive": "MO02_PRIVE",
        "count": 4,
    },
]


def _server(db: Path, *args: str) -> str:
    result = run("lekstat-server", "--db", str(db), *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def publish(server: Server, db: Path, earlier: int = 0) -> dict[str, str]:
    """A final release of last year and a provisional one of this year: ids by ``final`` and
    ``provisional``; and an analyst's token, by ``analyst``. ``earlier`` final years before
    them (by ``final-1``, ``final-2``...) give a figure a series."""
    # A municipality no other browser test signs in as: they share the session's server, and
    # the portal's tests read receipt versions of their own municipalities.
    municipality = _server(db, "token", "create", "--role", "municipality",
                           "--municipality", "GM1680", "--label", "figures")  # fmt: skip
    this_year = Period.current().year
    years = {this_year - 1 - back: f"final-{back}" for back in range(earlier, 0, -1)}
    years |= {this_year - 1: "final", this_year: "provisional"}
    headers = {"Authorization": f"Bearer {municipality}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        for year in years:
            for period in quarters_of(year):
                if period.is_complete():
                    body = {"period": str(period), "rows": ROWS}
                    response = client.post("/api/v1/submissions", json=body)
                    assert response.status_code in (200, 201), response.text
    ids: dict[str, str] = {}
    for year, key in years.items():
        if key != "provisional":
            for period in quarters_of(year):
                locked = run("lekstat-server", "--db", str(db), "period", "lock", str(period))
                assert locked.returncode in (0, 1), locked.stderr  # 1: locked already
        _server(db, "budget", "set", str(year), "--rho", "1")
        ids[key] = _server(db, "release", "create", "--year", str(year), "--rho", "0.5", "--force")
    ids["analyst"] = _server(db, "token", "create", "--role", "analyst", "--label", "figures")
    return ids
