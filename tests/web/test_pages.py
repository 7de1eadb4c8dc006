"""The home page and the accessibility statement."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import read


def test_home_says_what_lekstat_is_and_links_onwards(client: TestClient) -> None:
    page = read(client.get("/").text)
    assert page.one("h1").text == "Landelijke cijfers over lekken van persoonsgegevens"
    assert "differentiële privacy" in page.one("main").text
    tasks = page.all("a", class_="lk-task-list__link")
    assert [(a.attrs["href"], a.text) for a in tasks] == [
        ("/sign-in", "Aanmelden"),
        ("/figures", "Publieke cijfers"),
        ("/methodology", "Methodologie"),
        ("/docs", "API-documentatie"),
    ]
    english = read(client.get("/?lang=en").text)
    assert english.one("h1").text == "National figures on leaks of personal data"


def test_accessibility_statement_in_both_languages(client: TestClient) -> None:
    nl = read(client.get("/accessibility").text)
    assert nl.one("h1").text == "Toegankelijkheidsverklaring"
    assert "WCAG 2.1" in nl.one("main").text
    assert nl.all("dt")[0].text == "Norm"
    en = read(client.get("/accessibility?lang=en").text)
    assert en.one("h1").text == "Accessibility statement"
    assert en.one("a", aria_current="page").text == "Accessibility statement"
