"""argparse in the user's language: in Dutch mode, none of argparse's English (issue 17)."""

from __future__ import annotations

import argparse
import inspect
import re

import pytest

from client import cli
from client.cli_text import DUTCH, USAGE_EXIT, localized_parser

#: argparse's own English, as a Dutch user saw it before.
ENGLISH = (
    "usage:",
    "the following arguments are required",
    "invalid choice",
    "choose from",
    "show this help message and exit",
    "unrecognized arguments",
    "expected one argument",
    "positional arguments",
    "options:",
    "error:",
    "invalid",
)

#: Message ids only a programmer can trigger (a parser built wrongly), never a user.
PROGRAMMER_ERRORS = {
    "'required' is an invalid argument for positionals",
    "%r is not callable",
    ".__call__() not defined",
    "cannot have multiple subparser arguments",
    "cannot merge actions - two groups are named %r",
    "conflicting subparser alias: %s",
    "conflicting subparser: %s",
    "dest= is required for options like %r",
    "invalid conflict_resolution value: %r",
    "mutually exclusive arguments must be optional",
    "conflicting option string: %s",
    "conflicting option strings: %s",
    'argument "-" with mode %r',
    "length of metavar tuple does not match nargs",
}


def _argparse_message_ids() -> set[str]:
    """Every message id the running argparse passes to gettext (``_()`` and ``ngettext``)."""
    source = inspect.getsource(argparse)
    ids = set(re.findall(r"""\b_\(\s*(['"])(.*?)\1\s*\)""", source))
    plural = re.findall(r"""ngettext\(\s*(['"])(.*?)\1\s*,\s*(['"])(.*?)\3""", source)
    found = {text for _, text in ids}
    for _, one, _, many in plural:
        found |= {one, many}
    return {text.encode().decode("unicode_escape") for text in found}


def test_cli_text_every_message_argparse_shows_a_user_is_in_dutch() -> None:
    ids = _argparse_message_ids()
    assert "the following arguments are required: %s" in ids  # the scan itself works
    missing = sorted(ids - PROGRAMMER_ERRORS - set(DUTCH))
    assert missing == []


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["validate", "--help"],
        [],
        ["validate"],  # the file and --period are required
        ["validate", "x.csv", "--period"],  # an option without its value
        ["bogus"],
        ["template", "--format", "doc", "--out", "t.doc"],
        ["status", "--nope"],
        ["status", "--json=yes"],
        ["validate", "x.csv", "--period", "2026-Q9"],
    ],
)
def test_cli_in_dutch_prints_none_of_argparses_english(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(argv)
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == (0 if "--help" in argv else USAGE_EXIT)
    assert not [phrase for phrase in ENGLISH if phrase in text], text
    assert "gebruik: lekstat" in text
    if code == USAGE_EXIT:
        assert "(zie --help)" in text


def test_cli_in_english_keeps_argparses_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", "--lang", "en"]) == USAGE_EXIT
    err = capsys.readouterr().err
    assert "usage: lekstat" in err and "the following arguments are required" in err
    assert "(see --help)" in err


def test_cli_text_restores_argparse_for_everyone_else(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["bogus"])
    capsys.readouterr()
    plain = argparse.ArgumentParser(prog="other")
    assert plain.format_usage().startswith("usage: other")


def test_localized_parser_is_reusable_by_another_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = localized_parser("nl")(prog="lekstat-server")
    commands = parser.add_subparsers(metavar="OPDRACHT")
    commands.required = True
    token = commands.add_parser("token")
    token.add_argument("--role", choices=("municipality", "analyst"), required=True)
    assert type(token) is type(parser)
    with pytest.raises(SystemExit) as stopped:
        parser.parse_args(["token", "--role", "boss"])
    assert stopped.value.code == USAGE_EXIT
    err = capsys.readouterr().err
    assert "ongeldige keuze: 'boss' (kies uit 'municipality', 'analyst')" in err
    assert err.startswith("gebruik: lekstat-server token")
    assert "opties" in parser.format_help() and "toon deze hulp en stop" in token.format_help()
