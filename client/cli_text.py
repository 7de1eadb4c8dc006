"""argparse in the user's language: usage, help and error messages in Dutch or English.

argparse writes its own words ("usage:", "the following arguments are required", "invalid
choice", "show this help message and exit") through ``gettext``. :func:`localized_parser`
returns an :class:`argparse.ArgumentParser` subclass that, while it builds, parses or formats,
has those words translated by :data:`DUTCH` (English stays as argparse writes it). Its usage
errors end the program with exit code 2 and a hint to ``--help``. Meant for every lekstat
command line (``lekstat`` and ``lekstat-server``)::

    parser = localized_parser("nl")(prog="lekstat", description="…")

It imports nothing but the standard library, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any, NoReturn

from schemas.lang import Lang

#: The exit code of a usage error.
USAGE_EXIT = 2

#: argparse's messages (its gettext message ids: those of Python 3.11, and some of later
#: versions) in Dutch. A message id missing here is shown in English; a test checks that every
#: one the running argparse can show a user is here.
DUTCH: dict[str, str] = {
    "usage: ": "gebruik: ",
    "options": "opties",
    "optional arguments": "opties",
    "positional arguments": "argumenten",
    "subcommands": "opdrachten",
    "show this help message and exit": "toon deze hulp en stop",
    "show program's version number and exit": "toon het versienummer en stop",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fout: %(message)s\n",
    "the following arguments are required: %s": "deze argumenten ontbreken: %s",
    "unrecognized arguments: %s": "onbekende argumenten: %s",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "ongeldige keuze: %(value)r (kies uit %(choices)s)"
    ),
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)": (
        "ongeldige keuze: %(value)r, bedoelt u %(closest)r? (kies uit %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "ongeldige waarde (%(type)s): %(value)r",
    "expected one argument": "hier hoort één waarde achter",
    "expected at most one argument": "hier hoort hoogstens één waarde achter",
    "expected at least one argument": "hier hoort minstens één waarde achter",
    "expected %s argument": "hier horen %s waarden achter",
    "expected %s arguments": "hier horen %s waarden achter",
    "not allowed with argument %s": "niet samen met %s te gebruiken",
    "ignored explicit argument %r": "deze optie neemt geen waarde: %r",
    "one of the arguments %s is required": "een van deze argumenten is verplicht: %s",
    "ambiguous option: %(option)s could match %(matches)s": (
        "onduidelijke optie: %(option)s kan %(matches)s zijn"
    ),
    "unexpected option string: %s": "onverwachte optie: %s",
    "can't open '%(filename)s': %(error)s": "kan '%(filename)s' niet openen: %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "onbekende opdracht %(parser_name)r (kies uit %(choices)s)"
    ),
    "option '%(option)s' is deprecated": "optie '%(option)s' verdwijnt binnenkort",
    "argument '%(argument_name)s' is deprecated": (
        "argument '%(argument_name)s' verdwijnt binnenkort"
    ),
    "command '%(parser_name)s' is deprecated": "opdracht '%(parser_name)s' verdwijnt binnenkort",
    "default": "standaard",
}

_SEE_HELP = {"nl": "zie --help", "en": "see --help"}
_HELP = {"nl": "toon deze hulp en stop", "en": "show this help and exit"}


def translate(message: str, lang: Lang) -> str:
    """argparse's message id ``message`` in ``lang`` (unknown ids stay as they are)."""
    return DUTCH.get(message, message) if lang == "nl" else message


@contextlib.contextmanager
def argparse_language(lang: Lang) -> Iterator[None]:
    """Within the block, argparse's own words are in ``lang``; restored afterwards."""
    saved = {name: getattr(argparse, name) for name in ("_", "ngettext") if hasattr(argparse, name)}

    def gettext(message: str) -> str:
        return translate(message, lang)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return translate(singular if n == 1 else plural, lang)

    argparse._ = gettext  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(argparse, name, value)


class LocalizedParser(argparse.ArgumentParser):
    """An argument parser whose own words are in :attr:`lang`; usage errors exit with 2."""

    lang: Lang = "nl"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False  # ours, with its help in the user's language
        with argparse_language(self.lang):
            super().__init__(*args, **kwargs)
            if add_help:
                self.add_argument(
                    "-h",
                    "--help",
                    action="help",
                    default=argparse.SUPPRESS,
                    help=_HELP[self.lang],
                )

    def add_subparsers(self, **kwargs: Any) -> Any:
        """As argparse's, with its default title in :attr:`lang`."""
        with argparse_language(self.lang):
            return super().add_subparsers(**kwargs)

    def parse_args(self, *args: Any, **kwargs: Any) -> Any:
        """As argparse's, with its error messages in :attr:`lang`."""
        with argparse_language(self.lang):
            return super().parse_args(*args, **kwargs)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        """As argparse's, with its error messages in :attr:`lang`."""
        with argparse_language(self.lang):
            return super().parse_known_args(*args, **kwargs)

    def format_usage(self) -> str:
        """The usage line in :attr:`lang`."""
        with argparse_language(self.lang):
            return super().format_usage()

    def format_help(self) -> str:
        """The help text in :attr:`lang`."""
        with argparse_language(self.lang):
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        """Print the usage and ``prog: message (see --help)``, and exit with code 2."""
        self.print_usage(sys.stderr)
        self.exit(USAGE_EXIT, f"{self.prog}: {message} ({_SEE_HELP[self.lang]})\n")


_CLASSES: dict[Lang, type[LocalizedParser]] = {}


def localized_parser(lang: Lang) -> type[LocalizedParser]:
    """The :class:`LocalizedParser` subclass for ``lang`` (its subparsers are of it too)."""
    if lang not in _CLASSES:
        _CLASSES[lang] = type(f"LocalizedParser_{lang}", (LocalizedParser,), {"lang": lang})
    return _CLASSES[lang]


#: The exit code when the reader of the output went away, as Unix tools have it (128 + SIGPIPE).
EXIT_BROKEN_PIPE = 141


def end_on_broken_pipe() -> int:
    """The reader of our output has gone (``lekstat … | head -2``): stop quietly, as Unix tools
    do, without a traceback now or when Python flushes the output at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_BROKEN_PIPE
