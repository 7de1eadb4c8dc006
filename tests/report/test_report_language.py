"""One language per report: the Dutch report has no English word of the report's own texts,
and the English one no Dutch word (outside what it marks as Dutch: the forms' labels).

The word lists are not typed by hand: every word of at least four letters that the report's
English texts use (templates, interface words, sentences, taxonomy, certificate, plan titles)
and its Dutch texts never use is English-only, and the other way round."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import pytest

from aggregator.dp import privacy
from aggregator.report import summary, years
from aggregator.report.i18n import MONTHS, TEXT
from aggregator.services import certificates
from schemas.tables import DEFAULT_PLAN
from schemas.taxonomy import GROUP_DIMENSION, load_taxonomy
from tests.report.html_reading import Node, parse

WORD = re.compile(r"[A-Za-zÀ-ÿ]{4,}")
#: Jinja tags, code (no language) and HTML tags: not words a reader sees.
MARKUP = re.compile(r"\{[{%#].*?[}%#]\}|<code[^>]*>.*?</code>|<[^>]*>", re.S)
#: Taxonomy codes such as ``ST04_MELDING_RR_AANGIFTE``: fixed keys in no language.
CODE = re.compile(r"\b[A-Z]{2}\d{1,2}(?:_[A-Z0-9]+)+\b")


def _sources(lang: str) -> list[str]:
    """Every text the report writes in ``lang``."""
    out = list(TEXT[lang].values()) + list(MONTHS[lang])
    out += [str(v) for v in summary.PROSE[lang].values()]
    out += [str(v) for v in years.COMPARE[lang].values()]
    templates = resources.files("aggregator.report") / "templates"
    for path in templates.iterdir():
        if path.name.endswith(f"_{lang}.html.j2"):
            out.append(MARKUP.sub(" ", path.read_text(encoding="utf-8")))
    tax = load_taxonomy()
    for name in (*tax.dimension_names, GROUP_DIMENSION):
        dim = tax.dimension(name)
        out += [dim.label(lang), dim.description(lang)]  # type: ignore[arg-type]
        out += [e.label(lang) + " " + e.description(lang) for e in dim.entries]  # type: ignore[arg-type]
    out += [certificates.NEIGHBOURS[lang]] + [n[lang] for n in certificates.NOT_COVERED]
    nl = lang == "nl"
    out += [privacy.PRIVACY_UNIT_NL if nl else privacy.PRIVACY_UNIT]
    out += [privacy.MECHANISM_NL if nl else privacy.MECHANISM]
    out += [t.title(lang) for t in DEFAULT_PLAN]  # type: ignore[arg-type]
    return out


@cache
def _words(lang: str) -> frozenset[str]:
    return frozenset(w.lower() for text in _sources(lang) for w in WORD.findall(text))


def only_in(lang: str) -> frozenset[str]:
    """Words the report's ``lang`` texts use and the other language's never do."""
    other = "en" if lang == "nl" else "nl"
    return _words(lang) - _words(other)


def _visible(doc: Node, lang: str) -> str:
    """The text a reader of ``lang`` sees, leaving out what is marked as another language
    (and code, marked as no language) and the taxonomy's codes."""
    return CODE.sub(" ", doc.text(skip_lang=lang))


def test_word_lists_are_long_enough_to_mean_something() -> None:
    english, dutch = only_in("en"), only_in("nl")
    assert len(english) > 300 and len(dutch) > 300
    assert {"release", "estimate", "unreliable", "provisional"} <= english
    assert {"publicatie", "schatting", "onbetrouwbaar", "voorlopig"} <= dutch


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_report_has_no_word_of_the_other_language(html: dict[str, str], lang: str) -> None:
    other = "en" if lang == "nl" else "nl"
    foreign = only_in(other)
    seen = {w.lower() for w in WORD.findall(_visible(parse(html[lang]), lang))}
    assert not sorted(seen & foreign)


def test_dutch_report_prints_the_certificate_in_dutch(html: dict[str, str]) -> None:
    annex = parse(html["nl"]).find("section", id="annex")
    assert annex is not None
    text = annex.text()
    assert certificates.NEIGHBOURS["nl"] in text and certificates.NEIGHBOURS["en"] not in text
    assert privacy.MECHANISM not in text and privacy.PRIVACY_UNIT not in text
    assert "Engelstalig" not in text
