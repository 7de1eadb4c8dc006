"""What the command line shows a person: validation problems, receipts, status, releases.

Every function returns lines of text in Dutch or English and prints nothing itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from client.i18n import Lang, pick
from client.receipts import Identity, Receipt
from schemas.columns import column_header
from schemas.decoding import encoding_label
from schemas.roles import role_name

if TYPE_CHECKING:
    import pandas as pd

#: How many lines of validation problems are shown before the rest is left to ``--json``.
SCREEN_LIMIT = 20


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """Left-aligned columns separated by two spaces; the last column is not padded."""
    body = [["" if cell is None else str(cell) for cell in row] for row in rows]
    widths = [max(len(r[i]) for r in [list(headers), *body]) for i in range(len(headers))]
    rule = ["-" * w for w in widths[:-1]] + ["-" * len(headers[-1])]
    lines = []
    for row in [list(headers), rule, *body]:
        padded = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*padded, row[-1]]).rstrip())
    return lines


def row_ranges(rows: Sequence[int], limit: int = 8) -> str:
    """``[5, 6, 7, 8, 9, 12]`` → ``'5–9, 12'``; more than ``limit`` parts end in ``…``."""
    parts: list[str] = []
    ordered = sorted(set(rows))
    start = prev = ordered[0] if ordered else 0
    for number in [*ordered[1:], None]:
        if number is not None and number == prev + 1:
            prev = number
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if number is not None:
            start = prev = number
    shown = ", ".join(parts[:limit])
    return shown + (f", … (+{len(parts) - limit})" if len(parts) > limit else "")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def group_issues(records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Records with the same column and message as one group, in order of first appearance."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for record in records:
        key = (str(record.get("column") or ""), str(record.get("message") or ""))
        group = groups.setdefault(
            key, {"column": key[0], "message": key[1], "rows": [], "values": [], "file": False}
        )
        row = record.get("row")
        if isinstance(row, int):
            group["rows"].append(row)
        else:
            group["file"] = True
        value = str(record.get("value") or "")
        if value not in group["values"]:
            group["values"].append(value)
    return list(groups.values())


def issue_lines(
    records: Sequence[Mapping[str, Any]], lang: Lang, limit: int = SCREEN_LIMIT
) -> list[str]:
    """The problems as a table a person can act on: grouped, and capped at ``limit`` lines."""
    groups = group_issues(records)
    rows = []
    for group in groups[:limit]:
        where = [pick(lang, "bestand", "file")] if group["file"] else []
        if group["rows"]:
            where.append(row_ranges(group["rows"]))
        # A cell with a line break in it must not break the table's line.
        values = [" ".join(v.split()) for v in group["values"] if v]
        value = ", ".join(values[:3]) + (", …" if len(values) > 3 else "")
        rows.append(
            [
                ", ".join(where),
                _short(column_header(group["column"], lang), 24) if group["column"] else "—",
                _short(value, 30),
                group["message"],
            ]
        )
    headers = (
        ("rij", "kolom", "waarde", "melding")
        if lang == "nl"
        else ("row", "column", "value", "message")
    )
    lines = table(headers, rows)
    if len(groups) > limit:
        lines.append(
            pick(
                lang,
                f"… en nog {len(groups) - limit} regels ({len(records)} problemen in totaal); "
                "gebruik --json voor de volledige lijst",
                f"… and {len(groups) - limit} more lines ({len(records)} problems in all); "
                "use --json for the full list",
            )
        )
    return lines


def _yes(value: bool | None, lang: Lang) -> str:
    if value is None:
        return "—"
    return pick(lang, "ja", "yes") if value else pick(lang, "nee", "no")


def receipt_lines(receipt: Receipt, lang: Lang) -> list[str]:
    """A receipt: id, version, rows, total, SHA-256, time received, replay."""
    if receipt.dry_run:
        head = pick(
            lang,
            "Proefrun: de server zou deze aanlevering aannemen. Er is niets opgeslagen.",
            "Dry run: the server would accept this submission. Nothing was stored.",
        )
    elif receipt.replayed:
        head = pick(
            lang,
            "Al ontvangen: de server had precies deze aanlevering al. Dit is het oorspronkelijke "
            "ontvangstbewijs; er is geen nieuwe versie gemaakt.",
            "Already received: the server already had exactly this submission. This is the "
            "original receipt; no new version was made.",
        )
    else:
        head = pick(lang, "Ontvangen. Ontvangstbewijs:", "Received. Receipt:")
    if receipt.verified is None:
        check = ""
    elif receipt.verified:
        check = pick(lang, " (gelijk aan wat lekstat verstuurde)", " (matches what lekstat sent)")
    else:
        check = pick(
            lang,
            " (LET OP: wijkt af van uw bestand; neem contact op met de beheerder)",
            " (WARNING: differs from your file; contact the administrator)",
        )
    fields: list[tuple[str, str, object]] = [
        ("gemeente", "municipality", receipt.municipality),
        ("periode", "period", receipt.period),
    ]
    if not receipt.dry_run:
        fields += [("id", "id", receipt.id), ("versie", "version", receipt.version)]
    fields += [
        ("nulmelding", "nil return", _yes(receipt.nil_return, lang)),
        ("combinaties met een aantal", "combinations with a count", receipt.rows),
        ("totaal", "total", receipt.total),
        ("SHA-256", "SHA-256", f"{receipt.sha256}{check}"),
    ]
    if receipt.encoding:
        fields.append(("gelezen als", "read as", encoding_label(receipt.encoding, lang)))
    if not receipt.dry_run:
        fields += [
            ("ontvangen op", "received at", receipt.received_at),
            ("herhaling", "replay", _yes(receipt.replayed, lang)),
        ]
    fields.append(("te laat", "late", late_text(receipt.late, lang)))
    if receipt.contact:
        fields.append(("vragen", "questions", receipt.contact))
    width = max(len(pick(lang, nl, en)) for nl, en, _ in fields)
    body = [
        f"  {pick(lang, nl, en).ljust(width)}  {'' if v is None else v}" for nl, en, v in fields
    ]
    return [head, *body]


def late_text(late: bool, lang: Lang) -> str:
    """``te laat`` said in words: what it means, and that it still counts."""
    if not late:
        return pick(lang, "nee", "no")
    return pick(
        lang,
        "ja: ontvangen na de uiterste datum; de aanlevering telt gewoon mee",
        "yes: received after the deadline; the submission counts all the same",
    )


def identity_line(identity: Identity, lang: Lang) -> str:
    """Who the token belongs to, in one line, with the role's name in ``lang``."""
    role = role_name(identity.role, lang)
    if identity.municipality:
        name = identity.municipality_name or identity.municipality
        return pick(
            lang,
            f"gemeente {name} ({identity.municipality}), rol {role}",
            f"municipality {name} ({identity.municipality}), role {role}",
        )
    return pick(lang, f"rol {role}", f"role {role}")


def submissions_lines(receipts: Sequence[Receipt], lang: Lang) -> list[str]:
    """The token's submissions, oldest first: one line per version."""
    if not receipts:
        return [pick(lang, "Nog geen aanleveringen.", "No submissions yet.")]
    ordered = sorted(receipts, key=lambda r: (r.period, r.version or 0))
    headers = (
        ("periode", "versie", "id", "rijen", "totaal", "nulmelding", "ontvangen op", "te laat")
        if lang == "nl"
        else ("period", "version", "id", "rows", "total", "nil return", "received at", "late")
    )
    return table(
        headers,
        [
            (
                r.period,
                r.version,
                r.id,
                r.rows,
                r.total,
                _yes(r.nil_return, lang),
                r.received_at,
                _yes(r.late, lang),
            )
            for r in ordered
        ],
    )


def completeness_lines(body: Mapping[str, Any], lang: Lang, limit: int = SCREEN_LIMIT) -> list[str]:
    """The completeness of a period: the summary and (for a statistician) who is still missing.

    A nil return and a file with counts both count as reported: nobody but the municipality
    sees which it sent.
    """
    summary = body.get("summary") or {}
    fields = (
        ("verwacht", "expected", "expected"),
        ("aangeleverd", "reported", "reported"),
        ("ontbreekt", "missing", "not_reported"),
        ("te laat", "late", "late"),
    )
    lines = [
        pick(
            lang,
            f"Periode {body.get('period')}, uiterste datum {body.get('deadline') or '—'}",
            f"Period {body.get('period')}, deadline {body.get('deadline') or '—'}",
        )
    ]
    lines += [f"  {pick(lang, nl, en):<12} {summary.get(key, '—')}" for nl, en, key in fields]
    missing = [m for m in body.get("municipalities") or [] if m.get("status") == "not_reported"]
    if missing:
        lines.append(pick(lang, "Nog niet aangeleverd:", "Not submitted yet:"))
        lines += [f"  {m.get('code')}  {m.get('name', '')}" for m in missing[:limit]]
        if len(missing) > limit:
            lines.append(
                pick(
                    lang,
                    f"  … en nog {len(missing) - limit}; gebruik --json voor de volledige lijst",
                    f"  … and {len(missing) - limit} more; use --json for the full list",
                )
            )
    return lines


def releases_lines(releases: Sequence[Mapping[str, Any]], lang: Lang) -> list[str]:
    """One line per release: id, year, quarter, time created, ρ, ε and its number of tables."""
    if not releases:
        return [pick(lang, "Nog geen releases.", "No releases yet.")]
    headers = (
        ("id", "jaar", "kwartaal", "gemaakt op", "rho", "epsilon", "tabellen")
        if lang == "nl"
        else ("id", "year", "quarter", "created at", "rho", "epsilon", "tables")
    )
    return table(
        headers,
        [
            (
                r.get("id"),
                r.get("year"),
                r.get("quarter") or "—",
                r.get("created_at"),
                _figure(r.get("rho")),
                _figure(r.get("epsilon")),
                len(r.get("tables") or r.get("plan") or []),
            )
            for r in releases
        ],
    )


def release_tables_lines(release: Mapping[str, Any], lang: Lang) -> list[str]:
    """The tables of one release, to choose from with ``--table``."""
    tables = release.get("tables") or []
    title = "title_nl" if lang == "nl" else "title_en"
    lines = table(
        ("tabel", "titel", "cellen") if lang == "nl" else ("table", "title", "cells"),
        [(t.get("name"), t.get(title) or "", t.get("cells", "")) for t in tables],
    )
    hint = pick(
        lang,
        f"Kies een tabel met: lekstat figures {release.get('id')} --table NAAM",
        f"Pick a table with: lekstat figures {release.get('id')} --table NAME",
    )
    return [*lines, "", hint]


def figures_document(frame: pd.DataFrame) -> dict[str, Any]:
    """A table from :meth:`Client.figures` as JSON-ready data, labels included."""
    return {
        "release_id": frame.attrs.get("release_id"),
        "table": frame.attrs.get("table"),
        "dimensions": frame.attrs.get("dimensions", []),
        "rows": json.loads(frame.to_json(orient="records", force_ascii=False)),
    }


def _figure(value: Any) -> str:
    """A privacy parameter with three significant digits (OpenDP's map gives 0.49999…)."""
    return f"{value:.3g}" if isinstance(value, int | float) else ""
