"""The language of a page: the ``lang`` query parameter, else the remembered cookie, else Dutch.

>>> t = translator("en")
>>> t("skip_link"), translator("nl")("http_error_text", status=405)
('Skip to main content', 'De pagina kon niet worden getoond (status 405).')
>>> language_from("EN", None), language_from("fr", "en"), language_from(None, None)
('en', 'en', 'nl')
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from aggregator.web.messages import MESSAGES

Lang = Literal["nl", "en"]
LANGS: tuple[Lang, ...] = ("nl", "en")
DEFAULT_LANG: Lang = "nl"

#: The cookie that remembers the chosen language (not personal data: only ``nl`` or ``en``).
LANG_COOKIE = "lekstat_lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


def parse_lang(value: str | None) -> Lang | None:
    """``nl`` or ``en`` for a language value in any case, else None."""
    text = (value or "").strip().lower()
    for lang in LANGS:
        if text == lang:
            return lang
    return None


def language_from(query: str | None, cookie: str | None) -> Lang:
    """The page's language: a valid query value wins, then a valid cookie, then Dutch."""
    return parse_lang(query) or parse_lang(cookie) or DEFAULT_LANG


def translator(lang: Lang) -> Callable[..., str]:
    """``t(key, **values)``: the text of ``key`` in ``lang``; an unknown key is a KeyError."""

    def t(key: str, **values: object) -> str:
        text = MESSAGES[key][lang]
        return text.format(**values) if values else text

    return t
