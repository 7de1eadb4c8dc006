"""Releases: previewed (free), created once from the latest submissions (spends ρ), then read.

Releases of one process are serialised by the store's release lock. Inside it the budget is
checked before any data is read or any noise drawn, so a release that would overspend is
refused with nothing spent; the store checks the budget once more in the transaction that
writes the release and its ledger entry, so concurrent requests can never overspend together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from aggregator import package_version
from aggregator.clock import iso
from aggregator.dp import engine
from aggregator.dp.privacy import PrivacyError
from aggregator.services import budget, certificates, completeness
from aggregator.services.access import authorize, may
from aggregator.services.audit import Note
from aggregator.services.auth import Principal
from aggregator.services.context import Context
from aggregator.services.refusals import Kind, Refusal, conflict, invalid, not_found
from aggregator.store import BudgetError
from schemas.periods import Period, quarters_of
from schemas.tables import DEFAULT_PLAN, PlanError, TableSpec, check_plan_size
from schemas.taxonomy import load_taxonomy


@dataclass(frozen=True)
class ReleaseRequest:
    """What a statistician asks for."""

    year: int
    rho: float
    quarter: int | None = None
    plan: tuple[TableSpec, ...] = DEFAULT_PLAN
    #: Release even when too few municipalities reported (the release says so).
    force: bool = False
    #: The same key again (a double click, a retried request) gets the release it made, and
    #: spends nothing more; kept in the release's metadata, never published.
    idempotency_key: str | None = None

    @property
    def label(self) -> str:
        """``2026`` or ``2026-Q3``."""
        return f"{self.year}" + (f"-Q{self.quarter}" if self.quarter else "")


def periods_of(year: int, quarter: int | None) -> list[Period]:
    """The quarters a release covers."""
    return [Period(year, quarter)] if quarter else list(quarters_of(year))


def invalid_plan(exc: Exception) -> Refusal:
    """The refusal for a plan that cannot be released (in both languages where it says so)."""
    nl = getattr(exc, "message_nl", str(exc))
    return invalid("invalid_plan", f"het publicatieplan is ongeldig: {nl}", str(exc))


def unsound(exc: engine.UnsoundReleaseError) -> Refusal:
    """The refusal for a release whose numbers cannot be right: nothing is stored or spent."""
    return invalid(exc.code, exc.message_nl, exc.message_en)


def check_request(request: ReleaseRequest, today: dt.date) -> None:
    """Refuse a request that names no valid period, ρ or plan, before anything is read."""
    if request.quarter is not None and request.quarter not in (1, 2, 3, 4):
        raise invalid("bad_quarter", "kwartaal is 1, 2, 3 of 4", "quarter is 1, 2, 3 or 4")
    budget.check_year(request.year)
    if periods_of(request.year, request.quarter)[0].is_future(today):
        raise invalid(
            "bad_year",
            f"{request.label} is nog niet begonnen",
            f"{request.label} has not started yet",
        )
    budget.check_rho(request.rho)
    try:
        check_plan_size(request.plan, year=request.year, quarter=request.quarter)
        shares = engine.allocate(
            request.plan, request.rho, year=request.year, quarter=request.quarter
        )
    except (PlanError, PrivacyError) as exc:
        raise invalid_plan(exc) from None
    too_precise = {name: r for name, r in shares.items() if r > budget.MAX_TABLE_RHO}
    if too_precise:
        names = ", ".join(f"{n} (rho = {r:.3g})" for n, r in too_precise.items())
        raise invalid(
            "table_too_precise",
            f"deze publicatie zou {names} meten met meer dan rho = {budget.MAX_TABLE_RHO:g} per "
            "tabel: zo'n tabel is bijna exact. Vraag minder rho, of verdeel het over meer "
            "tabellen of publicaties",
            f"this release would measure {names} with more than rho = {budget.MAX_TABLE_RHO:g} "
            "per table: such a table is nearly exact. Ask for less rho, or spread it over more "
            "tables or releases",
            [{"table": n, "rho": r} for n, r in too_precise.items()],
        )


def preview(ctx: Context, actor: Principal, request: ReleaseRequest) -> list[engine.TablePreview]:
    """Expected standard error and 95% margin per table at ρ: reads no data, spends nothing."""
    authorize(actor, "preview_release")
    check_request(request, ctx.today())
    try:
        return engine.preview(request.plan, request.rho, year=request.year, quarter=request.quarter)
    except (PlanError, PrivacyError) as exc:
        raise invalid_plan(exc) from None


def release_metadata(
    request: ReleaseRequest,
    result: engine.ReleaseResult,
    *,
    created_at: dt.datetime,
    created_by: str,
    coverage: dict[str, dict[str, Any]],
    provisional: bool,
) -> dict[str, Any]:
    """What a release records and publishes besides its tables (the id is added on storing)."""
    return {
        "year": request.year,
        "quarter": request.quarter,
        "created_at": iso(created_at),
        "created_by": created_by,
        "provisional": provisional,
        "privacy_unit": result.privacy_unit,
        "mechanism": result.mechanism,
        "rho": result.rho,
        "rho_requested": request.rho,
        "epsilon": result.epsilon,
        "delta": result.delta,
        "taxonomy_version": load_taxonomy().version,
        "package_version": package_version(),
        "plan": [t.to_dict() for t in request.plan],
        "tables": [result.table_meta[t.name] for t in request.plan],
        "coverage": coverage,
        "widened_intervals": result.widened_intervals,
    }


def create(
    ctx: Context, actor: Principal, request: ReleaseRequest, note: Note | None = None
) -> dict[str, Any]:
    """Make, store and return a release (its metadata, with the new id)."""
    return create_once(ctx, actor, request, note)[0]


def create_once(
    ctx: Context, actor: Principal, request: ReleaseRequest, note: Note | None = None
) -> tuple[dict[str, Any], bool]:
    """:func:`create`, and whether the release was there already (made before with the same
    idempotency key: nothing was spent now)."""
    note = note or Note()
    note.set("create_release", request.label, f"rho={request.rho!r}")
    authorize(actor, "create_release")
    check_request(request, ctx.today())
    check_key(request.idempotency_key)
    note.set("create_release", request.label, f"rho={request.rho:g}")
    store = ctx.store
    quarters = periods_of(request.year, request.quarter)
    now = ctx.now()
    with store.release_lock:
        earlier = made_with_key(ctx, request)
        if earlier is not None:
            note.set("create_release", request.label, f"{earlier['id']} replay")
            return earlier, True
        year_budget = store.get_budget(request.year)
        if year_budget.total_rho is None or request.rho > year_budget.remaining_rho:
            raise budget.refusal(
                BudgetError(request.year, year_budget.total_rho, year_budget.spent_rho, request.rho)
            )
        with store.snapshot():  # the rows measured and the coverage published agree
            covered = completeness.coverage(store, quarters, ctx.today())
            check = coverage_check(ctx, covered, force=request.force)
            rows = store.latest_rows([str(p) for p in quarters])
            locks = {lock.period for lock in store.list_locks()}
        try:
            exact = engine.exact_tables(
                rows, request.plan, year=request.year, quarter=request.quarter
            )
            result = engine.compute_release(
                exact, request.plan, request.rho, year=request.year, quarter=request.quarter
            )
        except engine.UnsoundReleaseError as exc:  # nothing is stored, so nothing is spent
            raise unsound(exc) from None
        except (PlanError, PrivacyError) as exc:
            raise invalid_plan(exc) from None
        if result.rho > request.rho:  # OpenDP's map is the authority
            raise Refusal(
                Kind.FAILURE,
                "rho_mismatch",
                "de gemeten rho is groter dan gevraagd; er is niets gepubliceerd",
                "the measured rho exceeds the request; nothing was published",
            )
        metadata = release_metadata(
            request,
            result,
            created_at=now,
            created_by=actor.name,
            coverage=covered,
            provisional=is_provisional(quarters, locks, ctx.today()),
        )
        metadata["coverage_check"] = check
        if request.idempotency_key is not None:
            metadata[KEY_FIELD] = request.idempotency_key
        release_id = store.next_release_id(request.year, request.quarter)
        metadata["certificate"] = certificates.build(
            release_id=release_id,
            created_at=now,
            rho=result.rho,
            epsilon_=result.epsilon,
            delta=result.delta,
            tables=metadata["tables"],
            budget_before=year_budget,
            ceiling_rho=ctx.settings.max_year_rho,
            journal_prev=store.journal.head,
        )
        try:
            store.add_release(
                release_id=release_id,
                year=request.year,
                quarter=request.quarter,
                rho=result.rho,
                created_at=now,
                created_by=actor.name,
                metadata=metadata,
                tables=result.tables,
            )
        except BudgetError as exc:
            raise budget.refusal(exc) from None
    forced = " forced below the coverage threshold" if check["below"] else ""
    note.set("create_release", request.label, f"{release_id} rho={result.rho:g}{forced}")
    return without_key({**metadata, "id": release_id}), False


#: Where a release keeps the idempotency key it was made with (not part of what is published).
KEY_FIELD = "idempotency_key"
MAX_KEY = 200


def check_key(key: str | None) -> None:
    """Refuse an idempotency key that is empty or longer than :data:`MAX_KEY` characters."""
    if key is not None and not 0 < len(key) <= MAX_KEY:
        raise invalid(
            "bad_idempotency_key",
            f"een Idempotency-Key heeft 1 tot {MAX_KEY} tekens",
            f"an Idempotency-Key has 1 to {MAX_KEY} characters",
        )


def without_key(release: dict[str, Any]) -> dict[str, Any]:
    """A release's metadata as it is published: without its idempotency key."""
    return {k: v for k, v in release.items() if k != KEY_FIELD}


def made_with_key(ctx: Context, request: ReleaseRequest) -> dict[str, Any] | None:
    """The release of the request's year made with its idempotency key, if any (call it under
    the release lock); the same key for another request is refused."""
    key = request.idempotency_key
    if key is None:
        return None
    earlier = next(
        (r for r in ctx.store.list_releases(request.year) if r.get(KEY_FIELD) == key), None
    )
    if earlier is None:
        return None
    same = (
        earlier["quarter"] == request.quarter
        and earlier["rho_requested"] == request.rho
        and earlier["plan"] == [t.to_dict() for t in request.plan]
    )
    if not same:
        raise conflict(
            "idempotency_conflict",
            f"deze Idempotency-Key is al gebruikt voor publicatie {earlier['id']}, met een "
            "andere vraag; gebruik voor een nieuwe publicatie een nieuwe sleutel",
            f"this Idempotency-Key was already used for release {earlier['id']}, with another "
            "request; use a new key for a new release",
            [{"release_id": earlier["id"]}],
        )
    return without_key(earlier)


def is_provisional(quarters: Sequence[Period], locks: set[str], today: dt.date) -> bool:
    """A release is provisional while a quarter of it is unlocked or has not ended, or while
    its year has not ended (a quarterly release: the yearly one measures the year again)."""
    year_over = today > dt.date(quarters[0].year, 12, 31)
    return not (year_over and all(str(p) in locks and p.is_complete(today) for p in quarters))


def coverage_check(
    ctx: Context, covered: dict[str, dict[str, Any]], *, force: bool
) -> dict[str, Any]:
    """Refuse a release for which too few municipalities reported, unless it is forced.

    Every quarter of the release that has ended must have a share of reporting municipalities
    of at least ``LEKSTAT_MIN_COVERAGE`` (default 90%), and at least one quarter must have
    ended: a municipality that did not report counts as zero, so a "national" figure from a
    small part of the country undercounts by more than its own margin. A forced release records
    which quarters were below the threshold, and the report says so.
    """
    threshold = ctx.settings.min_coverage
    below = [
        {"period": period, "reported": c["reported"], "expected": c["expected"]}
        for period, c in covered.items()
        if c["ended"] and c["reported"] < threshold * c["expected"]
    ]
    nothing_ended = not any(c["ended"] for c in covered.values())
    if (below or nothing_ended) and not force:
        if nothing_ended:
            nl = "geen kwartaal van deze publicatie is afgelopen: er is nog niets te tellen"
            en = "no quarter of this release has ended: there is nothing to count yet"
        else:
            shares = ", ".join(f"{b['period']}: {b['reported']} van {b['expected']}" for b in below)
            shares_en = ", ".join(
                f"{b['period']}: {b['reported']} of {b['expected']}" for b in below
            )
            nl = (
                f"te weinig gemeenten leverden aan ({shares}); een landelijk cijfer vraagt "
                f"minstens {threshold:.0%} per afgelopen kwartaal"
            )
            en = (
                f"too few municipalities reported ({shares_en}); a national figure needs at "
                f"least {threshold:.0%} in every quarter that has ended"
            )
        raise conflict(
            "coverage_below_threshold",
            f"{nl}. Er is niets uitgegeven; wacht op de aanleveringen, of publiceer toch met "
            "force (de publicatie vermeldt het dan)",
            f"{en}. Nothing was spent; wait for the submissions, or release anyway with force "
            "(the release then says so)",
            below,
        )
    return {
        "threshold": threshold,
        "below": [b["period"] for b in below] + (["nothing ended"] if nothing_ended else []),
        "forced": bool(force and (below or nothing_ended)),
    }


def visible(ctx: Context, actor: Principal, release: dict[str, Any]) -> bool:
    """Whether ``actor`` may read ``release``: analysts and statisticians every release; anyone
    else (no token, a municipality, the admin) what ``LEKSTAT_PUBLIC_RELEASES`` makes public,
    by default the final releases (a provisional one only for analysts and statisticians)."""
    if may(actor, "read_releases"):
        return True
    rule = ctx.settings.public_releases
    return rule == "all" or (rule == "final" and not release.get("provisional", True))


def listing(ctx: Context, actor: Principal, year: int | None = None) -> list[dict[str, Any]]:
    """Every release's metadata the caller may read, oldest first (optionally of one year)."""
    return [without_key(r) for r in ctx.store.list_releases(year) if visible(ctx, actor, r)]


def get(ctx: Context, actor: Principal, release_id: str) -> dict[str, Any]:
    """One release's metadata (one the caller may not read is "not found")."""
    release = ctx.store.get_release(release_id)
    if release is None or not visible(ctx, actor, release):
        raise not_found("no_such_release", "geen publicatie met dit id", "no release with this id")
    return without_key(release)


def certificate(ctx: Context, actor: Principal, release_id: str) -> dict[str, Any]:
    """A release's privacy certificate, as it was made with the release."""
    return dict(get(ctx, actor, release_id)["certificate"])


def table(
    ctx: Context, actor: Principal, release_id: str, name: str
) -> tuple[dict[str, Any], dict[str, Any], pd.DataFrame]:
    """One published table: the release, the table's metadata and its rows."""
    release = get(ctx, actor, release_id)
    meta = next((t for t in release["tables"] if t["name"] == name), None)
    frame = ctx.store.release_table(release_id, name) if meta is not None else None
    if meta is None or frame is None:
        names = ", ".join(t["name"] for t in release["tables"])
        raise not_found(
            "no_such_table",
            f"publicatie {release_id} heeft geen tabel {name!r}; wel: {names}",
            f"release {release_id} has no table {name!r}; its tables: {names}",
            [{"tables": [t["name"] for t in release["tables"]]}],
        )
    return release, meta, frame
