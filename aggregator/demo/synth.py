"""Synthetic incidents and submissions with known truth, for the demo, the tests and benchmarks.

The generator simulates individual incidents (one civil servant's case, the privacy unit) and
derives from them exactly what municipalities would submit under the counting rules of
``docs/DESIGN.md``: a quarter's file counts, per combination, the incidents that reached each
stage during that quarter. Randomness is numpy's seeded ``Generator``: this is synthetic
*truth*, never privacy noise.

The model is deliberately simple; every number below is a documented assumption, not an
estimate, and it can be replaced when real figures exist.

**Scale.** New incidents (stage ``ST01_SIGNAAL``) per year are Poisson with mean
``incidents_per_year`` (default 100), uniform over the quarters. Anchors (taxonomy notes S3, S5):
the Rijksrecherche opens 16–34 leak investigations a year across all of government and the Dutch
DPA hears from 10–20 municipalities a year; both undercount, because many cases are never
recognised or reported. At the default scale, per year, about 33 incidents are referred to the
Rijksrecherche or reported to the police, 16 lead to an arrest and 11 to a conviction, and about
30 are notified to the DPA by about 25 municipalities (above the AP's 10–20, for the same reason).

**Where.** The register has no population column, so a *proxy* stands in for municipality size:
a Zipf weight ``rank ** -zipf_exponent``. Amsterdam, Rotterdam, 's-Gravenhage and Utrecht take
ranks 1–4; the other municipalities get ranks 5… in an order drawn once from ``size_seed``
(independent of ``seed``, so the same municipalities are large under every incident seed).
Dutch populations fall roughly as rank^-0.7; the default 0.8 lets incidents concentrate a little
more than people do in the big cities (organised-crime pressure), which gives the big four about
20% of incidents. Municipality sizes other than the big four are *not* real.

**What.** Each incident has one function type, one data category (conditional on the function
type: BRP staff leak mostly address data, parking staff licence-plate data), one employment type
(hired staff at about twice their assumed ~10% share of the workforce) and one motive. See the
``*_WEIGHTS`` constants.

**Stages.** After the signal, an incident reaches each later stage at most once, in code order,
each stage a whole number of quarters (possibly 0) after the previous stage it reached:

- internal investigation (``ST02``) with probability 0.85; without one the signal is closed;
- with an investigation: DPA notification (``ST03``) 0.35; referral to the Rijksrecherche or a
  criminal complaint (``ST04``) depending on the motive (criminal 0.75, private 0.25, curiosity
  0.05, unknown 0.30); arrest (``ST05``) after a referral (criminal 0.60, other 0.30);
  disciplinary measure (``ST06``) 0.90 after an arrest, otherwise by motive (0.80, 0.60, 0.55,
  0.40); conviction (``ST07``) 0.65 after an arrest;
- closed without sanction (``ST08``) when neither ``ST06`` nor ``ST07`` is reached.

Delays are in ``STAGE_DELAYS``; courts are slow (a conviction comes 2–6 quarters after the
arrest), so many incidents end in the next year. Signals are also drawn for ``warm_up_years``
before the first requested year (three by default: a conviction can come 11 quarters after its
signal), so the first year holds later stages of earlier incidents as a real one does; the stages
of the last year's incidents run on past the span.

**Submitting.** Per quarter, a municipality-quarter is *missing* (never submitted) with
probability ``missing_share``, *late* (submitted after the deadline) with ``late_share``, and an
on-time, non-empty one is *corrected* with ``correction_share``: it first submits a draft with
one mistake (one count forgotten, or one count under the wrong function type) and then the true
counts as a new version before the lock. The latest version is therefore always the truth.

>>> data = generate([2025, 2026])
>>> rows = data.truth_rows(2026)
>>> list(rows.columns)
['municipality', 'period', 'function_type', 'data_category', 'stage', 'employment_type', \
'motive', 'count']
>>> subs = data.submissions("2026-Q1")
>>> len(subs), sum(v is None for v in subs.values()) > 250
(342, True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from aggregator.dp.counting import ROW_COLUMNS
from schemas.municipalities import Register, load_register
from schemas.periods import FIRST_PERIOD, Period
from schemas.taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "BIG_FOUR",
    "DATA_CATEGORY_GIVEN_FUNCTION",
    "EMPLOYMENT_WEIGHTS",
    "FUNCTION_WEIGHTS",
    "MOTIVE_WEIGHTS",
    "STAGE_DELAYS",
    "TRUTH_COLUMNS",
    "Correction",
    "QuarterPlan",
    "SyntheticConfig",
    "SyntheticData",
    "Upload",
    "generate",
    "size_proxy",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: The four largest municipalities, largest first: ranks 1–4 of the size proxy.
BIG_FOUR = ("GM0363", "GM0599", "GM0518", "GM0344")

#: The columns of :meth:`SyntheticData.truth_rows`: the shape the release engine reads.
TRUTH_COLUMNS = ROW_COLUMNS

#: Function types of incidents: the fields with access to data criminals want, and front desks
#: with broad read access, dominate.
FUNCTION_WEIGHTS: Mapping[str, float] = {
    "FT01_BRP": 0.22,
    "FT02_REISDOC": 0.08,
    "FT03_KCC": 0.12,
    "FT04_PARKEREN": 0.14,
    "FT05_HANDHAVING": 0.10,
    "FT06_VTH": 0.04,
    "FT07_BELASTINGEN": 0.05,
    "FT08_SOCIAAL": 0.12,
    "FT09_OOV": 0.02,
    "FT10_ICT": 0.03,
    "FT11_INFO": 0.02,
    "FT12_BEDRIJFSVOERING": 0.02,
    "FT13_BELEID_MGMT": 0.01,
    "FT14_OVERIG": 0.01,
    "FT99_ONBEKEND": 0.02,
}

#: The data category given the function type: mostly the data the function's system holds,
#: BRP address data as the common second (it is what criminals ask for), and some "other".
DATA_CATEGORY_GIVEN_FUNCTION: Mapping[str, Mapping[str, float]] = {
    "FT01_BRP": {"DC01_BRP_ADRES": 0.85, "DC02_DOCUMENT": 0.05, "DC99_OVERIG": 0.10},
    "FT02_REISDOC": {"DC02_DOCUMENT": 0.60, "DC01_BRP_ADRES": 0.30, "DC99_OVERIG": 0.10},
    "FT03_KCC": {
        "DC01_BRP_ADRES": 0.60,
        "DC02_DOCUMENT": 0.10,
        "DC03_KENTEKEN": 0.05,
        "DC04_FISCAAL": 0.05,
        "DC05_SOCIAAL_ZORG": 0.10,
        "DC99_OVERIG": 0.10,
    },
    "FT04_PARKEREN": {"DC03_KENTEKEN": 0.80, "DC01_BRP_ADRES": 0.10, "DC99_OVERIG": 0.10},
    "FT05_HANDHAVING": {
        "DC03_KENTEKEN": 0.35,
        "DC06_HANDHAVING_OOV": 0.35,
        "DC01_BRP_ADRES": 0.20,
        "DC99_OVERIG": 0.10,
    },
    "FT06_VTH": {
        "DC07_BEDRIJF": 0.50,
        "DC06_HANDHAVING_OOV": 0.20,
        "DC01_BRP_ADRES": 0.20,
        "DC99_OVERIG": 0.10,
    },
    "FT07_BELASTINGEN": {"DC04_FISCAAL": 0.70, "DC01_BRP_ADRES": 0.20, "DC99_OVERIG": 0.10},
    "FT08_SOCIAAL": {"DC05_SOCIAAL_ZORG": 0.70, "DC01_BRP_ADRES": 0.20, "DC99_OVERIG": 0.10},
    "FT09_OOV": {
        "DC06_HANDHAVING_OOV": 0.60,
        "DC07_BEDRIJF": 0.15,
        "DC01_BRP_ADRES": 0.15,
        "DC99_OVERIG": 0.10,
    },
    "FT10_ICT": {
        "DC01_BRP_ADRES": 0.50,
        "DC02_DOCUMENT": 0.10,
        "DC03_KENTEKEN": 0.10,
        "DC04_FISCAAL": 0.10,
        "DC05_SOCIAAL_ZORG": 0.10,
        "DC99_OVERIG": 0.10,
    },
    "FT11_INFO": {"DC01_BRP_ADRES": 0.60, "DC07_BEDRIJF": 0.20, "DC99_OVERIG": 0.20},
    "FT12_BEDRIJFSVOERING": {"DC04_FISCAAL": 0.40, "DC01_BRP_ADRES": 0.30, "DC99_OVERIG": 0.30},
    "FT13_BELEID_MGMT": {
        "DC01_BRP_ADRES": 0.40,
        "DC06_HANDHAVING_OOV": 0.20,
        "DC07_BEDRIJF": 0.20,
        "DC99_OVERIG": 0.20,
    },
    "FT14_OVERIG": {"DC01_BRP_ADRES": 0.40, "DC99_OVERIG": 0.60},
    "FT99_ONBEKEND": {"DC01_BRP_ADRES": 0.50, "DC99_OVERIG": 0.50},
}

#: Employment types of incidents. Hired staff are assumed to be ~10% of the municipal workforce;
#: they get about twice that (taxonomy notes §6: screening gaps at hiring).
EMPLOYMENT_WEIGHTS: Mapping[str, float] = {
    "EM01_VAST": 0.55,
    "EM02_TIJDELIJK": 0.15,
    "EM03_INHUUR": 0.22,
    "EM04_STAGIAIR": 0.03,
    "EM99_ONBEKEND": 0.05,
}

#: Motives (the AP's three examples, taxonomy notes S3, and unknown).
MOTIVE_WEIGHTS: Mapping[str, float] = {
    "MO01_CRIMINEEL": 0.30,
    "MO02_PRIVE": 0.30,
    "MO03_NIEUWSGIERIG": 0.20,
    "MO99_ONBEKEND": 0.20,
}

_P_INVESTIGATION = 0.85
_P_DPA = 0.35
_P_CONVICTION = 0.65
_P_DISCIPLINARY_AFTER_ARREST = 0.90
#: Per motive; a motive not named gets the matching _OTHER probability.
_P_REFERRAL = {"MO01_CRIMINEEL": 0.75, "MO02_PRIVE": 0.25, "MO03_NIEUWSGIERIG": 0.05}
_P_ARREST = {"MO01_CRIMINEEL": 0.60}
_P_DISCIPLINARY = {"MO01_CRIMINEEL": 0.80, "MO02_PRIVE": 0.60, "MO03_NIEUWSGIERIG": 0.55}
_P_REFERRAL_OTHER = 0.30
_P_ARREST_OTHER = 0.30
_P_DISCIPLINARY_OTHER = 0.40

#: Quarters from the previous stage reached to this one: probabilities of 0, 1, 2, … quarters.
STAGE_DELAYS: Mapping[str, tuple[float, ...]] = {
    "ST02_INTERN_ONDERZOEK": (0.6, 0.4),
    "ST03_DATALEK_AP": (0.7, 0.3),
    "ST04_MELDING_RR_AANGIFTE": (0.5, 0.35, 0.15),
    "ST05_AANHOUDING": (0.3, 0.4, 0.3),
    "ST06_DISCIPLINAIR": (0.4, 0.4, 0.2),
    "ST07_VEROORDELING": (0.0, 0.0, 0.2, 0.3, 0.25, 0.15, 0.1),
    "ST08_AFGESLOTEN_GEEN_GEVOLG": (0.3, 0.4, 0.3),
}
#: A case that was closed after an arrest (dismissal, acquittal) waited for the courts too.
_COURT_DELAY = STAGE_DELAYS["ST07_VEROORDELING"]


@dataclass(frozen=True)
class SyntheticConfig:
    """The knobs of the generator; the defaults are the documented realistic world."""

    #: Expected new incidents (signals) per year, nationally.
    incidents_per_year: float = 100.0
    #: Seed of the incidents and of the submission plan.
    seed: int = 2026
    #: Seed of the size proxy's order below the big four; fixed so the world stays put.
    size_seed: int = 342
    #: Exponent of the Zipf size proxy (0 = every municipality alike).
    zipf_exponent: float = 0.8
    #: Years of signals before the first requested year, so that it starts in steady state.
    warm_up_years: int = 3
    #: Share of municipality-quarters never submitted.
    missing_share: float = 0.01
    #: Share of the other municipality-quarters submitted after the deadline.
    late_share: float = 0.05
    #: Share of on-time, non-empty municipality-quarters first submitted with one mistake.
    correction_share: float = 0.10

    def __post_init__(self) -> None:
        if not self.incidents_per_year >= 0:
            raise ValueError("incidents_per_year must be 0 or more")
        if not self.zipf_exponent >= 0:
            raise ValueError("zipf_exponent must be 0 or more")
        if self.warm_up_years < 0:
            raise ValueError("warm_up_years must be 0 or more")
        for name in ("missing_share", "late_share", "correction_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must lie between 0 and 1")


@dataclass(frozen=True, eq=False)
class Correction:
    """A municipality-quarter first submitted as ``draft``, then corrected to ``final``.

    ``None`` is a nil return. ``kind`` is ``"added"`` (the draft lacked one count) or
    ``"moved"`` (the draft had one count under a wrong function type).
    """

    municipality: str
    period: Period
    kind: str
    draft: pd.DataFrame | None
    final: pd.DataFrame | None


@dataclass(frozen=True)
class QuarterPlan:
    """How the municipalities of one quarter submit: who is missing, late, or corrects."""

    period: Period
    missing: frozenset[str]
    late: frozenset[str]
    corrections: tuple[Correction, ...]


@dataclass(frozen=True, eq=False)
class Upload:
    """One submission as the demo sends it; ``rows`` is ``None`` for a nil return."""

    municipality: str
    period: Period
    rows: pd.DataFrame | None
    version: int
    late: bool

    @property
    def nil_return(self) -> bool:
        """Whether this upload is a nil return."""
        return self.rows is None


@dataclass(frozen=True, eq=False)
class SyntheticData:
    """Generated incidents over a span of years, and everything derived from them.

    ``incidents`` has one row per incident: ``incident_id, municipality, function_type,
    data_category, employment_type, motive`` and one column per stage code holding the period
    (``2026-Q1``) in which the incident reached that stage, missing when it never did (or not
    before the end of the simulation).
    """

    config: SyntheticConfig
    years: tuple[int, ...]
    incidents: pd.DataFrame
    plans: Mapping[Period, QuarterPlan] = field(repr=False)
    _events: _Events = field(repr=False)

    @property
    def complete_on(self) -> dt.date:
        """The first day after the last generated quarter: a ``today`` for validation."""
        return Period(self.years[-1], 4).end + dt.timedelta(days=1)

    def truth_rows(
        self, year: int, quarter: int | None = None, *, submitted_only: bool = False
    ) -> pd.DataFrame:
        """The true latest rows of a year (or quarter), non-zero only, as the engine reads them.

        With ``submitted_only`` the municipality-quarters the plan leaves missing are left out:
        what the store holds once every upload of :meth:`uploads` has been made.
        """
        periods = self._periods(year, quarter)
        exclude = (
            {(m, p) for p in periods for m in self.plans[p].missing} if submitted_only else set()
        )
        return self._events.rows(periods, exclude)

    def submissions(self, period: Period | str) -> dict[str, pd.DataFrame | None]:
        """Every valid municipality's true submission for ``period``; ``None`` is a nil return."""
        p = self._period(period)
        rows = self._events.rows((p,), set())
        by_municipality = {
            str(code): part.drop(columns=["municipality", "period"]).reset_index(drop=True)
            for code, part in rows.groupby("municipality", sort=False)
        }
        return {m: by_municipality.get(m) for m in self._events.valid_codes(p.year)}

    def plan(self, period: Period | str) -> QuarterPlan:
        """Who is missing, late or corrects in ``period``."""
        return self.plans[self._period(period)]

    def uploads(self, period: Period | str) -> list[Upload]:
        """The uploads of ``period`` in the order to send them: on time, corrections, late."""
        p = self._period(period)
        plan = self.plans[p]
        final = self.submissions(p)
        drafts = {c.municipality: c.draft for c in plan.corrections}
        on_time = [m for m in final if m not in plan.missing and m not in plan.late]
        return [
            *(Upload(m, p, drafts.get(m, final[m]), 1, False) for m in on_time),
            *(Upload(c.municipality, p, c.final, 2, False) for c in plan.corrections),
            *(Upload(m, p, final[m], 1, True) for m in final if m in plan.late),
        ]

    def _period(self, period: Period | str) -> Period:
        p = Period.parse(period)
        if p.year not in self.years:
            raise ValueError(f"{p} is outside the generated years {self.years}")
        return p

    def _periods(self, year: int, quarter: int | None) -> tuple[Period, ...]:
        if year not in self.years:
            raise ValueError(f"{year} is outside the generated years {self.years}")
        if quarter is None:
            return tuple(Period(year, q) for q in range(1, 5))
        return (Period(year, quarter),)


def size_proxy(
    config: SyntheticConfig | None = None, register: Register | None = None
) -> pd.Series:
    """The size proxy: a Zipf weight per municipality code (summing to 1), largest first."""
    config = config or SyntheticConfig()
    register = register or load_register()
    codes = sorted({m.code for m in register.municipalities})
    others = [c for c in codes if c not in BIG_FOUR]
    order = np.random.default_rng(config.size_seed).permutation(len(others))
    ranked = [c for c in BIG_FOUR if c in codes] + [others[i] for i in order]
    weights = np.arange(1, len(ranked) + 1, dtype=float) ** -config.zipf_exponent
    return pd.Series(weights / weights.sum(), index=pd.Index(ranked, name="municipality"))


def generate(
    years: Sequence[int],
    config: SyntheticConfig | None = None,
    *,
    taxonomy: Taxonomy | None = None,
    register: Register | None = None,
) -> SyntheticData:
    """Simulate incidents over ``min(years)…max(years)`` and plan their submissions."""
    config = config or SyntheticConfig()
    taxonomy = taxonomy or load_taxonomy()
    register = register or load_register()
    if not years:
        raise ValueError("give at least one year")
    span = tuple(range(min(years), max(years) + 1))
    if span[0] < FIRST_PERIOD.year:
        raise ValueError(f"lekstat accepts counts from {FIRST_PERIOD} onwards")
    incident_seed, plan_seed = np.random.SeedSequence(config.seed).spawn(2)
    events = _simulate(span, config, taxonomy, register, np.random.default_rng(incident_seed))
    plans = _plan(span, config, events, np.random.default_rng(plan_seed))
    return SyntheticData(config, span, events.incident_frame(), plans, events)


# --- simulation -----------------------------------------------------------------------------


def _quarter_index(period: Period) -> int:
    return period.year * 4 + period.quarter - 1


def _period_text(index: int) -> str:
    return f"{index // 4}-Q{index % 4 + 1}"


def _probabilities(weights: Mapping[str, float], codes: Sequence[str]) -> npt.NDArray[np.float64]:
    unknown = set(weights) - set(codes)
    if unknown:
        raise ValueError(f"codes not in the taxonomy: {sorted(unknown)}")
    p = np.array([weights.get(c, 0.0) for c in codes], dtype=float)
    return p / p.sum()


def _draw(rng: np.random.Generator, cdf: npt.NDArray[np.float64]) -> IntArray:
    """One category per row of ``cdf`` (cumulative probabilities, one row per draw)."""
    # Scaled to the row's own total, u lies below it, so the category drawn (the first whose
    # cumulative value exceeds u) always has a positive probability, whatever the rounding.
    u = rng.random(len(cdf)) * cdf[:, -1]
    return (u[:, None] >= cdf).sum(axis=1).astype(np.int64)


def _delays(rng: np.random.Generator, probabilities: Sequence[float], n: int) -> IntArray:
    cdf = np.cumsum(np.asarray(probabilities, dtype=float))
    return _draw(rng, np.broadcast_to(cdf, (n, len(cdf))))


@dataclass(frozen=True)
class _Events:
    """Incidents as integer arrays, and every (incident, stage) reached as an event."""

    taxonomy: Taxonomy
    codes: tuple[str, ...]  # municipality codes, sorted: the index of ``municipality``
    valid: Mapping[int, tuple[str, ...]]  # year -> valid municipality codes
    municipality: IntArray
    dims: Mapping[str, IntArray]  # per non-stage dimension, the code index per incident
    stage_quarter: IntArray  # incidents × stages, quarter index, -1 when not reached

    def valid_codes(self, year: int) -> tuple[str, ...]:
        return self.valid[year]

    def rows(self, periods: Sequence[Period], exclude: set[tuple[str, Period]]) -> pd.DataFrame:
        """Count events per municipality, period and combination, in taxonomy order."""
        lo = _quarter_index(periods[0])
        hi = _quarter_index(periods[-1])
        incident, stage = np.nonzero((self.stage_quarter >= lo) & (self.stage_quarter <= hi))
        quarter = self.stage_quarter[incident, stage] - lo
        municipality = self.municipality[incident]
        if exclude:
            position = {code: i for i, code in enumerate(self.codes)}
            quarters = hi - lo + 1
            skip = [position[m] * quarters + _quarter_index(p) - lo for m, p in exclude]
            keep = ~np.isin(municipality * quarters + quarter, skip)
            incident, stage, quarter, municipality = (
                a[keep] for a in (incident, stage, quarter, municipality)
            )
        names = self.taxonomy.dimension_names
        index = {n: (stage if n == "stage" else self.dims[n][incident]) for n in names}
        shape = (len(self.codes), hi - lo + 1, *(len(self.taxonomy.codes(n)) for n in names))
        # One integer key per cell, ordered like the output should be: sorting the keys sorts
        # by municipality, period and then the taxonomy order of every dimension.
        keys = np.ravel_multi_index((municipality, quarter, *(index[n] for n in names)), shape)
        unique, counts = np.unique(keys, return_counts=True)
        parts = np.unravel_index(unique, shape)
        columns: dict[str, object] = {
            "municipality": np.asarray(self.codes, dtype=object)[parts[0]],
            "period": np.asarray([_period_text(lo + q) for q in range(hi - lo + 1)], dtype=object)[
                parts[1]
            ],
        }
        for n, part in zip(names, parts[2:], strict=True):
            columns[n] = np.asarray(self.taxonomy.codes(n), dtype=object)[part]
        columns["count"] = counts.astype(np.int64)
        return pd.DataFrame(columns, columns=list(TRUTH_COLUMNS))

    def incident_frame(self) -> pd.DataFrame:
        """The public incidents table, one row per incident, stage periods as text."""
        n = len(self.municipality)
        frame: dict[str, object] = {
            "incident_id": [f"INC{i + 1:06d}" for i in range(n)],
            "municipality": np.asarray(self.codes, dtype=object)[self.municipality],
        }
        for name, index in self.dims.items():
            frame[name] = np.asarray(self.taxonomy.codes(name), dtype=object)[index]
        for s, code in enumerate(self.taxonomy.stages):
            frame[code] = [_period_text(q) if q >= 0 else None for q in self.stage_quarter[:, s]]
        return pd.DataFrame(frame)


def _simulate(
    span: tuple[int, ...],
    config: SyntheticConfig,
    taxonomy: Taxonomy,
    register: Register,
    rng: np.random.Generator,
) -> _Events:
    sizes = size_proxy(config, register)
    codes = tuple(sorted(sizes.index))
    position = {c: i for i, c in enumerate(codes)}
    valid = {y: tuple(m.code for m in register.valid_in(y)) for y in span}

    # Signals: Poisson per year, uniform over its quarters, spread over municipalities by size.
    municipality_parts: list[IntArray] = []
    signal_parts: list[IntArray] = []
    for year in range(span[0] - config.warm_up_years, span[-1] + 1):
        n = int(rng.poisson(config.incidents_per_year))
        # Warm-up years may lie before the register starts; use the first year's municipalities.
        pool = register.valid_in(max(year, span[0]))
        weights = sizes.loc[[m.code for m in pool]].to_numpy()
        chosen = rng.choice(len(pool), size=n, p=weights / weights.sum())
        municipality_parts.append(np.array([position[pool[i].code] for i in chosen], np.int64))
        signal_parts.append(year * 4 + rng.integers(0, 4, size=n, dtype=np.int64))
    municipality = np.concatenate(municipality_parts)
    signal = np.concatenate(signal_parts)
    n = len(signal)

    function_p = _probabilities(FUNCTION_WEIGHTS, taxonomy.codes("function_type"))
    function = _draw(rng, np.broadcast_to(np.cumsum(function_p), (n, len(function_p))))
    category_cdf = np.cumsum(
        np.array(
            [
                _probabilities(DATA_CATEGORY_GIVEN_FUNCTION[f], taxonomy.codes("data_category"))
                for f in taxonomy.codes("function_type")
            ]
        ),
        axis=1,
    )
    category = _draw(rng, category_cdf[function])
    employment_p = _probabilities(EMPLOYMENT_WEIGHTS, taxonomy.codes("employment_type"))
    employment = _draw(rng, np.broadcast_to(np.cumsum(employment_p), (n, len(employment_p))))
    motive_codes = taxonomy.codes("motive")
    motive_p = _probabilities(MOTIVE_WEIGHTS, motive_codes)
    motive = _draw(rng, np.broadcast_to(np.cumsum(motive_p), (n, len(motive_p))))

    reached = _paths(rng, motive, motive_codes, taxonomy.stages)
    stage_quarter = _stage_quarters(rng, signal, reached, taxonomy.stages)

    # A municipality that ceases to exist reports nothing afterwards; the register names no
    # successor, so its later stages are dropped (the register has no such case yet).
    last = np.array(
        [
            max(
                (m.valid_to if m.valid_to is not None else 9999)
                for m in register.municipalities
                if m.code == c
            )
            for c in codes
        ],
        dtype=np.int64,
    )
    stage_quarter[stage_quarter // 4 > last[municipality][:, None]] = -1

    # Incident ids follow the signal, then the municipality: stable and readable.
    order = np.lexsort((municipality, signal))
    return _Events(
        taxonomy=taxonomy,
        codes=codes,
        valid=valid,
        municipality=municipality[order],
        dims={
            "function_type": function[order],
            "data_category": category[order],
            "employment_type": employment[order],
            "motive": motive[order],
        },
        stage_quarter=stage_quarter[order],
    )


def _by_motive(
    motive: IntArray, codes: Sequence[str], table: Mapping[str, float], other: float
) -> npt.NDArray[np.float64]:
    return np.array([table.get(c, other) for c in codes], dtype=float)[motive]


def _paths(
    rng: np.random.Generator, motive: IntArray, motive_codes: Sequence[str], stages: Sequence[str]
) -> BoolArray:
    """Which stages every incident reaches (incidents × stages)."""
    n = len(motive)
    u = rng.random((n, len(stages)))
    reached = np.zeros((n, len(stages)), dtype=bool)
    signal, investigation, dpa, referral, arrest, disciplinary, conviction, closed = range(8)
    reached[:, signal] = True
    reached[:, investigation] = u[:, investigation] < _P_INVESTIGATION
    reached[:, dpa] = reached[:, investigation] & (u[:, dpa] < _P_DPA)
    p_referral = _by_motive(motive, motive_codes, _P_REFERRAL, _P_REFERRAL_OTHER)
    reached[:, referral] = reached[:, investigation] & (u[:, referral] < p_referral)
    p_arrest = _by_motive(motive, motive_codes, _P_ARREST, _P_ARREST_OTHER)
    reached[:, arrest] = reached[:, referral] & (u[:, arrest] < p_arrest)
    p_disciplinary = np.where(
        reached[:, arrest],
        _P_DISCIPLINARY_AFTER_ARREST,
        _by_motive(motive, motive_codes, _P_DISCIPLINARY, _P_DISCIPLINARY_OTHER),
    )
    reached[:, disciplinary] = reached[:, investigation] & (u[:, disciplinary] < p_disciplinary)
    reached[:, conviction] = reached[:, arrest] & (u[:, conviction] < _P_CONVICTION)
    reached[:, closed] = ~(reached[:, disciplinary] | reached[:, conviction])
    return reached


def _stage_quarters(
    rng: np.random.Generator, signal: IntArray, reached: BoolArray, stages: Sequence[str]
) -> IntArray:
    """The quarter in which every reached stage is reached; -1 where it is not."""
    n = len(signal)
    delay = np.zeros((n, len(stages)), dtype=np.int64)
    for s, code in enumerate(stages[1:], start=1):
        delay[:, s] = _delays(rng, STAGE_DELAYS[code], n)
    arrest, closed = stages.index("ST05_AANHOUDING"), stages.index("ST08_AFGESLOTEN_GEEN_GEVOLG")
    court = _delays(rng, _COURT_DELAY, n)
    delay[:, closed] = np.where(reached[:, arrest], court, delay[:, closed])
    # Each reached stage comes its delay after the previous reached one, so the quarters are
    # non-decreasing in stage order: the counting rule's "at most once, in order".
    quarter = signal[:, None] + np.cumsum(np.where(reached, delay, 0), axis=1)
    return np.where(reached, quarter, -1)


# --- submission plan ------------------------------------------------------------------------


def _plan(
    span: tuple[int, ...], config: SyntheticConfig, events: _Events, rng: np.random.Generator
) -> dict[Period, QuarterPlan]:
    plans: dict[Period, QuarterPlan] = {}
    for year in span:
        for q in range(1, 5):
            period = Period(year, q)
            codes = events.valid_codes(year)
            missing_draw = rng.random(len(codes)) < config.missing_share
            late_draw = rng.random(len(codes)) < config.late_share
            correct_draw = rng.random(len(codes)) < config.correction_share
            missing = {c for c, d in zip(codes, missing_draw, strict=True) if d}
            late = {c for c, d in zip(codes, late_draw, strict=True) if d and c not in missing}
            truth = events.rows((period,), set())
            busy = set(truth["municipality"])
            corrected = [
                c
                for c, d in zip(codes, correct_draw, strict=True)
                if d and c in busy and c not in missing and c not in late
            ]
            corrections = tuple(
                _correction(
                    c,
                    period,
                    truth.loc[truth["municipality"] == c, list(TRUTH_COLUMNS[2:])].reset_index(
                        drop=True
                    ),
                    events.taxonomy,
                    rng,
                )
                for c in corrected
            )
            plans[period] = QuarterPlan(period, frozenset(missing), frozenset(late), corrections)
    return plans


def _correction(
    municipality: str,
    period: Period,
    final: pd.DataFrame,
    taxonomy: Taxonomy,
    rng: np.random.Generator,
) -> Correction:
    """A draft with one mistake in a municipality-quarter's true rows."""
    cells = {tuple(r[:-1]): int(r[-1]) for r in final.itertuples(index=False, name=None)}
    keys = list(cells)
    key = keys[int(rng.integers(len(keys)))]
    cells[key] -= 1
    kind = "added" if rng.random() < 0.5 else "moved"
    if kind == "moved":
        # The count was there, under the same combination with another function type.
        at = taxonomy.dimension_names.index("function_type")
        functions = [f for f in taxonomy.codes("function_type") if f != key[at]]
        wrong = (*key[:at], functions[int(rng.integers(len(functions)))], *key[at + 1 :])
        cells[wrong] = cells.get(wrong, 0) + 1
    return Correction(municipality, period, kind, _rows(cells, taxonomy), final)


def _rows(cells: Mapping[tuple[str, ...], int], taxonomy: Taxonomy) -> pd.DataFrame | None:
    """Submission rows from non-zero cells, in taxonomy order like the truth rows; or nil."""
    names = taxonomy.dimension_names
    rank = [{c: i for i, c in enumerate(taxonomy.codes(n))} for n in names]
    kept = sorted(
        (k for k, v in cells.items() if v > 0),
        key=lambda k: tuple(r[c] for r, c in zip(rank, k, strict=True)),
    )
    if not kept:
        return None
    frame = pd.DataFrame(kept, columns=list(names))
    frame["count"] = np.array([cells[k] for k in kept], dtype=np.int64)
    return frame
