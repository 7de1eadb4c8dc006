"""Turning a CSV file's bytes into text, as the programs municipalities use save it.

UTF-8 (with or without BOM, Excel's "CSV UTF-8"), UTF-16 with BOM (Excel's "Unicode text") and
Windows-1252 (Excel's plain "CSV (gescheiden door lijstscheidingsteken)" on a Dutch Windows PC)
are read; the encoding that was read is returned, so it can be shown on the receipt. Anything
else is an :class:`~schemas.issues.Issue` that says, in words, where the file stops being text.

>>> decode("functietype;aantal\\ncafé;1\\n".encode("cp1252")).encoding
'windows-1252'
>>> decode("functietype;aantal\\ncafé;1\\n".encode("utf-8")).encoding
'utf-8'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schemas.issues import Issue
from schemas.lang import Lang

UTF8 = "utf-8"
UTF16 = "utf-16"
WINDOWS_1252 = "windows-1252"

_LABELS: dict[str, tuple[str, str]] = {
    UTF8: ("UTF-8", "UTF-8"),
    UTF16: ("UTF-16 (Excel: 'Unicode-tekst')", "UTF-16 (Excel: 'Unicode text')"),
    WINDOWS_1252: (
        "Windows-1252 (Excel: 'CSV (gescheiden door lijstscheidingsteken)')",
        "Windows-1252 (Excel: 'CSV (comma delimited)')",
    ),
}

#: A multi-byte UTF-8 sequence by its shape (surrogates included). Windows-1252 text almost never
#: holds one (it would need, say, "Ã" followed by "©"), so a file that is not valid UTF-8 but
#: has one is UTF-8 damaged in places, not Windows-1252: reading it as such would garble it.
_UTF8_SHAPE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
#: Control characters no spreadsheet writes into a CSV file (tab, line feed and return are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")
_SAVE_NL = "kies in Excel 'Opslaan als' → 'CSV UTF-8 (door komma's gescheiden)'"
_SAVE_EN = "in Excel choose 'Save as' → 'CSV UTF-8 (comma delimited)'"


@dataclass(frozen=True)
class Decoded:
    """The text of a file and the encoding it was read in, or the issue why it cannot be read."""

    text: str | None
    encoding: str | None = None
    issue: Issue | None = None


def encoding_label(encoding: str | None, lang: Lang = "nl") -> str:
    """How an encoding is named to a person: ``'windows-1252'`` → ``'Windows-1252 (Excel: …)'``."""
    if encoding is None:
        return ""
    nl, en = _LABELS.get(encoding, (encoding, encoding))
    return en if lang == "en" else nl


def file_issue(code: str, nl: str, en: str, value: str = "") -> Issue:
    """An issue about the whole file (no row or column)."""
    return Issue(None, None, value, code, nl, en)


def decode(data: bytes) -> Decoded:
    """Decode file bytes: UTF-8, UTF-16 with BOM or Windows-1252; else an issue in plain words."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return Decoded(data.decode("utf-16"), UTF16)
        except UnicodeDecodeError:
            return Decoded(None, issue=_unreadable_utf16())
    if data.startswith(b"PK\x03\x04"):
        return Decoded(
            None,
            issue=file_issue(
                "not_csv",
                "dit is geen CSV-bestand maar een Excel- of zip-bestand; gebruik een .xlsx-bestand "
                "als Excel-bestand of sla het op als CSV",
                "this is not a CSV file but an Excel or zip file; use it as an .xlsx file or save "
                "it as CSV",
            ),
        )
    if _looks_like_utf16(data[:65536]):
        return Decoded(
            None,
            issue=file_issue(
                "encoding",
                f"het bestand is opgeslagen als UTF-16 ('Unicode-tekst'); {_SAVE_NL}",
                f"the file is saved as UTF-16 ('Unicode text'); {_SAVE_EN}",
            ),
        )
    if b"\x00" in data[:65536]:
        return Decoded(
            None,
            issue=file_issue(
                "binary",
                "dit is geen tekstbestand (het bevat binaire gegevens); sla het op als CSV UTF-8",
                "this is not a text file (it contains binary data); save it as CSV UTF-8",
            ),
        )
    try:
        return Decoded(data.decode("utf-8-sig"), UTF8)
    except UnicodeDecodeError as exc:
        bad_utf8 = exc.start
    if _UTF8_SHAPE.search(data):
        return Decoded(None, issue=_damaged(data, bad_utf8))
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        return Decoded(None, issue=_unknown_encoding(data, exc.start))
    control = _CONTROL.search(text)
    if control is not None:
        # Windows-1252 maps one byte to one character, so the position is the byte's.
        return Decoded(None, issue=_unknown_encoding(data, control.start()))
    return Decoded(text, WINDOWS_1252)


def _where(data: bytes, position: int) -> tuple[int, str]:
    """The line (from 1) of byte ``position``, and the readable text just before it."""
    line = data.count(b"\n", 0, position) + 1
    start = data.rfind(b"\n", 0, position) + 1
    before = data[max(start, position - 24) : position].decode("ascii", errors="ignore").strip()
    return line, before


def _damaged(data: bytes, position: int) -> Issue:
    line, before = _where(data, position)
    after_nl = f" (na '{before}')" if before else ""
    after_en = f" (after '{before}')" if before else ""
    return Issue(
        line,
        None,
        "",
        "encoding",
        f"regel {line} bevat een beschadigd teken{after_nl}: het bestand is in UTF-8 opgeslagen, "
        f"maar op die plek niet; typ het teken opnieuw, of {_SAVE_NL}",
        f"line {line} holds a damaged character{after_en}: the file is saved as UTF-8, but not "
        f"at that place; type the character again, or {_SAVE_EN}",
    )


def _unknown_encoding(data: bytes, position: int) -> Issue:
    line, before = _where(data, position)
    after_nl = f" (na '{before}')" if before else ""
    after_en = f" (after '{before}')" if before else ""
    return Issue(
        line,
        None,
        "",
        "encoding",
        f"lekstat kan de tekens op regel {line} niet lezen{after_nl}: het bestand is niet "
        f"opgeslagen als UTF-8 of Windows-1252; {_SAVE_NL}",
        f"lekstat cannot read the characters on line {line}{after_en}: the file is not saved "
        f"as UTF-8 or Windows-1252; {_SAVE_EN}",
    )


def _unreadable_utf16() -> Issue:
    return file_issue(
        "encoding",
        f"het bestand begint als UTF-16 ('Unicode-tekst'), maar is verderop beschadigd; {_SAVE_NL}",
        f"the file starts as UTF-16 ('Unicode text') but is damaged further on; {_SAVE_EN}",
    )


def _looks_like_utf16(head: bytes) -> bool:
    """Text saved as UTF-16 without a BOM: every other byte is NUL (ASCII in UTF-16)."""
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    for zeros, text in ((even, odd), (odd, even)):
        if zeros.count(0) >= 0.9 * len(zeros) and text.count(0) <= 0.1 * len(text):
            return True
    return False
