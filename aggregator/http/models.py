"""The wire shapes of the HTTP API: one response model per shape, set as ``response_model``.

Every answer goes through its model, so a field can reach a caller only if a model names it; the
models are closed (``additionalProperties: false``), so a schema check of the answers also
catches a field that should not be there (a total in a statistician's view, a token's secret in
a listing). The ``of`` class methods build a model from what the services return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from aggregator.clock import iso
from aggregator.dp.engine import TablePreview
from aggregator.dp.privacy import DELTA
from aggregator.services.budget import BudgetView, epsilon
from aggregator.services.completeness import PeriodCompleteness
from aggregator.services.periods import QuarterDates
from aggregator.services.releases import ReleaseRequest
from aggregator.store import AuditEntry, PeriodLock, SubmissionRecord, TokenRecord
from schemas.taxonomy import load_taxonomy


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _integral(value: object) -> object:
    """JSON has one number type: ``2026.0`` is the integer 2026, as JSON Schema says."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: An integer field of a strict request body that takes ``2026`` and ``2026.0`` (both are
#: JSON Schema integers), and refuses ``true``, ``"2026"`` and ``2026.5``.
JsonInt = Annotated[int, BeforeValidator(_integral)]


class ErrorInner(_Closed):
    """The inside of every error answer."""

    code: str = Field(examples=["invalid_submission"])
    message: str
    details: list[Any] = Field(
        description="For invalid data: {row, column, value, message, code} per problem"
    )


class ErrorBody(_Closed):
    """Every error, whatever its status: ``{"error": {"code", "message", "details"}}``."""

    error: ErrorInner


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": description}


#: Statuses the guard can give any request: an oversized body, the rate limit, a failure.
COMMON: dict[int | str, dict[str, Any]] = {
    413: _error("Body over the size limit (refused before it is read)"),
    422: _error("A parameter or the body is not valid"),
    429: _error("Rate limit; see Retry-After"),
    500: _error("Unexpected failure; nothing was stored"),
}
#: Statuses of every operation that needs a token.
AUTHENTICATED: dict[int | str, dict[str, Any]] = {
    **COMMON,
    401: _error("No valid token"),
    403: _error("The token's role may not do this"),
}
#: Statuses of every operation that reads a request body.
WITH_BODY: dict[int | str, dict[str, Any]] = {
    400: _error("The body cannot be read (not JSON, not UTF-8)"),
    408: _error("The body did not arrive in time"),
}

#: A period as the service reads it: ``2026-Q1``, also ``2026Q1``, ``2026 - q1``, ``2026-K1``.
PERIOD_PATTERN = r"^\s*(19[0-9]{2}|[2-9][0-9]{3})\s*-?\s*[QqKk]\s*[1-4]\s*$"
#: For parameters: documents the form without changing how the service checks it.
PERIOD_SCHEMA: dict[str, Any] = {"pattern": PERIOD_PATTERN, "maxLength": 40}


def errors(*statuses: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """Error answers for ``statuses``; ``descriptions`` as ``s409="..."``."""
    return {s: _error(descriptions.get(f"s{s}", "See the error code")) for s in statuses}


# -- submissions ------------------------------------------------------------------------------


class Receipt(_Closed):
    """The receipt of a stored version, as the submitting municipality sees it."""

    id: str
    municipality: str
    period: str
    version: int = Field(ge=1)
    nil_return: bool
    rows: int = Field(ge=0, description="Non-zero combinations")
    total: int = Field(ge=0)
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    taxonomy_version: str
    received_at: str
    late: bool
    encoding: str | None = Field(description="How a CSV file was read (utf-8, windows-1252)")
    contact: str = Field(description="Whom to contact about this submission or a locked quarter")

    @classmethod
    def of(cls, r: SubmissionRecord, contact: str) -> Receipt:
        """The receipt of a stored version."""
        return cls(
            id=r.id,
            municipality=r.municipality,
            period=r.period,
            version=r.version,
            nil_return=r.nil_return,
            rows=r.row_count,
            total=r.total,
            sha256=r.sha256,
            taxonomy_version=r.taxonomy_version,
            received_at=iso(r.received_at) or "",
            late=r.late,
            encoding=r.encoding,
            contact=contact,
        )


class DryRun(_Closed):
    """What a submission would get as receipt; nothing is stored."""

    dry_run: Literal[True]
    municipality: str
    period: str
    version: int = Field(ge=1)
    nil_return: bool
    rows: int = Field(ge=0)
    total: int = Field(ge=0)
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    taxonomy_version: str
    late: bool
    encoding: str | None
    contact: str

    @classmethod
    def of(cls, r: SubmissionRecord, contact: str) -> DryRun:
        """The would-be receipt of a checked, unstored version."""
        return cls(
            dry_run=True,
            municipality=r.municipality,
            period=r.period,
            version=r.version,
            nil_return=r.nil_return,
            rows=r.row_count,
            total=r.total,
            sha256=r.sha256,
            taxonomy_version=r.taxonomy_version,
            late=r.late,
            encoding=r.encoding,
            contact=contact,
        )


class Row(_Closed):
    """One non-zero combination of a stored version."""

    function_type: str
    data_category: str
    stage: str
    employment_type: str
    motive: str
    count: int = Field(ge=1, le=10_000)


class ReceiptWithData(Receipt):
    """The owning municipality's view of a version: the receipt and its rows."""

    data: list[Row]


class SubmissionList(_Closed):
    """A page of a municipality's own versions (receipts)."""

    submissions: list[Receipt]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` for the next page; null on the last page"
    )


# -- completeness -----------------------------------------------------------------------------


class MunicipalityCompleteness(_Closed):
    """One municipality's reporting for the period: reported or not, on time or late."""

    code: str
    name: str
    province: str
    status: Literal["reported", "not_reported"]
    late: bool | None = Field(
        description="Reported after the deadline, or not reported once it passed; null before"
    )


class OwnCompleteness(MunicipalityCompleteness):
    """The calling municipality's own line, with its versions."""

    versions: int = Field(ge=0)
    first_received_at: str | None
    last_received_at: str | None


class CompletenessSummary(_Closed):
    """The period's national counts."""

    expected: int
    reported: int = Field(description="Counts or a nil return alike")
    not_reported: int
    late: int


class Completeness(_Closed):
    """A period's completeness, as the caller's role may see it."""

    period: str
    deadline: str
    locked: Lock | None
    view: Literal["per_municipality", "national", "own"]
    summary: CompletenessSummary
    municipalities: list[MunicipalityCompleteness] = Field(
        description="Every municipality (statistician only; empty for other roles)"
    )
    own: OwnCompleteness | None = Field(description="The calling municipality's own line")

    @classmethod
    def of(cls, c: PeriodCompleteness) -> Completeness:
        """The answer for a period's completeness."""
        lines = [
            MunicipalityCompleteness(
                code=s.municipality.code,
                name=s.municipality.name,
                province=s.municipality.province_code,
                status="reported" if s.reported else "not_reported",
                late=s.late,
            )
            for s in c.statuses
        ]
        own = None
        if c.view == "own" and c.statuses:
            s = c.statuses[0]
            own = OwnCompleteness(
                **lines[0].model_dump(),
                versions=s.row.versions if s.row else 0,
                first_received_at=iso(s.row.first_received_at) if s.row else None,
                last_received_at=iso(s.row.last_received_at) if s.row else None,
            )
        return cls(
            period=str(c.period),
            deadline=c.deadline.isoformat(),
            locked=Lock.of(c.lock) if c.lock else None,
            view=c.view,  # type: ignore[arg-type]
            summary=CompletenessSummary(**c.summary),
            municipalities=lines if c.view == "per_municipality" else [],
            own=own,
        )


# -- periods, budget, tokens, audit ------------------------------------------------------------


class Lock(_Closed):
    """A locked period."""

    period: str
    locked_at: str
    locked_by: str

    @classmethod
    def of(cls, lock: PeriodLock) -> Lock:
        """A lock's answer."""
        return cls(
            period=lock.period, locked_at=iso(lock.locked_at) or "", locked_by=lock.locked_by
        )


class QuarterOut(_Closed):
    """One quarter: its dates, whether it has ended, its deadline and its lock."""

    period: str
    start: str
    end: str
    ended: bool
    deadline: str
    locked: Lock | None


class Calendar(_Closed):
    """The quarters so far, with deadlines and locks, and whom to contact."""

    deadline_days: int
    contact: str
    periods: list[QuarterOut]

    @classmethod
    def of(cls, quarters: Sequence[QuarterDates], deadline_days: int, contact: str) -> Calendar:
        """The answer for the calendar of quarters."""
        return cls(
            deadline_days=deadline_days,
            contact=contact,
            periods=[
                QuarterOut(
                    period=str(q.period),
                    start=q.period.start.isoformat(),
                    end=q.period.end.isoformat(),
                    ended=q.ended,
                    deadline=q.deadline.isoformat(),
                    locked=Lock.of(q.lock) if q.lock else None,
                )
                for q in quarters
            ],
        )


class LockList(_Closed):
    """Every locked period."""

    locks: list[Lock]


class LedgerLine(_Closed):
    """One release's spending."""

    release_id: str
    rho: float
    created_at: str


class BudgetChangeOut(_Closed):
    """One change of a year's total: by whom, when, from what to what, and why."""

    changed_at: str
    changed_by: str
    old_rho: float | None
    new_rho: float
    reason: str


class BudgetOut(_Closed):
    """A year's budget in ρ (zCDP) and as (ε, δ), with its ledger and its changes."""

    year: int
    total_rho: float | None
    spent_rho: float
    remaining_rho: float
    delta: float
    total_epsilon: float | None
    spent_epsilon: float | None
    set_at: str | None
    set_by: str | None
    ceiling_rho: float = Field(description="No year's total can exceed this (the deployment's)")
    ledger: list[LedgerLine]
    changes: list[BudgetChangeOut]

    @classmethod
    def of(cls, view: BudgetView) -> BudgetOut:
        """A budget's answer."""
        b = view.budget
        return cls(
            year=b.year,
            total_rho=b.total_rho,
            spent_rho=b.spent_rho,
            remaining_rho=b.remaining_rho,
            delta=view.delta,
            total_epsilon=view.total_epsilon,
            spent_epsilon=view.spent_epsilon,
            set_at=iso(b.set_at),
            set_by=b.set_by,
            ceiling_rho=view.ceiling_rho,
            ledger=[
                LedgerLine(release_id=e.release_id, rho=e.rho, created_at=iso(e.created_at) or "")
                for e in b.ledger
            ],
            changes=[
                BudgetChangeOut(
                    changed_at=iso(c.changed_at) or "",
                    changed_by=c.changed_by,
                    old_rho=c.old_rho,
                    new_rho=c.new_rho,
                    reason=c.reason,
                )
                for c in b.changes
            ],
        )


class Me(_Closed):
    """Who a token belongs to."""

    token_id: str
    role: str
    municipality: str | None
    municipality_name: str | None
    expires_at: str | None = Field(None, description="When the token stops working")


class TokenPublic(_Closed):
    """A token's public fields: never its secret or hash."""

    id: str
    role: str
    municipality: str | None
    label: str
    created_at: str
    revoked_at: str | None
    expires_at: str | None

    @classmethod
    def of(cls, record: TokenRecord) -> TokenPublic:
        """A token's public answer."""
        return cls(
            id=record.id,
            role=record.role,
            municipality=record.municipality,
            label=record.label,
            created_at=iso(record.created_at) or "",
            revoked_at=iso(record.revoked_at),
            expires_at=iso(record.expires_at),
        )


class TokenCreated(TokenPublic):
    """A new token: the only answer that ever holds the secret."""

    token: str


class TokenList(_Closed):
    """Every token."""

    tokens: list[TokenPublic]


class AuditLine(_Closed):
    """One audit line: who did what, when, with what outcome; never counts."""

    at: str
    token_id: str | None
    role: str | None
    method: str
    path: str
    action: str
    target: str
    status: int
    outcome: Literal["accepted", "refused", "error"]
    detail: str
    seq: int = Field(description="The line's place in the log's hash chain")
    subject: str | None = Field(description="The municipality whose data the line concerns")
    count: int = Field(description="How many requests the line stands for (counted refusals)")

    @classmethod
    def of(cls, e: AuditEntry) -> AuditLine:
        """An audit line's answer."""
        return cls(
            seq=e.seq,
            subject=e.subject,
            count=e.count,
            at=iso(e.at) or "",
            token_id=e.token_id,
            role=e.role,
            method=e.method,
            path=e.path,
            action=e.action,
            target=e.target,
            status=e.status,
            outcome=e.outcome,  # type: ignore[arg-type]
            detail=e.detail,
        )


class AuditLog(_Closed):
    """A page of audit lines, oldest first."""

    entries: list[AuditLine]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` for the page of older lines; null on the oldest"
    )


# -- releases -----------------------------------------------------------------------------


class PlanTable(_Closed):
    """One table of a release plan."""

    name: str
    dimensions: list[str]
    stage: str | None = None
    weight: float
    title_nl: str | None = None
    title_en: str | None = None


class TableMeta(_Closed):
    """One published table's privacy and accuracy."""

    name: str
    title_nl: str
    title_en: str
    dimensions: list[str]
    stage: str | None
    cells: int
    rho: float
    sensitivity_l2: float
    noise_scale: float
    expected_std_error: float
    smallest_reliable: int | None = Field(
        None, description="The smallest count every cell of the table publishes as reliable"
    )


class QuarterCoverage(_Closed):
    """One quarter's coverage, as the release recorded it (never who had incidents)."""

    expected: int
    reported: int = Field(description="Counts or a nil return alike")
    not_reported: int
    ended: bool
    not_reported_municipalities: list[str] | None = Field(
        description="Who did not report; null for a quarter that had not ended"
    )


class CertificateTable(_Closed):
    """One table's part of the guarantee."""

    name: str
    sensitivity_l2: float
    rho: float
    noise_scale: float


class CertificateRelease(_Closed):
    """The release's own guarantee."""

    rho: float
    epsilon: float
    delta: float


class CertificateListed(_Closed):
    """One release of the year, as a certificate lists it."""

    id: str
    rho: float
    created_at: str | None


class CertificateYear(_Closed):
    """The year's guarantee after this release: every release of it, every budget change."""

    year: int
    total_rho: float | None
    ceiling_rho: float
    cumulative_rho: float
    cumulative_epsilon: float | None
    delta: float
    releases: list[CertificateListed]
    budget_changes: list[BudgetChangeOut]


class NotCovered(_Closed):
    """Something the guarantee does not cover, in both languages."""

    code: str
    nl: str
    en: str


class Texts(_Closed):
    """A text in Dutch and English."""

    nl: str
    en: str


class Certificate(_Closed):
    """A release's privacy certificate: made with the release, never changed."""

    release_id: str
    created_at: str | None
    privacy_unit: Texts
    neighbouring_relation: Texts
    mechanism: Texts
    tables: list[CertificateTable]
    release: CertificateRelease
    year: CertificateYear
    not_covered: list[NotCovered]
    code: dict[str, str]
    journal_prev: str


class CoverageCheck(_Closed):
    """The coverage threshold the release was held to, and whether it was forced below it."""

    threshold: float
    below: list[str]
    forced: bool


class ReleaseMeta(_Closed):
    """What a release records and publishes besides its tables."""

    id: str
    year: int
    quarter: int | None
    created_at: str
    created_by: str
    provisional: bool
    privacy_unit: str
    mechanism: str
    rho: float
    rho_requested: float
    epsilon: float
    delta: float
    taxonomy_version: str
    package_version: str
    plan: list[PlanTable]
    tables: list[TableMeta]
    coverage: dict[str, QuarterCoverage]
    coverage_check: CoverageCheck
    widened_intervals: int
    certificate: Certificate


class ReleaseList(_Closed):
    """Every release's metadata, oldest first."""

    releases: list[ReleaseMeta]


class ReleaseTable(_Closed):
    """A published table: codes, estimates, standard errors, intervals and flags per cell."""

    release_id: str
    table: str
    title_nl: str
    title_en: str
    dimensions: list[str]
    stage: str | None
    provisional: bool = Field(
        description="True while a quarter of the release is open: its figures may still change"
    )
    rows: list[dict[str, Any]]


class PreviewTable(TableMeta):
    """The expected accuracy of one table at the previewed ρ (a release's table metadata, and
    the 95% half-width)."""

    half_width_95: float
    smallest_reliable: int = Field(
        description="The smallest count every cell of the table publishes as reliable"
    )


class Preview(_Closed):
    """A release preview: what a plan at ρ would publish, before anything is read or spent."""

    year: int
    quarter: int | None
    rho: float
    epsilon: float
    delta: float
    tables: list[PreviewTable]

    @classmethod
    def of(cls, request: ReleaseRequest, tables: Sequence[TablePreview]) -> Preview:
        """The answer of a preview."""
        return cls(
            year=request.year,
            quarter=request.quarter,
            rho=request.rho,
            epsilon=epsilon(request.rho) or 0.0,
            delta=DELTA,
            tables=[
                PreviewTable(**{**asdict(t), "dimensions": list(t.dimensions)}) for t in tables
            ],
        )


class Health(_Closed):
    """Liveness."""

    status: Literal["ok"]
    database: Literal["ok"]
    schema_version: int


def submission_body() -> dict[str, Any]:
    """The request body of ``POST /submissions``: JSON or CSV, with the taxonomy's codes.

    The codes are listed in their canonical form; the service also takes them in lower case,
    as a unique prefix (``FT01``) or followed by their label, as the client's CSV reader does.
    """
    taxonomy = load_taxonomy()
    row: dict[str, Any] = {
        "type": "object",
        "required": [*taxonomy.dimension_names, "count"],
        "properties": {
            **{
                name: {"type": "string", "enum": list(taxonomy.codes(name))}
                for name in taxonomy.dimension_names
            },
            "count": {"type": "integer", "minimum": 0, "maximum": 10_000, "example": 1},
        },
        "additionalProperties": False,
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["period"],
                        "properties": {
                            "period": {"type": "string", **PERIOD_SCHEMA, "example": "2026-Q1"},
                            "municipality": {"type": "string", "example": "GM0363"},
                            "nil_return": {"type": "boolean", "default": False},
                            "rows": {"type": "array", "items": row, "maxItems": 20_000},
                        },
                    }
                },
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    }
