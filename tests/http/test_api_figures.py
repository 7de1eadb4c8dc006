"""Figures as files over the API: who may read which release, every download format round-trips
the figures with their provenance, SDMX read back by pysdmx, a figure across the years."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from pysdmx.io import get_datasets, read_sdmx

from aggregator.services.provenance import PROVISIONAL_MARK, UNRELIABLE_MARK
from schemas.tables import VALUE_COLUMNS
from tests.http.conftest import NOW, Service
from tests.support import publish_years

CALLERS = (None, "own", "analyst", "statistician", "admin")


@pytest.fixture
def years(service: Service) -> dict[str, str]:
    """Final releases of 2024 and 2025, a provisional one of 2026."""
    return publish_years(service.store, NOW)


def _get(service: Service, who: str | None, path: str, **headers: str) -> Any:
    return service.client.get(path, headers=service.headers(who, **headers))


def _published(service: Service, release_id: str, table: str) -> pd.DataFrame:
    frame = service.store.release_table(release_id, table)
    assert frame is not None
    return frame


def _same_figures(got: pd.DataFrame, want: pd.DataFrame, dims: list[str]) -> None:
    """The downloaded values are the published ones, cell by cell."""
    assert got[dims].astype(str).values.tolist() == want[dims].astype(str).values.tolist()
    for column in VALUE_COLUMNS:
        assert got[column].tolist() == pytest.approx(want[column].tolist(), rel=0, abs=1e-12), (
            column
        )


@pytest.mark.parametrize("who", CALLERS)
def test_figures_final_is_public_provisional_only_for_analysts_and_statisticians(
    service: Service, years: dict[str, str], who: str | None
) -> None:
    final = _get(service, who, f"/api/v1/figures/{years['final_2025']}/totals.csv")
    provisional = _get(service, who, f"/api/v1/figures/{years['provisional']}/totals.csv")
    structure = _get(service, who, f"/api/v1/sdmx/{years['provisional']}/structure")
    assert final.status_code == 200
    reader = who in ("analyst", "statistician")
    assert provisional.status_code == structure.status_code == (200 if reader else 404)
    if not reader:  # to them the provisional release does not exist, nothing more is said
        assert provisional.json()["error"]["code"] == "no_such_release"
    points = _get(service, who, "/api/v1/series/totals?stage=ST01_SIGNAAL").json()["points"]
    assert [p["year"] for p in points] == ([2024, 2025, 2026] if reader else [2024, 2025])


def test_figures_csv_is_dutch_excel_csv_with_its_metadata_beside_it(
    service: Service, years: dict[str, str]
) -> None:
    rid = years["final_2025"]
    response = _get(service, None, f"/api/v1/figures/{rid}/signals_by_motive.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert f"lekstat-{rid}-signals_by_motive.csv" in response.headers["content-disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    header = body[3:].decode().splitlines()[0]
    assert header == (
        "motive;motive_label;estimate;estimate_unrounded;std_error;ci_low;ci_high;unreliable"
    )
    frame = pd.read_csv(io.BytesIO(body), sep=";", decimal=",", encoding="utf-8-sig")
    _same_figures(frame, _published(service, rid, "signals_by_motive"), ["motive"])
    assert frame["motive_label"].iloc[0] == "Lekken aan criminelen"
    # The metadata is where the Link header says: CSV on the Web, with the provenance.
    link = response.headers["link"]
    assert link.startswith(f"</api/v1/figures/{rid}/signals_by_motive.csv-metadata.json>")
    url = link[1 : link.index(">")]
    meta = _get(service, None, url).json()
    assert meta["url"] == f"lekstat-{rid}-signals_by_motive.csv"
    assert meta["dialect"]["delimiter"] == ";"
    names = [c["name"] for c in meta["tableSchema"]["columns"]]
    assert names == list(frame.columns)
    std = next(c for c in meta["tableSchema"]["columns"] if c["name"] == "std_error")
    assert std["datatype"] == {"base": "double", "format": {"decimalChar": ","}}
    assert "onafgeronde" in std["dc:description"][0]["@value"]
    provenance = meta["notes"][0]
    release = service.store.get_release(rid)
    assert release is not None
    assert (provenance["release_id"], provenance["period"], provenance["status"]) == (
        rid,
        "2025",
        "final",
    )
    assert (provenance["rho"], provenance["epsilon"], provenance["delta"]) == (
        release["rho"],
        release["epsilon"],
        release["delta"],
    )
    assert provenance["created_at"] == release["created_at"]
    assert provenance["taxonomy_version"] == release["taxonomy_version"] == "1"
    assert [m["mark"] for m in provenance["marks"]] == [PROVISIONAL_MARK, UNRELIABLE_MARK]
    assert PROVISIONAL_MARK != UNRELIABLE_MARK


def test_figures_csv_with_commas_on_request_has_decimal_points(
    service: Service, years: dict[str, str]
) -> None:
    rid = years["final_2024"]
    english = {"Accept-Language": "en"}
    response = _get(service, None, f"/api/v1/figures/{rid}/totals.csv?sep=,", **english)
    frame = pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig")
    _same_figures(frame, _published(service, rid, "totals"), ["stage"])
    assert frame["stage_label"].iloc[0] == "Signal or suspicion"
    assert response.headers["link"].split(">")[0].endswith(".csv-metadata.json?sep=,")
    meta = _get(service, None, f"/api/v1/figures/{rid}/totals.csv-metadata.json?sep=,").json()
    assert meta["dialect"]["delimiter"] == ","


def test_figures_json_and_parquet_carry_the_metadata_inside(
    service: Service, years: dict[str, str]
) -> None:
    rid = years["provisional"]
    document = _get(service, "analyst", f"/api/v1/figures/{rid}/signals_by_function_group.json")
    body = document.json()
    assert body["metadata"]["status"] == "provisional" and body["metadata"]["period"] == "2026"
    published = _published(service, rid, "signals_by_function_group")
    _same_figures(pd.DataFrame(body["rows"]), published, ["function_group"])
    parquet = _get(service, "analyst", f"/api/v1/figures/{rid}/signals_by_function_group.parquet")
    assert parquet.headers["content-type"] == "application/vnd.apache.parquet"
    frame = pd.read_parquet(io.BytesIO(parquet.content))
    _same_figures(frame, published, ["function_group"])
    assert frame.attrs == body["metadata"]  # pandas gives the provenance back in attrs
    schema = pq.read_schema(io.BytesIO(parquet.content))
    assert json.loads(schema.metadata[b"lekstat"]) == body["metadata"]
    assert b"standaardfout" in schema.field("std_error").metadata[b"description_nl"]


def test_figures_table_json_says_whether_the_release_is_provisional(
    service: Service, years: dict[str, str]
) -> None:
    for key, provisional in (("final_2025", False), ("provisional", True)):
        body = _get(service, "analyst", f"/api/v1/releases/{years[key]}/tables/totals").json()
        assert body["provisional"] is provisional, key
        _same_figures(
            pd.DataFrame(body["rows"]), _published(service, years[key], "totals"), ["stage"]
        )


def test_figures_zip_keeps_the_csv_its_metadata_and_a_note_together(
    service: Service, years: dict[str, str]
) -> None:
    rid = years["final_2025"]
    response = _get(service, None, f"/api/v1/figures/{rid}/totals.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    stem = f"lekstat-{rid}-totals"
    assert archive.namelist() == [f"{stem}.csv", f"{stem}.csv-metadata.json", "LEESMIJ.txt"]
    loose = _get(service, None, f"/api/v1/figures/{rid}/totals.csv").content
    assert archive.read(f"{stem}.csv") == loose
    note = archive.read("LEESMIJ.txt").decode()
    assert f"Publicatie: {rid}" in note and "Status: definitief" in note
    assert f"- {UNRELIABLE_MARK}  onbetrouwbaar" in note


def test_figures_latest_is_the_newest_final_release(
    service: Service, years: dict[str, str]
) -> None:
    response = _get(service, "analyst", "/api/v1/figures/latest/totals.json")
    assert response.json()["release_id"] == years["final_2025"]  # not the provisional 2026


def test_figures_refusals_name_what_is_wrong(service: Service, years: dict[str, str]) -> None:
    rid = years["final_2025"]
    unknown = _get(service, None, f"/api/v1/figures/{rid}/nope.csv", **{"Accept-Language": "en"})
    assert unknown.status_code == 404
    error = unknown.json()["error"]
    assert error["code"] == "no_such_table" and "signals_by_motive" in error["details"][0]["tables"]
    assert f"release {rid} has no table 'nope'" in error["message"]
    assert _get(service, None, f"/api/v1/figures/{rid}/totals.xlsx").status_code == 422
    assert _get(service, None, f"/api/v1/figures/{rid}/totals.csv?sep=|").status_code == 422
    cell = _get(service, None, "/api/v1/series/signals_by_motive?motive=MO42")
    assert cell.status_code == 422 and cell.json()["error"]["code"] == "bad_cell"
    assert "MO01_CRIMINEEL" in cell.json()["error"]["message"]
    missing = _get(service, None, "/api/v1/series/nope?stage=ST01_SIGNAAL")
    assert missing.status_code == 404
    assert "totals" in missing.json()["error"]["details"][0]["tables"]


def test_figures_series_across_final_years_with_changes_and_sum(
    service: Service, years: dict[str, str]
) -> None:
    body = _get(service, None, "/api/v1/series/signals_by_motive?motive=mo01_crimineel").json()
    assert body["cell"] == {"motive": "MO01_CRIMINEEL"}
    assert body["cell_labels"]["motive"]["nl"] == "Lekken aan criminelen"
    for point in body["points"]:
        frame = _published(service, point["release_id"], "signals_by_motive")
        row = frame[frame["motive"] == "MO01_CRIMINEEL"].iloc[0]
        assert point["estimate"] == row["estimate"] and point["status"] == "final"
    first, second = body["points"]
    change = body["changes"][0]
    assert (change["from_year"], change["to_year"]) == (2024, 2025)
    assert change["change"] == pytest.approx(
        second["estimate_unrounded"] - first["estimate_unrounded"]
    )
    assert body["sum"]["years"] == [2024, 2025]
    assert body["sum"]["estimate_unrounded"] == pytest.approx(
        first["estimate_unrounded"] + second["estimate_unrounded"]
    )


def _sdmx_files(service: Service, who: str | None, rid: str, out: Path) -> dict[str, Path]:
    structure = out / "structure.xml"
    structure.write_bytes(_get(service, who, f"/api/v1/sdmx/{rid}/structure").content)
    files = {"structure": structure}
    release = service.store.get_release(rid)
    assert release is not None
    for table in release["tables"]:
        response = _get(service, who, f"/api/v1/sdmx/{rid}/data/{table['name']}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/vnd.sdmx.data+csv")
        path = out / f"{table['name']}.csv"
        path.write_bytes(response.content)
        files[table["name"]] = path
    return files


@pytest.mark.parametrize(("key", "who"), [("final_2025", None), ("provisional", "analyst")])
def test_sdmx_every_file_reads_back_with_pysdmx_as_the_release(
    service: Service, years: dict[str, str], tmp_path: Path, key: str, who: str | None
) -> None:
    rid = years[key]
    files = _sdmx_files(service, who, rid, tmp_path)
    message = read_sdmx(files["structure"], validate=True)  # the SDMX-ML 3.0 schemas (XSD)
    kinds = {type(s).__name__ for s in message.structures}
    assert {"Codelist", "ConceptScheme", "DataStructureDefinition", "Dataflow"} <= kinds
    release = service.store.get_release(rid)
    assert release is not None
    provisional = release["provisional"]
    for table in release["tables"]:
        (dataset,) = get_datasets(files[table["name"]], files["structure"])
        assert dataset.short_urn == f"Dataflow=LEKSTAT:DF_{table['name'].upper()}(1.0)"
        assert dataset.attributes == {"RELEASE_ID": rid}
        data = dataset.data
        published = _published(service, rid, table["name"])
        dims = list(table["dimensions"])
        assert data[[d.upper() for d in dims]].astype(str).values.tolist() == (
            published[dims].astype(str).values.tolist()
        )
        for sdmx_name, column in [
            ("OBS_VALUE", "estimate"),
            ("ESTIMATE_UNROUNDED", "estimate_unrounded"),
            ("STD_ERROR", "std_error"),
            ("CI_LOW", "ci_low"),
            ("CI_HIGH", "ci_high"),
        ]:
            assert data[sdmx_name].tolist() == pytest.approx(published[column].tolist()), column
        want = [
            "U" if unreliable else "P" if provisional else "A"
            for unreliable in published["unreliable"]
        ]
        assert data["OBS_STATUS"].tolist() == want
        assert set(data["CONF_STATUS"]) == {"F"}
        assert set(data["TIME_PERIOD"]) == {str(release["year"])}
        stages = set(data["STAGE"])
        assert stages == ({table["stage"]} if table.get("stage") else set(published["stage"]))
        codes = dataset.structure.components[dims[-1].upper()].enumeration
        assert set(published[dims[-1]].astype(str)) <= {c.id for c in codes.items}
