"""Every text in Dutch and English, chosen by ?lang= and remembered in a cookie."""

from __future__ import annotations

import re
import string
from pathlib import Path

from fastapi.testclient import TestClient

import aggregator.web
from aggregator.web.i18n import LANG_COOKIE, LANGS, language_from
from aggregator.web.messages import MESSAGES
from tests.web.conftest import read

TEMPLATES = Path(aggregator.web.__file__).parent / "templates"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_messages_every_key_has_both_languages_with_the_same_placeholders() -> None:
    for key, texts in MESSAGES.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang].strip() for lang in LANGS), key
        assert _placeholders(texts["nl"]) == _placeholders(texts["en"]), key


def test_messages_every_key_a_template_asks_for_exists() -> None:
    asked = set()
    for template in TEMPLATES.rglob("*.j2"):
        asked |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""", template.read_text()))
    assert asked, "no t('…') calls found: the pattern no longer matches the templates"
    assert asked - set(MESSAGES) == set()


def test_language_from_query_then_cookie_then_dutch() -> None:
    assert language_from("en", "nl") == "en"
    assert language_from("nl", "en") == "nl"
    assert language_from(None, "en") == "en"
    assert language_from("xx", None) == "nl"
    assert language_from("", "") == "nl"


def test_page_default_is_dutch(client: TestClient) -> None:
    page = read(client.get("/").text)
    assert page.one("html").attrs["lang"] == "nl"
    assert page.one("a", class_="utrecht-skip-link").text == "Direct naar de inhoud"


def test_page_lang_query_switches_and_is_remembered(client: TestClient) -> None:
    first = client.get("/sign-in?lang=en")
    assert read(first.text).one("html").attrs["lang"] == "en"
    cookie = first.headers["set-cookie"]
    assert f"{LANG_COOKIE}=en" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    later = client.get("/accessibility")  # no lang parameter: the cookie speaks
    page = read(later.text)
    assert page.one("html").attrs["lang"] == "en"
    assert page.one("h1").text == "Accessibility statement"
    back = client.get("/?lang=nl")
    assert read(back.text).one("html").attrs["lang"] == "nl"
    assert read(client.get("/").text).one("html").attrs["lang"] == "nl"


def test_page_unknown_lang_is_ignored_and_not_remembered(client: TestClient) -> None:
    response = client.get("/?lang=fr")
    assert read(response.text).one("html").attrs["lang"] == "nl"
    assert LANG_COOKIE not in response.headers.get("set-cookie", "")


def test_language_switch_links_keep_the_query_and_mark_the_current(client: TestClient) -> None:
    page = read(client.get("/?lang=en&x=1").text)
    links = page.all("a", class_="lk-language-switch__link")
    assert [(a.attrs["href"], a.attrs["lang"], a.text) for a in links] == [
        ("/?x=1&lang=nl", "nl", "Nederlands"),
        ("/?x=1&lang=en", "en", "English"),
    ]
    assert [a.attrs.get("aria-current") for a in links] == [None, "true"]
