"""One synthetic scenario per session: a store with three releases and the four report files."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from aggregator.demo.synth import SyntheticData
from aggregator.report import ReportData, load_report_data, render_html, write_report
from aggregator.store import Store
from tests.report.synthetic_release import ScenarioStore, build_scenario


@dataclass(frozen=True)
class Scenario:
    """The store with the releases, and the synthetic truth behind them."""

    store: ScenarioStore
    data: SyntheticData


@dataclass(frozen=True)
class Built:
    """A written report file, how long it took and what WeasyPrint logged meanwhile."""

    path: Path
    seconds: float
    log: tuple[str, ...]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """The store of the report tests: three releases, the 2025 submissions."""
    store = Store(tmp_path_factory.mktemp("report-db") / "lekstat.duckdb")
    try:
        yield Scenario(*build_scenario(store))
    finally:
        store.close()


@pytest.fixture(scope="session")
def report_data(scenario: Scenario) -> ReportData:
    """What the 2025 report shows (the annual release 2025-r1)."""
    return load_report_data(scenario.store, 2025)


@pytest.fixture(scope="session")
def html(report_data: ReportData) -> dict[str, str]:
    """The HTML report per language."""
    return {lang: render_html(report_data, lang) for lang in ("nl", "en")}


@pytest.fixture(scope="session")
def built(
    report_data: ReportData, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], Built]:
    """Both languages in both formats, written with :func:`write_report`."""
    out = tmp_path_factory.mktemp("report-files")
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    files = {}
    try:
        for lang in ("nl", "en"):
            for suffix in ("html", "pdf"):
                handler.messages.clear()
                start = time.perf_counter()
                path = write_report(report_data, lang, out / f"jaarrapportage-2025-{lang}.{suffix}")
                files[(lang, suffix)] = Built(
                    path, time.perf_counter() - start, tuple(handler.messages)
                )
    finally:
        logger.removeHandler(handler)
    return files
