"""The exception tree drawn in client/errors.py is the tree the classes form."""

from __future__ import annotations

import inspect
import re

from client import errors


def _drawn_tree() -> dict[str, str | None]:
    """Class name → drawn parent, read from the module docstring's tree."""
    parents: dict[str, str | None] = {}
    stack: list[tuple[int, str]] = []
    for line in (errors.__doc__ or "").splitlines():
        match = re.match(r"^(\s*)((?:[│ ]   )*)(?:[├└]── )?([A-Z]\w+Error)\b", line)
        if not match:
            continue
        depth = len(match.group(2)) // 4 + (1 if "── " in line else 0)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parents[match.group(3)] = stack[-1][1] if stack else None
        stack.append((depth, match.group(3)))
    return parents


def test_errors_docstring_draws_every_class_under_its_real_parent() -> None:
    classes = {
        name: cls
        for name, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.LekstatError)
    }
    drawn = _drawn_tree()
    assert set(drawn) == set(classes)
    for name, parent in drawn.items():
        base = classes[name].__bases__[0]
        assert (base.__name__ if base is not Exception else None) == parent, name


def test_errors_every_class_is_exported_from_the_package() -> None:
    import client

    for name, cls in inspect.getmembers(errors, inspect.isclass):
        if issubclass(cls, errors.LekstatError):
            assert getattr(client, name) is cls


def test_errors_exit_codes() -> None:
    assert errors.InvalidDataError("x", []).exit_code == 1
    assert errors.ConfigError("x").exit_code == 2
    assert errors.NetworkError("x").exit_code == 3
    assert errors.ServerError(500, "c", "m").exit_code == 3
    # a refusal by the server is a server failure in the user's terms: the same code as a 5xx
    for kind in (errors.AuthenticationError, errors.PermissionDeniedError, errors.RefusedError):
        assert kind(400, "c", "m").exit_code == 3
    assert {errors.EXIT_OK, errors.EXIT_INVALID, errors.EXIT_USAGE} == {0, 1, 2}
    assert (errors.EXIT_SERVER_OR_NETWORK, errors.EXIT_INTERNAL) == (3, 70)
