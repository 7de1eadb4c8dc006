"""The examples in the release engine's docstrings run (aggregator/ is not a doctest path)."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from aggregator import estimation, privacy, structure


@pytest.mark.parametrize("module", [estimation, privacy, structure], ids=lambda m: m.__name__)
def test_doctests_examples_in_docstrings_hold(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
