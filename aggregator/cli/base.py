"""What every ``lekstat-server`` command shares: its context, its output and its exit codes.

A command is one short function ``(args, cli) -> int`` registered with :func:`command`, which
gives it its help text in Dutch and English. Commands parse their arguments, call one operation
of :mod:`aggregator.services` and print what it returned; a refusal becomes a message and an
exit code through :data:`EXIT_OF_KIND`, the one table of this edge.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from aggregator.clock import utcnow
from aggregator.config import Settings
from aggregator.services import audit
from aggregator.services.audit import Note
from aggregator.services.auth import OPERATOR
from aggregator.services.context import Context
from aggregator.services.refusals import Kind
from aggregator.store import Store
from aggregator.store.crypto import keys_of
from schemas.lang import Lang

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_FAILURE = 0, 1, 2, 3

#: A refusal's exit code, by its kind: the one table of the command-line edge.
EXIT_OF_KIND: dict[Kind, int] = {
    Kind.INVALID: EXIT_REFUSED,
    Kind.NOT_FOUND: EXIT_REFUSED,
    Kind.CONFLICT: EXIT_REFUSED,
    Kind.FORBIDDEN: EXIT_REFUSED,
    Kind.TOO_LARGE: EXIT_REFUSED,
    Kind.BUSY: EXIT_REFUSED,
    Kind.FAILURE: EXIT_FAILURE,
}

#: Runs a command line forwarded over the operator socket inside the server.
Forwarded = Callable[[list[str], str, Context], tuple[int, str, str]]


class CommandError(Exception):
    """A problem of the command line itself (not a service's refusal): message and exit code."""

    def __init__(self, message_nl: str, message_en: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message_en)
        self.message_nl, self.message_en, self.code = message_nl, message_en, code

    def message(self, lang: str) -> str:
        """The message in ``lang``."""
        return self.message_nl if lang == "nl" else self.message_en


@dataclass
class Cli:
    """What a command needs: the database, the language, where relative paths start, output."""

    db_path: Path
    cwd: Path
    out: TextIO
    err: TextIO
    lang: Lang = "nl"
    clock: Callable[[], dt.datetime] = utcnow
    settings: Settings | None = None
    #: Whether the command may create a new database (``init`` and ``serve`` only).
    may_create: bool = False
    #: How the server runs a forwarded command (set by the entry point; used by ``serve``).
    forwarded: Forwarded | None = None
    #: The audit description of the running command, filled in by the operation.
    note: Note = field(default_factory=Note)
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        """The store (opened on first use); only ``init`` and ``serve`` may create it."""
        if self._store is None:
            if not self.may_create and not self.db_path.exists():
                raise CommandError(
                    f"er is geen database in {self.db_path}; maak er een met "
                    "'lekstat-server init', of noem de uwe met --db of LEKSTAT_DB",
                    f"there is no database at {self.db_path}; create one with "
                    "'lekstat-server init', or name yours with --db or LEKSTAT_DB",
                    EXIT_FAILURE,
                )
            settings = self.settings or Settings(db_path=self.db_path)
            self._store = Store(
                self.db_path,
                journal=self.journal_path,
                keys=keys_of(settings.key, settings.key_file),
            )
        return self._store

    @property
    def journal_path(self) -> Path | None:
        """The release journal named by the settings (None: beside the database)."""
        return self.settings.journal_path if self.settings else None

    def context(self) -> Context:
        """The services' context on this command's store, settings and clock."""
        settings = self.settings or Settings(db_path=self.db_path)
        return Context(self.store(), settings, self.clock)

    def path(self, value: str | Path) -> Path:
        """A path argument, relative to the caller's working directory."""
        p = Path(value).expanduser()
        return p if p.is_absolute() else self.cwd / p

    def say(self, nl: str, en: str) -> None:
        """Write a line in the command's language."""
        print(nl if self.lang == "nl" else en, file=self.out)

    def print(self, *parts: object) -> None:
        """Write a line that needs no translation (a table, an id, a token)."""
        print(*parts, file=self.out)

    def t(self, nl: str, en: str) -> str:
        """The text in the command's language."""
        return nl if self.lang == "nl" else en

    def write_audit(self, *, refused: bool) -> None:
        """The audit line of a command that changed (or tried to change) data."""
        if self.note.action and self._store is not None:
            audit.record_command(self._store, OPERATOR, self.note, refused=refused)
        self.note = Note()  # one line per operation


Handler = Callable[[argparse.Namespace, Cli], int]


def command(nl: str, en: str) -> Callable[[Handler], Handler]:
    """Give a command its help text in Dutch and English (the first line is the summary)."""

    def mark(handler: Handler) -> Handler:
        handler.help_nl = nl  # type: ignore[attr-defined]
        handler.help_en = en  # type: ignore[attr-defined]
        return handler

    return mark


def help_of(handler: Handler, lang: Lang) -> str:
    """A command's help text in ``lang``."""
    return str(getattr(handler, "help_nl" if lang == "nl" else "help_en", handler.__doc__ or ""))


def table(rows: Sequence[Sequence[object]], header: Sequence[str]) -> str:
    """Rows as an aligned text table."""
    cells = [[str(h) for h in header]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to a new file only its owner can read (mode 0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)


class Commands:
    """Adds commands (and groups of them) to a parser, with help in one language."""

    def __init__(self, sub: argparse._SubParsersAction, lang: Lang) -> None:
        self.sub, self.lang = sub, lang

    def t(self, nl: str, en: str) -> str:
        """The text in the parser's language."""
        return nl if self.lang == "nl" else en

    def add(self, name: str, handler: Handler) -> argparse.ArgumentParser:
        """A command whose help is the handler's, in this language."""
        doc = help_of(handler, self.lang).strip()
        parser: argparse.ArgumentParser = self.sub.add_parser(
            name, help=_literal(doc.splitlines()[0]) if doc else None, description=doc
        )
        parser.set_defaults(handler=handler)
        return parser

    def group(self, name: str, nl: str, en: str) -> Commands:
        """A group of commands (``token create``, ``token list``…)."""
        parser = self.sub.add_parser(
            name, help=_literal(self.t(nl, en)), description=self.t(nl, en)
        )
        actions = parser.add_subparsers(
            dest=f"{name}_command", required=True, metavar=self.t("ACTIE", "ACTION")
        )
        return Commands(actions, self.lang)


def _literal(text: str) -> str:
    """A help text as argparse prints it: it %-formats help, so "95%" must be "95%%"."""
    return text.replace("%", "%%")
