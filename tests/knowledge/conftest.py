"""The answerer over the bundled plan, built once per test module (building it costs ~0.3 s;
answers are cached per instance, so modules do not share one)."""

from __future__ import annotations

import pytest

from knowledge.answers import Answerer
from knowledge.ingest import load_bundled_plan


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(load_bundled_plan())
