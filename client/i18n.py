"""The two languages of everything a person reads: Dutch by default, English on request."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import cast

from schemas.lang import Lang

LANGS: tuple[Lang, ...] = ("nl", "en")
LANG_VARIABLE = "LEKSTAT_LANG"


def pick(lang: Lang, nl: str, en: str) -> str:
    """``nl`` or ``en``, by ``lang``."""
    return en if lang == "en" else nl


def resolve_lang(value: str | None = None, env: Mapping[str, str] | None = None) -> Lang:
    """``value`` if given, else ``LEKSTAT_LANG``, else Dutch; anything unknown is Dutch."""
    env = os.environ if env is None else env
    text = (value or env.get(LANG_VARIABLE) or "nl").strip().lower()
    return cast(Lang, text) if text in LANGS else "nl"
