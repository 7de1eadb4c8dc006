"""The release engine's tests run numpy as the engine does: one BLAS thread."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aggregator.dp.estimation import one_blas_thread


@pytest.fixture(autouse=True)
def _one_blas_thread() -> Iterator[None]:
    # The direct calls of estimation functions get the engine's setting; on a shared machine
    # more threads only wait for each other.
    with one_blas_thread():
        yield
