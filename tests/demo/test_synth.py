"""The synthetic-data generator: reproducible, obeys the counting rules, realistic, consistent."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from aggregator.demo.synth import (
    BIG_FOUR,
    TRUTH_COLUMNS,
    SyntheticConfig,
    SyntheticData,
    generate,
    size_proxy,
)
from schemas.municipalities import load_register
from schemas.periods import Period, quarters_of
from schemas.taxonomy import load_taxonomy
from schemas.validation import validate_submission

TAXONOMY = load_taxonomy()
STAGES = TAXONOMY.stages
DIMS = ["function_type", "data_category", "employment_type", "motive"]


@pytest.fixture(scope="module")
def data() -> SyntheticData:
    """Two years at the default configuration."""
    return generate([2025, 2026])


def _stage_events(incidents: pd.DataFrame) -> pd.DataFrame:
    """One row per (incident, stage reached), read straight from the incidents table."""
    long = incidents.melt(
        id_vars=["incident_id", "municipality", *DIMS],
        value_vars=list(STAGES),
        var_name="stage",
        value_name="period",
    )
    return long[long["period"].notna()]


def _recount(incidents: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """The counting rule applied directly: incidents per combination and stage reached."""
    events = _stage_events(incidents)
    events = events[events["period"].isin(periods)]
    keys = ["municipality", "period", "function_type", "data_category", "stage"]
    keys += ["employment_type", "motive"]
    counted = events.groupby(keys).size().rename("count").reset_index()
    return _sorted(counted)


def _sorted(rows: pd.DataFrame) -> pd.DataFrame:
    out = rows[list(TRUTH_COLUMNS)].sort_values(list(TRUTH_COLUMNS[:-1])).reset_index(drop=True)
    out["count"] = out["count"].astype("int64")
    return out


def _cells(rows: pd.DataFrame | None) -> dict[tuple[str, ...], int]:
    if rows is None:
        return {}
    return {tuple(r[:-1]): int(r[-1]) for r in rows.itertuples(index=False, name=None)}


# --- reproducibility -----------------------------------------------------------------------


def test_generate_is_reproducible_with_a_seed() -> None:
    a = generate([2026], SyntheticConfig(seed=7))
    b = generate([2026], SyntheticConfig(seed=7))
    pd.testing.assert_frame_equal(a.incidents, b.incidents)
    pd.testing.assert_frame_equal(a.truth_rows(2026), b.truth_rows(2026))
    for p in quarters_of(2026):
        assert a.plan(p).missing == b.plan(p).missing
        assert a.plan(p).late == b.plan(p).late
        assert [c.municipality for c in a.plan(p).corrections] == [
            c.municipality for c in b.plan(p).corrections
        ]


def test_generate_differs_with_another_seed() -> None:
    a = generate([2026], SyntheticConfig(seed=7))
    b = generate([2026], SyntheticConfig(seed=8))
    assert not a.incidents.equals(b.incidents)
    assert not a.truth_rows(2026).equals(b.truth_rows(2026))


def test_generate_keeps_incidents_when_only_the_plan_changes() -> None:
    a = generate([2026], SyntheticConfig(seed=7))
    b = generate([2026], SyntheticConfig(seed=7, missing_share=0.5, late_share=0.5))
    pd.testing.assert_frame_equal(a.incidents, b.incidents)


def test_size_proxy_puts_the_big_four_on_top() -> None:
    sizes = size_proxy()
    assert tuple(sizes.index[:4]) == BIG_FOUR
    assert sizes.is_monotonic_decreasing
    assert sizes.sum() == pytest.approx(1.0)
    assert set(sizes.index) == {m.code for m in load_register().valid_in(2026)}


def test_size_proxy_does_not_depend_on_the_incident_seed() -> None:
    a = size_proxy(SyntheticConfig(seed=1))
    b = size_proxy(SyntheticConfig(seed=2))
    pd.testing.assert_series_equal(a, b)
    assert not size_proxy(SyntheticConfig(size_seed=1)).index.equals(a.index)


# --- the counting rules ----------------------------------------------------------------------


def test_incidents_have_one_valid_code_per_dimension(data: SyntheticData) -> None:
    incidents = data.incidents
    assert incidents["incident_id"].is_unique
    for dim in DIMS:
        assert incidents[dim].notna().all()
        assert incidents[dim].isin(TAXONOMY.codes(dim)).all(), dim
    assert incidents["municipality"].isin(size_proxy().index).all()


def test_incidents_reach_stages_at_most_once_in_order(data: SyntheticData) -> None:
    incidents = data.incidents
    # One column per stage means at most once; every incident starts with a signal.
    assert list(incidents.columns[-len(STAGES) :]) == list(STAGES)
    assert incidents["ST01_SIGNAAL"].notna().all()
    for row in incidents[list(STAGES)].itertuples(index=False, name=None):
        reached = [Period.parse(p) for p in row if isinstance(p, str)]
        assert reached == sorted(reached), row


def test_incidents_follow_the_documented_paths(data: SyntheticData) -> None:
    reached = data.incidents[list(STAGES)].notna()
    st = {code[:4]: reached[code] for code in STAGES}
    for later in ("ST03", "ST04", "ST06"):
        assert not (st[later] & ~st["ST02"]).any(), later
    assert not (st["ST05"] & ~st["ST04"]).any()
    assert not (st["ST07"] & ~st["ST05"]).any()
    # Closed without sanction exactly when no sanction was reached (before the span ends).
    finished = st["ST06"] | st["ST07"] | st["ST08"]
    assert not (st["ST08"] & (st["ST06"] | st["ST07"])).any()
    assert finished.mean() > 0.9


def test_generate_spills_stages_across_years(data: SyntheticData) -> None:
    events = _stage_events(data.incidents)
    signal_year = data.incidents.set_index("incident_id")["ST01_SIGNAAL"].str[:4]
    events = events.assign(signal_year=events["incident_id"].map(signal_year))
    in_2025 = events[events["period"].str.startswith("2025")]
    assert (in_2025["signal_year"] == "2024").any()  # the warm-up year feeds the first year
    from_2026 = events[events["signal_year"] == "2026"]
    assert from_2026["period"].str.startswith("2027").any()  # and the last year runs on


def test_truth_rows_equal_a_recount_from_incidents(data: SyntheticData) -> None:
    for year in data.years:
        rows = data.truth_rows(year)
        assert list(rows.columns) == list(TRUTH_COLUMNS)
        assert rows["count"].dtype == np.int64
        assert (rows["count"] > 0).all()
        assert not rows.duplicated(list(TRUTH_COLUMNS[:-1])).any()
        expected = _recount(data.incidents, [str(p) for p in quarters_of(year)])
        pd.testing.assert_frame_equal(_sorted(rows), expected, check_dtype=False)
    quarter = data.truth_rows(2026, 3)
    assert set(quarter["period"]) == {"2026-Q3"}
    pd.testing.assert_frame_equal(
        _sorted(quarter), _recount(data.incidents, ["2026-Q3"]), check_dtype=False
    )


def test_truth_rows_add_up_incidents_in_one_cell() -> None:
    # At the default scale two incidents rarely share a cell; at ten times it they do.
    data = generate([2026], SyntheticConfig(incidents_per_year=1000))
    rows = data.truth_rows(2026)
    assert (rows["count"] > 1).any()
    periods = [str(p) for p in quarters_of(2026)]
    pd.testing.assert_frame_equal(_sorted(rows), _recount(data.incidents, periods))


def test_truth_rows_count_each_signal_once(data: SyntheticData) -> None:
    rows = data.truth_rows(2026)
    signals = rows.loc[rows["stage"] == "ST01_SIGNAAL", "count"].sum()
    assert signals == data.incidents["ST01_SIGNAAL"].str.startswith("2026").sum()


def test_truth_rows_refuse_a_year_outside_the_span(data: SyntheticData) -> None:
    with pytest.raises(ValueError, match="outside"):
        data.truth_rows(2027)
    with pytest.raises(ValueError, match="outside"):
        data.submissions("2024-Q4")


# --- submissions -----------------------------------------------------------------------------


def test_submissions_add_up_to_the_truth_rows(data: SyntheticData) -> None:
    parts = []
    for period in quarters_of(2026):
        subs = data.submissions(period)
        assert list(subs) == [m.code for m in load_register().valid_in(2026)]
        for municipality, rows in subs.items():
            if rows is not None:
                assert list(rows.columns) == list(TRUTH_COLUMNS[2:])
                parts.append(rows.assign(municipality=municipality, period=str(period)))
    pd.testing.assert_frame_equal(
        _sorted(pd.concat(parts, ignore_index=True)), _sorted(data.truth_rows(2026))
    )


def test_submissions_nil_returns_are_the_quarters_without_a_stage(data: SyntheticData) -> None:
    events = _stage_events(data.incidents)
    for period in quarters_of(2025):
        busy = set(events.loc[events["period"] == str(period), "municipality"])
        nil = {m for m, rows in data.submissions(period).items() if rows is None}
        assert nil == {m.code for m in load_register().valid_in(2025)} - busy


def test_submissions_pass_validation(data: SyntheticData) -> None:
    # Every non-empty submission of a year, and every nil return of one quarter (they differ
    # only in the municipality code); validating all 1,368 takes ~10 s for little more.
    for period in quarters_of(2026):
        for municipality, rows in data.submissions(period).items():
            if rows is None and period.quarter != 1:
                continue
            result = validate_submission(
                rows, period, municipality, nil_return=rows is None, today=data.complete_on
            )
            assert result.ok, (municipality, period, result.records("en"))
            assert result.submission is not None
            assert result.submission.total == (0 if rows is None else rows["count"].sum())


# --- realism ---------------------------------------------------------------------------------


def test_generate_is_realistic_over_several_seeds() -> None:
    big_four = signals = 0
    for seed in range(5):
        data = generate([2026], SyntheticConfig(seed=seed))
        started = data.incidents[data.incidents["ST01_SIGNAAL"].str.startswith("2026")]
        # Tens to low hundreds of incidents a year, nationally.
        assert 20 <= len(started) <= 300, (seed, len(started))
        subs = [v for p in quarters_of(2026) for v in data.submissions(p).values()]
        assert sum(v is None for v in subs) / len(subs) > 0.7, seed
        big_four += started["municipality"].isin(BIG_FOUR).sum()
        signals += len(started)
    # 4 of 342 municipalities (1.2%) carry a large share: about 20% by the proxy.
    assert big_four / signals > 0.12


def test_generate_has_realistic_marginals() -> None:
    incidents = generate([2024, 2026], SyntheticConfig(incidents_per_year=1000)).incidents
    share = incidents["function_type"].value_counts(normalize=True)
    assert set(share.index[:5]) <= {
        "FT01_BRP",
        "FT03_KCC",
        "FT04_PARKEREN",
        "FT05_HANDHAVING",
        "FT08_SOCIAAL",
    }
    by_function = pd.crosstab(incidents["function_type"], incidents["data_category"])
    assert by_function.loc["FT01_BRP"].idxmax() == "DC01_BRP_ADRES"
    assert by_function.loc["FT04_PARKEREN"].idxmax() == "DC03_KENTEKEN"
    assert by_function.loc["FT08_SOCIAAL"].idxmax() == "DC05_SOCIAAL_ZORG"
    # Hired staff above their assumed ~10% share of the workforce.
    assert (incidents["employment_type"] == "EM03_INHUUR").mean() > 0.15
    assert set(incidents["motive"]) == set(TAXONOMY.codes("motive"))
    # Criminal motives end up with the Rijksrecherche far more often than curiosity.
    referred = incidents["ST04_MELDING_RR_AANGIFTE"].notna().groupby(incidents["motive"]).mean()
    assert referred["MO01_CRIMINEEL"] > 3 * referred["MO03_NIEUWSGIERIG"]


def test_generate_scales_with_incidents_per_year() -> None:
    none = generate([2026], SyntheticConfig(incidents_per_year=0))
    assert none.incidents.empty
    assert none.truth_rows(2026).empty
    assert list(none.truth_rows(2026).columns) == list(TRUTH_COLUMNS)
    assert all(v is None for v in none.submissions("2026-Q2").values())
    many = generate([2026], SyntheticConfig(incidents_per_year=1000))
    assert many.incidents["ST01_SIGNAAL"].str.startswith("2026").sum() > 800


def test_generate_refuses_years_before_lekstat_starts() -> None:
    with pytest.raises(ValueError, match="2024-Q1"):
        generate([2023, 2024])
    with pytest.raises(ValueError):
        generate([])


def test_config_refuses_impossible_values() -> None:
    with pytest.raises(ValueError, match="incidents_per_year"):
        SyntheticConfig(incidents_per_year=-1)
    with pytest.raises(ValueError, match="late_share"):
        SyntheticConfig(late_share=1.5)
    with pytest.raises(ValueError, match="warm_up_years"):
        SyntheticConfig(warm_up_years=-1)


# --- missing, late, corrections --------------------------------------------------------------


def test_plan_missing_late_and_corrections_are_disjoint(data: SyntheticData) -> None:
    for period in (*quarters_of(2025), *quarters_of(2026)):
        plan = data.plan(period)
        subs = data.submissions(period)
        corrected = {c.municipality for c in plan.corrections}
        assert not plan.missing & plan.late
        assert not corrected & (plan.missing | plan.late)
        assert all(subs[m] is not None for m in corrected)  # a nil return has nothing to fix
        assert (plan.missing | plan.late) <= set(subs)


def test_plan_shares_follow_the_config() -> None:
    data = generate([2025, 2026], SyntheticConfig(incidents_per_year=300))
    periods = (*quarters_of(2025), *quarters_of(2026))
    expected = 342 * len(periods)
    missing = sum(len(data.plan(p).missing) for p in periods)
    late = sum(len(data.plan(p).late) for p in periods)
    corrected = sum(len(data.plan(p).corrections) for p in periods)
    non_nil = sum(v is not None for p in periods for v in data.submissions(p).values())
    assert 0.002 < missing / expected < 0.025  # 1%
    assert 0.025 < late / expected < 0.08  # 5%
    assert 0.04 < corrected / non_nil < 0.17  # 10% of the on-time non-empty ones

    quiet = generate([2026], SyntheticConfig(missing_share=0, late_share=0, correction_share=0))
    for p in quarters_of(2026):
        plan = quiet.plan(p)
        assert not plan.missing and not plan.late and not plan.corrections
    absent = generate([2026], SyntheticConfig(missing_share=1))
    assert absent.uploads("2026-Q1") == []
    assert absent.truth_rows(2026, submitted_only=True).empty


def test_corrections_change_one_count_of_the_truth(data: SyntheticData) -> None:
    kinds = set()
    for period in (*quarters_of(2025), *quarters_of(2026)):
        subs = data.submissions(period)
        for c in data.plan(period).corrections:
            kinds.add(c.kind)
            assert c.final is not None
            pd.testing.assert_frame_equal(c.final, subs[c.municipality])
            draft, final = _cells(c.draft), _cells(c.final)
            diff = {k: final.get(k, 0) - draft.get(k, 0) for k in draft.keys() | final.keys()}
            diff = {k: v for k, v in diff.items() if v}
            if c.kind == "added":
                assert list(diff.values()) == [1]  # the draft forgot one count
            else:
                assert sorted(diff.values()) == [-1, 1]  # one count under a wrong code
                (wrong,) = [k for k, v in diff.items() if v < 0]
                (right,) = [k for k, v in diff.items() if v > 0]
                differing = [i for i in range(5) if wrong[i] != right[i]]
                assert differing == [TAXONOMY.dimension_names.index("function_type")]
            result = validate_submission(
                c.draft,
                period,
                c.municipality,
                nil_return=c.draft is None,
                today=data.complete_on,
            )
            assert result.ok, result.records("en")
    assert kinds == {"added", "moved"}


def test_uploads_play_the_plan_in_order(data: SyntheticData) -> None:
    for period in quarters_of(2026):
        plan = data.plan(period)
        uploads = data.uploads(period)
        subs = data.submissions(period)
        assert {u.municipality for u in uploads} == set(subs) - plan.missing
        assert {u.municipality for u in uploads if u.late} == plan.late
        lates = [u.late for u in uploads]
        assert lates == sorted(lates)  # every late upload comes after every on-time one
        corrected = {c.municipality for c in plan.corrections}
        seen: dict[str, int] = {}
        for u in uploads:
            assert u.period == period
            assert u.version == seen.get(u.municipality, 0) + 1
            seen[u.municipality] = u.version
            assert u.nil_return == (u.rows is None)
        assert {m for m, v in seen.items() if v == 2} == corrected
        latest = {u.municipality: u.rows for u in uploads}
        for m, rows in latest.items():
            assert _cells(rows) == _cells(subs[m])


def test_truth_rows_submitted_only_is_what_the_uploads_leave() -> None:
    # Many missing quarters, so that some of them had incidents the store never sees.
    data = generate([2026], SyntheticConfig(missing_share=0.3))
    parts = []
    for period in quarters_of(2026):
        latest = {u.municipality: u.rows for u in data.uploads(period)}
        parts += [
            rows.assign(municipality=m, period=str(period))
            for m, rows in latest.items()
            if rows is not None
        ]
    stored = _sorted(pd.concat(parts, ignore_index=True))
    pd.testing.assert_frame_equal(_sorted(data.truth_rows(2026, submitted_only=True)), stored)
    assert len(data.truth_rows(2026)) > len(stored)
    q2 = data.truth_rows(2026, 2, submitted_only=True)
    assert set(q2["period"]) == {"2026-Q2"}
    assert not set(q2["municipality"]) & data.plan("2026-Q2").missing


def test_complete_on_is_after_every_generated_quarter(data: SyntheticData) -> None:
    assert Period.containing(data.complete_on) == Period(2027, 1)
    assert all(Period(y, q).is_complete(data.complete_on) for y in data.years for q in (1, 4))


# --- the module itself -----------------------------------------------------------------------


def test_synth_imports_no_server_libraries() -> None:
    code = (
        "import sys, aggregator.demo.synth\n"
        "bad = [m for m in ('duckdb', 'opendp', 'fastapi', 'uvicorn') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_synth_the_first_year_is_in_steady_state() -> None:
    """Courts take up to 11 quarters after a signal: the warm-up years carry those cases, so the
    first requested year has as many convictions as a later one (with one warm-up year it had
    about half)."""
    data = generate([2026, 2027, 2028], SyntheticConfig(incidents_per_year=3000, seed=5))
    first = data.truth_rows(2026).groupby("stage")["count"].sum()
    last = data.truth_rows(2028).groupby("stage")["count"].sum()
    assert set(first.index) == set(last.index) == set(load_taxonomy().dimensions["stage"].codes)
    ratio = first / last
    assert ratio.between(0.85, 1.15).all(), ratio.to_dict()
