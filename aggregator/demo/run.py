"""The whole story in one command: ``lekstat-server demo``.

On synthetic data (:mod:`aggregator.demo.synth`, a seed, known truth): a real server on a new
database on loopback, a token for every municipality, four quarters of submissions from all 342
municipalities through the real client (concurrently, with corrections and late submissions),
completeness, locks, a preview, a release, the report in Dutch and English, and a summary.
The server's clock is a demo clock moved through the operator socket, so deadlines and late
submissions behave as they did in that year. Nothing is left running.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from aggregator.cli.channel import forward, socket_path
from aggregator.demo.processes import Server, free_port, onboard, script, start_server, stop_server
from aggregator.demo.synth import SyntheticConfig, SyntheticData, Upload, generate
from client.api import Client
from schemas.periods import Period, quarters_of

MARKER = ".lekstat-demo"

#: Days after a quarter's end at which its on-time submissions (with corrections) and its late
#: ones are sent, and after the last quarter's end at which the quarters are locked and released.
ON_TIME_DAYS, LATE_DAYS, RELEASE_DAYS = 8, 45, 60


class DemoError(RuntimeError):
    """A step of the demo failed; the message says which and why."""


@dataclass
class Timings:
    """How long each step took, printed as it goes."""

    out: TextIO
    steps: list[tuple[str, float]] = field(default_factory=list)

    @contextmanager
    def step(self, title: str) -> Iterator[None]:
        """Time one step and print its title and duration."""
        print(f"\n▸ {title}", file=self.out, flush=True)
        start = time.perf_counter()
        yield
        seconds = time.perf_counter() - start
        self.steps.append((title, seconds))
        print(f"  ({seconds:.1f} s)", file=self.out, flush=True)

    def say(self, text: str) -> None:
        """A line of output under the current step."""
        print(f"  {text}", file=self.out, flush=True)


def _server_command() -> list[str]:
    return [script("lekstat-server")]


def _operator(db: Path, *argv: str) -> str:
    """Run a lekstat-server command in the running server; its output, or DemoError."""
    # The demo tells its story in English; the commands it runs answer in the same language.
    code, out, err = forward(socket_path(db), ["--lang", "en", *argv])
    if code != 0:
        raise DemoError(f"lekstat-server {' '.join(argv)} failed: {err.strip() or out.strip()}")
    return out


class DemoClock:
    """The server's demo clock, moved forwards only: set back, it would stamp a release earlier
    than submissions it counts, and the report's 'as of' would no longer be true."""

    def __init__(self, db: Path, start: dt.datetime) -> None:
        self.db, self.now = db, start

    def move_to(self, moment: dt.datetime) -> None:
        """Set the server's clock to ``moment``; DemoError if that is earlier than before."""
        if moment < self.now:
            raise DemoError(f"the demo clock may not go back from {self.now} to {moment}")
        _operator(self.db, "demo-clock", moment.isoformat(timespec="minutes"))
        self.now = moment


def _at_nine(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9))


def _start_server(db: Path, port: int, clock: dt.datetime, log: Path) -> Server:
    env = {
        "LEKSTAT_DEMO_CLOCK": clock.isoformat(),
        "LEKSTAT_RATE_LIMIT_PER_MINUTE": "6000",
        "LEKSTAT_RATE_LIMIT_BURST": "1000",
    }
    try:
        return start_server(db, env=env, port=port, log=log, timeout=60)
    except RuntimeError:
        raise DemoError(f"the server did not start; see {log}") from None


class Municipalities:
    """One client per municipality, kept for the whole demo (its connection and identity)."""

    def __init__(self, url: str, tokens: dict[str, str]) -> None:
        self.clients = {m: Client(url, token, retries=5) for m, token in tokens.items()}

    def send(self, upload: Upload) -> Any:
        """Send one upload through the municipality's client; the receipt."""
        client = self.clients[upload.municipality]
        if upload.rows is None:
            return client.submit_nil(upload.period)
        return client.submit(upload.rows, upload.period)

    def send_all(self, uploads: list[Upload], concurrency: int) -> list[Any]:
        """Send uploads concurrently (each municipality at most once per batch)."""
        with ThreadPoolExecutor(concurrency) as pool:
            return list(pool.map(self.send, uploads))

    def close(self) -> None:
        """Close every client."""
        for client in self.clients.values():
            client.close()


def _prepare_out(out: Path) -> None:
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise DemoError(f"{out} exists and is not a lekstat demo folder; choose --out")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("made by lekstat-server demo; removed by the next demo\n")


def run_demo(
    out: Path,
    *,
    year: int,
    seed: int = 2025,
    rho: float = 0.5,
    concurrency: int = 16,
    stream: TextIO = sys.stdout,
) -> dict[str, Any]:
    """Run the whole story; return the paths written and the timings."""
    t = Timings(stream)
    total_start = time.perf_counter()
    _prepare_out(out)
    db = out / "lekstat-demo.duckdb"
    log = out / "server.log"
    periods = list(quarters_of(year))
    written: dict[str, Path] = {"database": db, "server log": log}

    with t.step(f"Synthetic data for {year} (seed {seed}) and a token per municipality"):
        data: SyntheticData = generate([year], SyntheticConfig(seed=seed))
        tokens_file = out / "tokens.csv"
        _cli(db, "init")
        tokens = onboard(db, tokens_file)
        statistician = _cli(
            db, "token", "create", "--role", "statistician", "--label", "demo"
        ).splitlines()[-1]
        analyst = _cli(db, "token", "create", "--role", "analyst", "--label", "demo").splitlines()[
            -1
        ]
        truth = data.truth_rows(year)
        stage_counts = int(truth["count"].sum())
        t.say(f"{len(tokens)} municipality tokens; {stage_counts} true stage counts in {year}")
        written["tokens"] = tokens_file

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    first_clock = _at_nine(periods[0].end + dt.timedelta(days=ON_TIME_DAYS))
    # After the last late submission: the release counts everything it is stamped after.
    release_clock = _at_nine(periods[-1].end + dt.timedelta(days=RELEASE_DAYS))
    with t.step(f"Start the server on {url} (demo clock at {first_clock:%Y-%m-%d})"):
        server = _start_server(db, port, first_clock, log)
    url = server.url
    clock = DemoClock(db, first_clock)
    municipalities = Municipalities(url, tokens)
    try:
        for period in periods:
            _submit_quarter(t, clock, url, municipalities, statistician, data, period, concurrency)

        with t.step(f"Lock the four quarters (demo clock at {release_clock:%Y-%m-%d})"):
            clock.move_to(release_clock)
            for period in periods:
                t.say(_operator(db, "period", "lock", str(period)).strip())

        with t.step(f"Budget, preview and release at rho = {rho}"):
            t.say(_operator(db, "budget", "set", str(year), "--rho", str(2 * rho)).strip())
            preview = _operator(db, "release", "preview", "--year", str(year), "--rho", str(rho))
            for line in preview.strip().splitlines():
                t.say(line)
            created = _operator(db, "release", "create", "--year", str(year), "--rho", str(rho))
            release_id = created.strip().splitlines()[-1]
            t.say(created.strip().splitlines()[0])

        with t.step("An analyst reads the national totals (released vs the synthetic truth)"):
            with Client(url, analyst) as client:
                totals = client.figures(release_id, "totals")
            true_totals = truth.groupby("stage")["count"].sum()
            for row in totals.itertuples(index=False):
                flag = " (unreliable)" if row.unreliable else ""
                t.say(
                    f"{row.stage:<28} {row.estimate:>4}  [{row.ci_low:>3}, {row.ci_high:>3}]"
                    f"  truth {int(true_totals.get(row.stage, 0)):>3}{flag}"
                )

        with t.step("The report in Dutch and English"):
            for lang, suffix in (("nl", "pdf"), ("en", "html"), ("nl", "html"), ("en", "pdf")):
                target = out / f"lekstat-{year}-{lang}.{suffix}"
                _operator(db, "report", "--year", str(year), "--lang", lang, "--out", str(target))
                written[f"report ({lang}, {suffix.upper()})"] = target
                t.say(f"{target} ({target.stat().st_size / 1024:.0f} KB)")
    finally:
        municipalities.close()
        with t.step("Stop the server"):
            stop_server(server)

    total = time.perf_counter() - total_start
    print("\nSummary", file=stream)
    for title, seconds in t.steps:
        print(f"  {seconds:6.1f} s  {title}", file=stream)
    print(f"  {total:6.1f} s  in all", file=stream)
    print("\nWritten:", file=stream)
    for what, path in written.items():
        print(f"  {what:<20} {path}", file=stream)
    command = Path(sys.executable).parent / "lekstat-server"
    print(
        f"\nThe server has stopped. Look around with: {command} --db {db} release list", file=stream
    )
    return {"paths": written, "timings": t.steps, "total_seconds": total, "release_id": release_id}


def _cli(db: Path, *argv: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own command line, fixed arguments
        [*_server_command(), "--db", str(db), "--lang", "en", *argv],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise DemoError(f"lekstat-server {' '.join(argv)} failed: {result.stderr.strip()}")
    return result.stdout


def _submit_quarter(
    t: Timings,
    clock: DemoClock,
    url: str,
    municipalities: Municipalities,
    statistician: str,
    data: SyntheticData,
    period: Period,
    concurrency: int,
) -> None:
    uploads = data.uploads(period)
    on_time = [u for u in uploads if not u.late and u.version == 1]
    corrections = [u for u in uploads if u.version > 1]
    late = [u for u in uploads if u.late]
    with t.step(
        f"{period}: {len(on_time)} on time, {len(corrections)} corrections, {len(late)} late"
    ):
        clock.move_to(_at_nine(period.end + dt.timedelta(days=ON_TIME_DAYS)))
        receipts = municipalities.send_all(on_time, concurrency)
        receipts += municipalities.send_all(corrections, concurrency)
        clock.move_to(_at_nine(period.end + dt.timedelta(days=LATE_DAYS)))
        receipts += municipalities.send_all(late, concurrency)
        nil = sum(1 for u in uploads if u.rows is None)
        highest = max(r.version for r in receipts)
        t.say(f"{len(receipts)} receipts ({nil} nil returns), versions up to {highest}")
        with Client(url, statistician) as client:
            summary = client.completeness(period)["summary"]
        t.say(
            "completeness: {reported} reported, {not_reported} not reported, "
            "{late} late of {expected}".format(**summary)
        )
