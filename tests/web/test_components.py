"""The shared components render the NL Design System patterns."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aggregator.web.forms import FieldError
from aggregator.web.i18n import translator
from aggregator.web.rendering import make_environment
from tests.web.conftest import read


def _render(source: str, **context: object) -> str:
    env = make_environment()
    template = env.from_string(
        '{% import "macros/components.html.j2" as c with context %}' + source
    )
    return template.render(t=translator("nl"), **context)


def test_table_has_caption_headers_with_scope_and_numeric_alignment() -> None:
    html = _render(
        "{{ c.table('Meldingen per kwartaal', [('Kwartaal', false), ('Aantal', true)],"
        " [['2026-Q1', '12'], ['2026-Q2', '1.204']]) }}"
    )
    page = read(html)
    assert page.one("caption").text == "Meldingen per kwartaal"
    cols = page.all("th", scope="col")
    assert [c.text for c in cols] == ["Kwartaal", "Aantal"]
    assert "utrecht-table__header-cell--numeric" in cols[1].attrs["class"]
    assert [r.text for r in page.all("th", scope="row")] == ["2026-Q1", "2026-Q2"]
    cells = page.all("td")
    assert [c.text for c in cells] == ["12", "1.204"]
    assert all("utrecht-table__cell--numeric" in c.attrs["class"] for c in cells)


@pytest.mark.parametrize(
    ("kind", "role", "label"),
    [
        ("info", "status", "Informatie"),
        ("success", "status", "Gelukt"),
        ("warning", "alert", "Waarschuwing"),
        ("error", "alert", "Fout"),
    ],
)
def test_alert_kinds_have_their_role_and_label(kind: str, role: str, label: str) -> None:
    html = _render("{% call c.alert(kind) %}<p>Tekst</p>{% endcall %}", kind=kind)
    alert = read(html).one("div", class_="utrecht-alert")
    assert alert.attrs["role"] == role
    assert f"utrecht-alert--{kind}" in alert.attrs["class"]
    assert alert.text == f"{label} Tekst"


def test_error_summary_links_every_error_to_its_field() -> None:
    errors = [FieldError("token", "token_empty"), FieldError("period", "token_malformed")]
    page = read(_render("{{ c.error_summary(errors) }}", errors=errors))
    assert [a.attrs["href"] for a in page.all("a")] == ["#token", "#period"]
    assert page.one("h2").text == "Er is een probleem met uw invoer"
    assert _render("{{ c.error_summary([]) }}").strip() == ""


def test_text_field_without_hint_or_error_has_no_describedby() -> None:
    page = read(_render("{{ c.text_field('period', 'Periode') }}"))
    assert page.one("label", for_="period").text == "Periode"
    assert "aria-describedby" not in page.one("input", id="period").attrs


def test_data_list_and_breadcrumb() -> None:
    page = read(_render("{{ c.data_list([('Norm', 'WCAG 2.1 AA'), ('Geldt voor', 'Alles')]) }}"))
    assert [d.text for d in page.all("dt")] == ["Norm", "Geldt voor"]
    assert [d.text for d in page.all("dd")] == ["WCAG 2.1 AA", "Alles"]
    crumbs = read(_render("{{ c.breadcrumb([('Home', '/'), ('Aanmelden', '/sign-in')]) }}"))
    assert crumbs.one("nav").attrs["aria-label"] == "Kruimelpad"
    links = crumbs.all("a")
    assert [a.attrs.get("aria-current") for a in links] == [None, "page"]


def test_components_escape_what_they_are_given() -> None:
    html = _render("{{ c.heading(2, text) }}", text="<script>x</script>")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_layout_has_skip_link_first_header_main_and_footer(client: TestClient) -> None:
    page = read(client.get("/").text)
    body = [e for e in page.elements if e.tag in {"a", "button", "input"}]
    assert body[0].attrs == {"class": "utrecht-skip-link", "href": "#main"}
    assert page.one("main").attrs["id"] == "main"
    assert page.one("header").text.startswith(
        "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties lekstat"
    )
    assert page.one("nav", aria_label="Taal")
    assert page.one("footer")
    assert [h.tag for h in page.elements if h.tag in {"h1", "h2", "h3"}][:2] == ["h1", "h2"]
