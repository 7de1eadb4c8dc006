"""The Python API: :class:`Client` talks to a lekstat server for municipalities and analysts.

Talking to a server (after ``lekstat login``)::

    with Client.from_config() as lekstat:
        receipt = lekstat.submit("aantallen.xlsx", "2026-Q1")
        releases = lekstat.releases()               # a DataFrame: id, period, status, …
        figures = lekstat.figures("latest", "signals_by_function_group")
        figures.attrs["status"], figures.attrs["rho"]  # the provenance of every table

Submissions are validated offline with the same function the server uses before anything is
sent; invalid data raises :class:`~client.errors.InvalidDataError` and never leaves the machine.
Before an upload the client asks for the current version: when it already holds this content,
its receipt is the answer and nothing is sent. Otherwise the upload carries an
``Idempotency-Key`` derived from the canonical content (with period and municipality) and the
version it replaces, so every retry of it returns the original receipt instead of a second
version, and going back to earlier content after a correction is a new version.

pandas and pandera are imported only where data is read or validated, so that talking to the
server (``lekstat status``) starts fast.
"""

from __future__ import annotations

import email.utils
import hashlib
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from importlib import metadata
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import quote

import httpx

from client.config import check_url, load_settings
from client.errors import (
    AuthenticationError,
    InvalidDataError,
    LekstatError,
    NetworkError,
    PermissionDeniedError,
    RefusedError,
    ResponseError,
    ServerError,
    UnknownReleaseError,
    UnknownTableError,
)
from client.i18n import Lang, pick, resolve_lang
from client.receipts import Identity, Receipt
from schemas.periods import Period

if TYPE_CHECKING:
    import pandas as pd

    from schemas.reading import RawTable
    from schemas.submission import Submission
    from schemas.validation import ValidationResult

#: What :meth:`Client.validate` and :meth:`Client.submit` accept: a file path or a DataFrame.
SubmissionData: TypeAlias = "str | os.PathLike[str] | pd.DataFrame | RawTable"

__all__ = [
    "Client",
    "Identity",
    "Receipt",
    "SubmissionData",
    "figures_frame",
    "releases_frame",
    "series_frame",
    "validate",
]

DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
#: The first wait between attempts, in seconds; it doubles after every retry.
DEFAULT_BACKOFF = 0.5
MAX_BACKOFF = 30.0
#: A ``Retry-After`` longer than this, in seconds (or an HTTP-date further away), is not waited
#: for: the error is raised.
MAX_RETRY_AFTER = 120.0


def _user_agent() -> str:
    try:
        return f"lekstat-client/{metadata.version('lekstat')}"
    except metadata.PackageNotFoundError:
        return "lekstat-client"


class Client:
    """A client of one lekstat server, with one token.

    ``transport`` replaces the network (``httpx.MockTransport`` in tests); ``sleep`` replaces
    :func:`time.sleep` between retries. Use it as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES,
        lang: Lang | None = None,
        backoff: float = DEFAULT_BACKOFF,
        sleep: Callable[[float], None] = time.sleep,
        municipality_hint: str | None = None,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be 0 or more")
        # LEKSTAT_LANG when no language is given (docs/client.md), else Dutch.
        self.lang: Lang = lang or resolve_lang()
        self.url = check_url(url, self.lang)
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self._identity: Identity | None = None
        #: The municipality the token is expected to have (from ``lekstat login``), so that
        #: offline validation can check a municipality column before anything is sent.
        self._municipality_hint = municipality_hint
        headers = {
            "Accept": "application/json",
            "Accept-Language": self.lang,
            "User-Agent": _user_agent(),
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=self.url,
            headers=headers,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
        )

    @classmethod
    def from_config(cls, **kwargs: Any) -> Client:
        """A client with the URL and token of ``lekstat login`` or ``LEKSTAT_URL``/``_TOKEN``."""
        settings = load_settings(lang=kwargs.get("lang") or resolve_lang())
        kwargs.setdefault("municipality_hint", settings.municipality)
        return cls(settings.url, settings.token, **kwargs)

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    # -- offline ---------------------------------------------------------------------------

    def validate(
        self,
        data: SubmissionData | None,
        period: str | Period,
        municipality: str | None = None,
        nil_return: bool = False,
    ) -> ValidationResult:
        """Validate a file or DataFrame offline, exactly as :meth:`submit` would; sends nothing."""
        return validate(data, period, municipality, nil_return)

    # -- municipalities --------------------------------------------------------------------

    def me(self) -> Identity:
        """Who the token belongs to: role and, for a municipality, its code and name."""
        identity = self._parse(Identity.from_json, self._get("/api/v1/me"))
        self._identity = identity
        return identity

    def submit(
        self, data: SubmissionData, period: str | Period, *, dry_run: bool = False
    ) -> Receipt:
        """Validate offline, then upload; the receipt, or :class:`InvalidDataError` with issues."""
        return self._submit(_table(data), period, nil_return=False, dry_run=dry_run)

    def submit_nil(self, period: str | Period, *, dry_run: bool = False) -> Receipt:
        """Report a quarter without incidents (a nil return); returns the receipt."""
        return self._submit(None, period, nil_return=True, dry_run=dry_run)

    def submissions(self, period: str | Period | None = None) -> list[Receipt]:
        """The receipts of the token's submissions (every version), optionally of one period."""
        params = None if period is None else {"period": str(Period.parse(period))}
        body = self._get("/api/v1/submissions", params=params)
        return self._parse(lambda b: [Receipt.from_json(r) for r in b["submissions"]], body)

    def periods(self) -> dict[str, Any] | None:
        """Deadlines and locks per quarter (``GET /api/v1/periods``); ``None`` if not offered.

        ``{"deadline_days": 30, "contact": …, "periods": [{"period", "deadline", "locked"}]}``;
        a server without the endpoint (404), or one that does not show it to this role (403),
        gives ``None``.
        """
        try:
            return self._get("/api/v1/periods")
        except ResponseError as exc:
            if exc.status in (403, 404, 405):
                return None
            raise

    def submission(self, submission_id: str | int) -> Receipt:
        """One submission's receipt, with its rows for the municipality that sent it."""
        body = self._get(f"/api/v1/submissions/{_segment(submission_id)}")
        return self._parse(Receipt.from_json, body)

    # -- statisticians and analysts --------------------------------------------------------

    def completeness(self, period: str | Period) -> dict[str, Any]:
        """Who submitted for ``period``: a summary and one entry per municipality."""
        return self._get("/api/v1/completeness", params={"period": str(Period.parse(period))})

    def release_metadata(self) -> list[dict[str, Any]]:
        """The metadata of every release the token (or, without one, the public) may read, as
        the server sends it, oldest first."""
        return self._parse(lambda b: list(b["releases"]), self._get("/api/v1/releases"))

    def releases(self) -> pd.DataFrame:
        """The releases as a table, oldest first: ``id``, ``period``, ``status`` (final or
        provisional), ``coverage`` (the smallest share of municipalities that reported in a
        quarter that had ended), ``rho``, ``epsilon``, ``delta``, ``created_at``, ``tables``."""
        return self._parse(releases_frame, {"releases": self.release_metadata()})

    def release(self, release_id: str | int) -> dict[str, Any]:
        """One release's metadata, including its ``tables``; ``latest``: the newest final one."""
        return self._readable(f"/api/v1/releases/{_segment(release_id)}", release_id)

    def figures(self, release_id: str | int, table: str) -> pd.DataFrame:
        """A released table: per dimension its code and ``<dim>_label``, ``estimate``,
        ``estimate_unrounded``, ``std_error``, ``ci_low``/``ci_high``, ``unreliable``; its
        provenance (release, period, status, ρ, (ε, δ), date, taxonomy version, the columns'
        meaning, the marks) in ``attrs``. ``latest`` is the newest final release."""
        path = f"/api/v1/figures/{_segment(release_id)}/{_segment(table)}.json"
        body = self._readable(path, release_id)
        return self._parse(lambda b: figures_frame(b, self.lang), body)

    def series(self, table: str, cell: Mapping[str, str] | str) -> pd.DataFrame:
        """One figure across the years: a row per year (``year``, ``release_id``, ``status``,
        the value columns), from each year's newest yearly release; the changes between final
        years and their sum in ``attrs``. ``cell`` names the codes by dimension
        (``{"motive": "MO01_CRIMINEEL"}``), or is the code of a table with one dimension."""
        if isinstance(cell, str):
            dims = self._table_dimensions(table)
            if len(dims) != 1:
                raise ValueError(
                    pick(
                        self.lang,
                        f"tabel {table} heeft de dimensies {', '.join(dims)}: geef de cel als "
                        "{dimensie: code}",
                        f"table {table} has the dimensions {', '.join(dims)}: give the cell as "
                        "{dimension: code}",
                    )
                )
            cell = {dims[0]: cell}
        body = self._get(f"/api/v1/series/{_segment(table)}", params=dict(cell))
        return self._parse(series_frame, body)

    def download(
        self, release_id: str | int, table: str, fmt: str = "csv", *, sep: str = ";"
    ) -> bytes:
        """A released table as the server writes the file (``csv``, ``csv-metadata.json``,
        ``json``, ``parquet``, ``zip``); the light client only saves it."""
        path = f"/api/v1/figures/{_segment(release_id)}/{_segment(table)}.{fmt}"
        try:
            return self._request("GET", path, params={"sep": sep}).content
        except RefusedError as exc:
            raise self._unknown(exc, release_id) from None

    def _table_dimensions(self, table: str) -> list[str]:
        for release in reversed(self.release_metadata()):
            for meta in release.get("tables") or []:
                if meta.get("name") == table:
                    return [str(d) for d in meta.get("dimensions") or []]
        return []

    def _readable(self, path: str, release_id: str | int) -> dict[str, Any]:
        """GET ``path``; an unknown release or table names what the caller can read."""
        try:
            return self._get(path)
        except RefusedError as exc:
            raise self._unknown(exc, release_id) from None

    def _unknown(self, exc: RefusedError, release_id: str | int) -> ResponseError:
        """The error for a release or table that is not there, saying which ones are."""
        first = exc.details[0] if exc.details and isinstance(exc.details[0], Mapping) else {}
        if exc.code == "no_such_table":
            tables = [str(t) for t in first.get("tables") or []]
            return UnknownTableError(exc.status, exc.code, exc.message, exc.details, tables)
        if exc.code in ("no_such_release", "no_final_release"):
            readable = [str(r["id"]) for r in self.release_metadata()]
            shown = ", ".join(readable) or pick(self.lang, "geen", "none")
            message = exc.message + pick(
                self.lang,
                f"; publicaties die u kunt lezen: {shown}",
                f"; releases you can read: {shown}",
            )
            return UnknownReleaseError(exc.status, exc.code, message, exc.details, readable)
        return exc

    # -- internals -------------------------------------------------------------------------

    def _submit(
        self, table: RawTable | None, period: str | Period, *, nil_return: bool, dry_run: bool
    ) -> Receipt:
        encoding = table.encoding if table is not None else None
        # Offline first, so invalid data is reported without the network; then again with the
        # token's municipality, which a municipality column in the file must match.
        submission = self._valid(table, period, self._municipality_hint, nil_return)
        identity = self._identity or self.me()
        mine = identity.municipality
        if mine is not None and submission.municipality != mine:
            if submission.municipality is None:  # no municipality column: nothing to compare
                submission = replace(submission, municipality=mine)
            else:  # validate again to report the rows that name another municipality
                submission = self._valid(table, period, mine, nil_return)
        body: dict[str, Any] = {
            "period": str(submission.period),
            "nil_return": nil_return,
            "rows": submission.records(),
        }
        if submission.municipality is not None:
            body["municipality"] = submission.municipality
        content = submission.sha256()
        headers = None
        if not dry_run:
            # The content is already the current version: nothing to send, its receipt is the
            # answer (the same file submitted twice is one version).
            latest = self._latest(submission.period)
            if latest is not None and latest.sha256 == content:
                return replace(
                    latest,
                    replayed=True,
                    sent_sha256=content,
                    encoding=latest.encoding or encoding,
                )
            # The key covers the content (with municipality and period) and the version it
            # replaces, so every retry of this upload has the same key, and going back to
            # earlier content after a correction is a new upload with a new key.
            base = latest.version if latest is not None and latest.version else 0
            key = hashlib.sha256(f"{content}@{base}".encode()).hexdigest()
            headers = {"Idempotency-Key": key}
        # A dry run stores nothing, so it carries no key: the server must not remember a dry
        # run's answer for the real upload that follows.
        response = self._request(
            "POST",
            "/api/v1/submissions",
            json=body,
            params={"dry_run": "true"} if dry_run else None,
            headers=headers,
        )
        replayed = response.headers.get("Idempotent-Replayed", "").lower() == "true"
        receipt = self._parse(
            lambda b: Receipt.from_json(b, replayed=replayed), _json(response, self.lang)
        )
        return replace(
            receipt,
            sent_sha256=content,
            dry_run=receipt.dry_run or dry_run,
            encoding=receipt.encoding or encoding,
        )

    def _latest(self, period: Period) -> Receipt | None:
        """The current version of the token's municipality for ``period``, if any."""
        versions = [r for r in self.submissions(period) if r.version is not None]
        return max(versions, key=lambda r: r.version or 0, default=None)

    def _valid(
        self,
        table: RawTable | None,
        period: str | Period,
        municipality: str | None,
        nil_return: bool,
    ) -> Submission:
        from schemas.validation import validate_submission

        result = validate_submission(table, period, municipality, nil_return)
        if result.submission is None or not result.ok:
            issues = result.records(self.lang)
            n = len(issues)
            raise InvalidDataError(
                pick(
                    self.lang,
                    f"de gegevens zijn niet geldig ({n} {'probleem' if n == 1 else 'problemen'});"
                    " er is niets verstuurd",
                    f"the data is not valid ({n} problem{'' if n == 1 else 's'}); nothing was sent",
                ),
                issues,
            )
        return result.submission

    def _get(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        return _json(self._request("GET", path, params=params), self.lang)

    def _parse(self, build: Callable[[dict[str, Any]], Any], body: dict[str, Any]) -> Any:
        try:
            return build(body)
        except (KeyError, TypeError, ValueError) as exc:
            raise _bad_response(200, self.lang, f"{type(exc).__name__}: {exc}") from exc

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request, retrying what may succeed later; raise the error for the rest."""
        attempt = 0
        while True:
            try:
                response = self._http.request(
                    method, path, params=params, json=json, headers=headers
                )
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                if attempt >= self.retries:
                    raise self._network_error(exc, attempt + 1) from exc
                delay = self._delay(attempt)
            except httpx.TransportError as exc:  # a proxy or protocol problem: not transient
                raise self._network_error(exc, attempt + 1) from exc
            else:
                status = response.status_code
                if status < 300:
                    return response
                error = error_from_response(response, self.lang)
                if not (status == 429 or status >= 500) or attempt >= self.retries:
                    raise error
                waited = retry_after(response)
                if waited is not None and waited > MAX_RETRY_AFTER:
                    raise error
                delay = self._delay(attempt) if waited is None else waited
            self._sleep(delay)
            attempt += 1

    def _delay(self, attempt: int) -> float:
        return float(min(self.backoff * 2**attempt, MAX_BACKOFF))

    def _network_error(self, exc: httpx.TransportError, attempts: int) -> NetworkError:
        kind = type(exc).__name__
        if isinstance(exc, httpx.TimeoutException):
            nl, en = "gaf geen antwoord op tijd", "did not answer in time"
        else:
            nl, en = "is niet bereikbaar", "cannot be reached"
        return NetworkError(
            pick(
                self.lang,
                f"de server {self.url} {nl} ({kind}, {attempts} poging(en)); controleer het "
                "adres en uw verbinding en probeer het later opnieuw",
                f"the server {self.url} {en} ({kind}, {attempts} attempt(s)); check the "
                "address and your connection and try again later",
            )
        )


def validate(
    data: SubmissionData | None,
    period: str | Period,
    municipality: str | None = None,
    nil_return: bool = False,
) -> ValidationResult:
    """Validate a file (CSV or Excel) or a DataFrame offline; no server, no token."""
    from schemas.validation import validate_submission

    return validate_submission(_table(data), period, municipality, nil_return)


def _table(data: SubmissionData | None) -> RawTable | None:
    import pandas as pd

    from client.files import read_table
    from schemas.reading import RawTable, from_frame

    if data is None or isinstance(data, RawTable):
        return data
    if isinstance(data, pd.DataFrame):
        return from_frame(data)
    return read_table(data)


def _segment(value: str | int) -> str:
    """A value as one URL path segment: ``../x`` cannot climb out of the path."""
    return quote(str(value), safe="")


def retry_after(response: httpx.Response) -> float | None:
    """The ``Retry-After`` header (delta-seconds or an HTTP-date) in seconds, else ``None``."""
    value = response.headers.get("Retry-After", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        when = _http_date(value)
        if when is None:
            return None
        # Measured from the server's own Date header when it sends one, so that a local clock
        # that is off neither stretches nor cuts the wait; else from the local clock. A date
        # already past means: try again now.
        now = _http_date(response.headers.get("Date", "")) or datetime.now(UTC)
        return max(0.0, (when - now).total_seconds())
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _http_date(value: str) -> datetime | None:
    """An HTTP-date (``Wed, 21 Oct 2026 07:28:00 GMT``) as an aware datetime, else ``None``."""
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _json(response: httpx.Response, lang: Lang) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise _bad_response(response.status_code, lang, response.headers.get("content-type", ""))
    return body


def _bad_response(status: int, lang: Lang, detail: str) -> ServerError:
    return ServerError(
        status,
        "bad_response",
        pick(
            lang,
            f"het antwoord van de server is niet wat lekstat verwacht ({detail}); is het adres "
            "juist?",
            f"the server's answer is not what lekstat expects ({detail}); is the address right?",
        ),
    )


def error_from_response(response: httpx.Response, lang: Lang = "nl") -> LekstatError:
    """The exception for an error response, from its body ``{"error": {…}}`` and status."""
    status = response.status_code
    code, message, details = f"http_{status}", "", list[Any]()
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        code = str(error.get("code") or code)
        message = str(error.get("message") or "")
        raw = error.get("details")
        details = raw if isinstance(raw, list) else []
    message = message or _default_message(status, response, lang)
    if code == "period_locked":
        message = _with_contact(message, details, lang)
    if status == 422 and code == "invalid_submission":
        return InvalidDataError(
            message, [d for d in details if isinstance(d, dict)], by_server=True
        )
    kind: type[ResponseError]
    if status == 401:
        kind = AuthenticationError
    elif status == 403:
        kind = PermissionDeniedError
    elif status == 429 or status >= 500:
        kind = ServerError
    else:
        kind = RefusedError
    return kind(status, code, message, details)


def _with_contact(message: str, details: Sequence[Any], lang: Lang) -> str:
    """A lock refusal names whom to contact, when the server gives ``details[0].contact``."""
    first = details[0] if details and isinstance(details[0], Mapping) else {}
    contact = str(first.get("contact") or "").strip()
    if not contact or contact in message:
        return message
    return message + pick(
        lang,
        f". Vragen over dit kwartaal: neem contact op met {contact}",
        f". Questions about this quarter: contact {contact}",
    )


def _default_message(status: int, response: httpx.Response, lang: Lang) -> str:
    if 300 <= status < 400:
        location = response.headers.get("location", "?")
        return pick(
            lang,
            f"de server verwijst door naar {location}; gebruik dat adres (lekstat login --url)",
            f"the server redirects to {location}; use that address (lekstat login --url)",
        )
    if status == 401:
        return pick(
            lang,
            "de server kent dit token niet; log opnieuw in met lekstat login",
            "the server does not know this token; log in again with lekstat login",
        )
    reason = httpx.codes.get_reason_phrase(status) or "error"
    return pick(
        lang, f"de server antwoordde {status} {reason}", f"the server answered {status} {reason}"
    )


def figures_frame(body: Mapping[str, Any], lang: Lang = "nl") -> pd.DataFrame:
    """A published table's JSON as a DataFrame: per dimension its code and ``<dim>_label``."""
    import pandas as pd

    from schemas.tables import VALUE_COLUMNS, VALUE_TYPES, with_labels

    dimensions = [str(d) for d in body["dimensions"]]
    rows: Sequence[Mapping[str, Any]] = body["rows"]
    columns: dict[str, Any] = {
        dimension: pd.Series([str(row[dimension]) for row in rows], dtype=object)
        for dimension in dimensions
    }
    for name in VALUE_COLUMNS:
        if name == "estimate_unrounded" and rows and name not in rows[0]:
            continue  # a release made before the unrounded estimate was published
        values = [row[name] for row in rows]
        if name == "unreliable" and not all(isinstance(v, bool) for v in values):
            raise ValueError("unreliable must be true or false")
        columns[name] = pd.Series(values, dtype=VALUE_TYPES[name])
    frame = with_labels(pd.DataFrame(columns), dimensions, lang)
    frame.attrs.update(dict(body.get("metadata") or {}))
    frame.attrs.update(
        release_id=body.get("release_id"), table=body.get("table"), dimensions=dimensions
    )
    return frame


def releases_frame(body: Mapping[str, Any]) -> pd.DataFrame:
    """Release metadata as a table: one row per release, the figures a reader compares."""
    import pandas as pd

    rows = []
    for r in body["releases"]:
        quarter = r.get("quarter")
        ended = [c for c in (r.get("coverage") or {}).values() if c.get("ended")]
        shares = [c["reported"] / c["expected"] for c in ended if c.get("expected")]
        rows.append(
            {
                "id": str(r["id"]),
                "period": f"{r['year']}" + (f"-Q{quarter}" if quarter else ""),
                "status": "provisional" if r.get("provisional", True) else "final",
                "coverage": min(shares) if shares else float("nan"),
                "rho": float(r["rho"]),
                "epsilon": float(r["epsilon"]),
                "delta": float(r["delta"]),
                "created_at": pd.Timestamp(r["created_at"]),
                "tables": [str(t["name"]) for t in r.get("tables") or []],
            }
        )
    columns = ["id", "period", "status", "coverage", "rho", "epsilon", "delta", "created_at"]
    return pd.DataFrame(rows, columns=[*columns, "tables"])


def series_frame(body: Mapping[str, Any]) -> pd.DataFrame:
    """A figure across the years as a table, its cell, changes and sum in ``attrs``."""
    import pandas as pd

    from schemas.tables import VALUE_COLUMNS, VALUE_TYPES

    head = ["year", "release_id", "status", "created_at", "rho"]
    present = [c for c in VALUE_COLUMNS if all(c in p for p in body["points"])]
    frame = pd.DataFrame(
        [{k: p[k] for k in [*head, *present]} for p in body["points"]], columns=[*head, *present]
    )
    frame = frame.astype({c: VALUE_TYPES[c] for c in present} | {"year": "int64"})
    frame.attrs.update({k: body.get(k) for k in SERIES_ATTRS})
    return frame


#: What a series carries besides its years (``DataFrame.attrs``).
SERIES_ATTRS = ("table", "title", "dimensions", "stage", "cell", "cell_labels", "changes", "sum",
                "marks")  # fmt: skip
