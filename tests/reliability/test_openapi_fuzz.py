"""Schemathesis against the service's own OpenAPI document, in-process on a real DuckDB file:
every operation, with schema-valid and schema-violating requests and a token of a role that
may use it, never gives a 5xx, and every answer conforms to what the document declares (status
codes, content types, headers, bodies). Every documented path also answers ``OPTIONS`` with the
methods the document gives it, and a method it does not document with 405 naming them."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

from aggregator.config import Settings
from aggregator.http.app import create_app
from aggregator.store import Store
from tests.http.conftest import NOW, add_tokens

pytestmark = pytest.mark.slow

#: Examples per operation and generation mode (schema-valid, schema-violating).
EXAMPLES = 60


#: Operations whose schema-valid requests can still be refused with 422 for rules no schema can
#: state: a period not yet started or before 2024, a duplicate combination, a municipality code
#: not in the register, a release for a year that has not started or a plan that adds stages.
#: For these the check that schema-valid data is accepted is off; every other check stays on.
#: (Token creation is not among them: its schema names the roles the API issues and the days a
#: token may work, so every schema-valid request is issued.)
BUSINESS_RULES = {
    "POST /api/v1/submissions",
    "POST /api/v1/periods/{period}/lock",
    "POST /api/v1/releases",
    "POST /api/v1/releases/preview",
}


def _caller(operation: APIOperation) -> str:
    """A role that may use the operation (others are refused, which the matrix test covers)."""
    path = operation.path
    if path.startswith(("/api/v1/submissions", "/api/v1/me/")):
        return "own"
    if path.startswith(("/api/v1/tokens", "/api/v1/audit")):
        return "admin"
    return "statistician"


def test_openapi_every_operation_conforms_and_never_fails(tmp_path: Path) -> None:
    settings_ = Settings(
        db_path=tmp_path / "lekstat.duckdb",
        rate_limit_per_minute=1e6,
        rate_limit_burst=100_000,
        token_max_days=3650,  # the schema's bound; a deployment may allow fewer days
    )
    store = Store(settings_.db_path)  # the test's: schemathesis runs the app's lifespan per call
    app = create_app(settings_, store=store, clock=lambda: NOW)
    tokens, _ = add_tokens(store)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)

    ran: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        headers = {"Authorization": f"Bearer {tokens[_caller(operation)]}"}
        declared = {parameter.name for parameter in operation.query}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            excluded = [positive_data_acceptance] if operation.label in BUSINESS_RULES else []

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def check(case: schemathesis.Case) -> None:
                ran[operation.label] += 1
                skip = list(excluded)
                query = case.query or {}
                if set(query) - declared:
                    # Unknown query parameters are ignored, as HTTP services commonly do; a
                    # request whose only fault is one of those is not "invalid data accepted".
                    skip.append(negative_data_rejection)
                elif any(v is None or v == [] or v == {} for v in query.values()):
                    # A fault that never reaches the service: a query value that is not sent
                    # (None, an empty list). The request that goes out may be valid.
                    skip.append(negative_data_rejection)
                # A case that leaves out Authorization is sent without it (then 401 is right),
                # not with the test's token, which would undo its fault.
                sent = headers if "Authorization" in (case.headers or {}) else {}
                response = case.call_and_validate(headers=sent, excluded_checks=skip)
                statuses[response.status_code] += 1

            try:
                check()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # nothing to violate: no parameters
            except (Exception, BaseExceptionGroup) as exc:  # collect all, report at once
                failures.append(f"{operation.label} ({mode.value}): {str(exc)[:1500]}")
    failures += _methods_as_documented(app, schema.raw_schema, tokens["admin"])
    store.close()
    print(
        f"\nschemathesis: {sum(ran.values())} cases over {len(ran)} operations; "
        f"statuses {dict(sorted(statuses.items()))}"
    )
    assert not failures, "\n\n".join(failures)


def _methods_as_documented(app: object, document: dict[str, Any], token: str) -> list[str]:
    """OPTIONS and an undocumented method on every documented path: what each answers."""
    from fastapi.testclient import TestClient

    def matches(template: str, url: str) -> bool:
        return re.fullmatch(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)), url) is not None

    failures = []
    with TestClient(app) as client:  # type: ignore[arg-type]
        for path in document["paths"]:
            url = re.sub(r"\{[^}]+\}", "x1", path)
            # A literal path can also be a value of a templated one (`/releases/preview` is a
            # release id to `GET /releases/{id}`): the methods of every template it matches.
            documented = {
                m.upper()
                for template, operations in document["paths"].items()
                if matches(template, url)
                for m in operations
            }
            expected = ", ".join(sorted(documented | {"OPTIONS"}))
            options = client.options(url)
            if options.status_code != 204 or options.headers.get("allow") != expected:
                failures.append(f"OPTIONS {path}: {options.status_code} {options.headers}")
            other = next(m for m in ("PATCH", "PUT", "DELETE", "POST") if m not in documented)
            wrong = client.request(other, url, headers={"Authorization": f"Bearer {token}"})
            if wrong.status_code != 405 or wrong.headers.get("allow") != expected:
                failures.append(f"{other} {path}: {wrong.status_code} {wrong.headers}")
    return failures
