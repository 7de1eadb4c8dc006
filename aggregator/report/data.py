"""What a report is made of: one release, its tables, earlier years' releases and coverage.

Everything here is read from the store; nothing is computed from raw counts. The coverage of a
quarter (who submitted, who sent a nil return, who is missing) is not private: every release
records it, counts and the codes of the missing municipalities alike, and the report shows
both as the release recorded them, so the list always agrees with the counts.

:func:`release_status` says what a reader must know before trusting a release's figures as
final: whether they are provisional (a period not locked, or the year not over when it was
made) and whether the release was made below the coverage threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from aggregator.clock import parse_moment
from schemas.municipalities import Municipality, Register, load_register
from schemas.periods import Period
from schemas.tables import STAGE


class ReportError(ValueError):
    """No release to report on, or a release the report cannot read (Dutch and English)."""

    def __init__(self, message_nl: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_nl, self.message_en = message_nl, message_en


class PdfUnavailableError(ReportError):
    """The PDF cannot be made on this machine (WeasyPrint finds no Pango); HTML still works."""


class ReleaseStore(Protocol):
    """The part of :class:`aggregator.store.Store` the report reads."""

    def list_releases(self, year: int | None = None) -> list[dict[str, Any]]: ...

    def get_release(self, release_id: str) -> dict[str, Any] | None: ...

    def release_table(self, release_id: str, name: str) -> pd.DataFrame | None: ...

    def list_submissions(
        self, *, municipality: str | None = None, period: str | None = None
    ) -> list[Any]: ...


#: Why a release is provisional: a period in it was not locked, or its year (or quarter) had not
#: ended when it was made.
UNLOCKED = "unlocked"
NOT_ENDED = "not_ended"


@dataclass(frozen=True)
class ReleaseStatus:
    """What a release says about how final its figures are."""

    #: The reasons it is provisional (:data:`UNLOCKED`, :data:`NOT_ENDED`); empty when final.
    reasons: tuple[str, ...] = ()
    #: Made while fewer municipalities had reported than the coverage threshold asks.
    below_threshold: bool = False
    #: Made below the threshold because the statistician forced it.
    forced: bool = False
    #: The threshold the release recorded (a share of the municipalities, or a number of them).
    threshold: float | None = None

    @property
    def provisional(self) -> bool:
        """Whether the release's figures are provisional (CBS: marked ``*``)."""
        return bool(self.reasons)

    @property
    def final(self) -> bool:
        """Whether the release can stand for its year in a comparison or a sum over years."""
        return not self.provisional and not self.below_threshold


def release_status(release: Mapping[str, Any]) -> ReleaseStatus:
    """How final a release is, from its own metadata.

    A release is provisional when it says so (the service sets ``provisional`` when a period in
    it was not locked), when a quarter in it had not ended, or when it was made before its year
    was over (a quarterly release: the annual one will measure the year again).

    >>> release_status({"year": 2025, "created_at": "2026-01-15T10:00:00Z"}).provisional
    False
    >>> release_status({"year": 2025, "quarter": 1, "created_at": "2025-04-25T10:00:00Z"}).reasons
    ('not_ended',)
    """
    reasons = []
    if release.get("provisional"):
        reasons.append(UNLOCKED)
    year = int(release["year"])
    made = parse_moment(str(release["created_at"])).date()
    running = any(not c.get("ended", True) for c in (release.get("coverage") or {}).values())
    if running or made <= dt.date(year, 12, 31):
        reasons.append(NOT_ENDED)
    check = release.get("coverage_check") or {}
    threshold = check.get("threshold")
    return ReleaseStatus(
        reasons=tuple(reasons),
        below_threshold=bool(check.get("below")),
        forced=bool(check.get("forced")),
        threshold=float(threshold) if threshold is not None else None,
    )


@dataclass(frozen=True)
class NonReporter:
    """A municipality that did not submit for a quarter."""

    code: str
    name: str
    province: str


@dataclass(frozen=True)
class QuarterCoverage:
    """One quarter's response as the release recorded it: ``reported`` counts counts and nil
    returns alike (never who had incidents); ``expected == reported + missing``.
    ``not_reported`` is ``None`` for a quarter that had not ended when the release was made
    (nobody is missing from a quarter still running)."""

    period: str
    quarter: int
    expected: int
    reported: int
    missing: int
    ended: bool = True
    not_reported: tuple[NonReporter, ...] | None = ()


@dataclass
class ReportData:
    """Everything one report shows: the release, its tables, history and coverage."""

    release: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    #: Earlier years' annual releases with their tables, oldest first (for the trend).
    history: list[tuple[dict[str, Any], dict[str, pd.DataFrame]]] = field(default_factory=list)
    #: Per quarter of the release, in order.
    coverage: list[QuarterCoverage] = field(default_factory=list)

    @property
    def year(self) -> int:
        """The data year."""
        return int(self.release["year"])

    @property
    def quarter(self) -> int | None:
        """The quarter of a quarterly (provisional) release, else ``None``."""
        q = self.release.get("quarter")
        return int(q) if q else None

    @property
    def status(self) -> ReleaseStatus:
        """How final the release's figures are."""
        return release_status(self.release)

    @property
    def created_at(self) -> dt.datetime:
        """When the release was created (aware, UTC)."""
        return parse_moment(self.release["created_at"]).replace(tzinfo=dt.UTC)

    @property
    def expected_municipalities(self) -> int:
        """How many municipalities were expected to report (the most in any quarter)."""
        return max((c.expected for c in self.coverage), default=0)

    @property
    def not_reported(self) -> list[tuple[NonReporter, tuple[int, ...]]]:
        """Every municipality that missed a quarter, with the quarters it missed, by code."""
        missed: dict[NonReporter, list[int]] = {}
        for c in self.coverage:
            for m in c.not_reported or ():
                missed.setdefault(m, []).append(c.quarter)
        return [(m, tuple(qs)) for m, qs in sorted(missed.items(), key=lambda kv: kv[0].code)]

    @property
    def unlisted_quarters(self) -> list[int]:
        """The quarters that had not ended when the release was made (nobody listed missing)."""
        return [c.quarter for c in self.coverage if c.not_reported is None]

    @property
    def reported_every_quarter(self) -> int | None:
        """How many expected municipalities reported in every quarter of the release; ``None``
        when the release does not say who was missing in some quarter."""
        if self.unlisted_quarters:
            return None
        return self.expected_municipalities - len(self.not_reported)


def select_release(
    releases: list[dict[str, Any]], year: int, release_id: str | None = None
) -> dict[str, Any]:
    """The release to report on: ``release_id``, or the year's latest annual release, or
    else its latest quarterly one. ``releases`` are oldest first, as the store lists them.

    >>> rs = [{"id": "2025-Q1-r1", "year": 2025, "quarter": 1},
    ...       {"id": "2025-r1", "year": 2025, "quarter": None},
    ...       {"id": "2025-Q2-r1", "year": 2025, "quarter": 2}]
    >>> select_release(rs, 2025)["id"]
    '2025-r1'
    >>> select_release(rs[:1] + rs[2:], 2025)["id"]
    '2025-Q2-r1'
    """
    of_year = [r for r in releases if int(r["year"]) == year]
    if release_id is not None:
        for r in of_year:
            if r["id"] == release_id:
                return r
        raise ReportError(
            f"{release_id!r} is geen publicatie over {year}",
            f"release {release_id!r} is not a release of {year}",
        )
    if not of_year:
        raise ReportError(
            f"er is nog geen publicatie over {year}; maak er eerst een",
            f"there is no release for {year} yet; create one first",
        )
    annual = [r for r in of_year if not r.get("quarter")]
    return (annual or of_year)[-1]


def table_meta(release: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The per-table metadata of a release by table name (stored as a list or a mapping)."""
    raw = release.get("tables") or []
    items = raw.values() if isinstance(raw, Mapping) else raw
    return {str(m["name"]): dict(m) for m in items}


def table_names(release: Mapping[str, Any]) -> list[str]:
    """The release's tables in plan order."""
    plan = release.get("plan") or []
    names = [str(t["name"]) for t in plan]
    return names or list(table_meta(release))


def totals_table(release: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]) -> str | None:
    """The name of the release's table of national totals by stage, if it has one."""
    for name in table_names(release):
        spec = plan_spec(release, name)
        if list(spec.get("dimensions", [])) == [STAGE] and name in tables:
            return name
    return None


def plan_spec(release: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The plan's definition of table ``name`` (``TableSpec.to_dict()``)."""
    for t in release.get("plan") or []:
        if t["name"] == name:
            return dict(t)
    return table_meta(release).get(name, {"name": name})


def load_tables(store: ReleaseStore, release: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Every published table of a release, in plan order."""
    out: dict[str, pd.DataFrame] = {}
    for name in table_names(release):
        frame = store.release_table(str(release["id"]), name)
        if frame is None:
            raise ReportError(
                f"publicatie {release['id']} heeft geen tabel {name!r}",
                f"release {release['id']} has no table {name!r}",
            )
        out[name] = frame
    return out


def load_coverage(
    release: Mapping[str, Any], register: Register | None = None
) -> list[QuarterCoverage]:
    """Per quarter of the release: its published counts and the municipalities it recorded as
    not reporting (none for a quarter that had not ended)."""
    register = register or load_register()
    municipalities = {m.code: m for m in register.valid_in(int(release["year"]))}
    out = []
    for period, c in sorted(release.get("coverage", {}).items()):
        codes = c.get("not_reported_municipalities")
        missing = (
            None
            if codes is None
            else tuple(_non_reporter(str(code), municipalities) for code in codes)
        )
        out.append(
            QuarterCoverage(
                period=period,
                quarter=Period.parse(period).quarter,
                expected=int(c["expected"]),
                reported=int(c["reported"]),
                missing=int(c["not_reported"]),
                ended=bool(c.get("ended", True)),
                not_reported=missing,
            )
        )
    return out


def _non_reporter(code: str, municipalities: Mapping[str, Municipality]) -> NonReporter:
    m = municipalities.get(code)
    if m is None:  # not in this register's year: show the code the release recorded
        return NonReporter(code, code, "")
    return NonReporter(m.code, m.name, m.province_name)


def load_history(
    store: ReleaseStore, year: int
) -> list[tuple[dict[str, Any], dict[str, pd.DataFrame]]]:
    """The latest annual release of every earlier year that has one, oldest year first."""
    latest: dict[int, dict[str, Any]] = {}
    for r in store.list_releases():
        y = int(r["year"])
        if y < year and not r.get("quarter"):
            latest[y] = r
    return [(latest[y], load_tables(store, latest[y])) for y in sorted(latest)]


def load_report_data(store: ReleaseStore, year: int, release_id: str | None = None) -> ReportData:
    """Everything the report of ``year`` shows; by default from the year's latest release
    (annual releases preferred over quarterly ones)."""
    release = select_release(store.list_releases(year), year, release_id)
    return ReportData(
        release=release,
        tables=load_tables(store, release),
        history=load_history(store, year),
        coverage=load_coverage(release),
    )
