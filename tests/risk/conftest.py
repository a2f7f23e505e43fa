from __future__ import annotations

import pytest

from tessera.accounts.models import User
from tessera.risk.models import InstrumentVersion
from tests.risk.world import second_supervisor, version_in_force


@pytest.fixture
def version(db) -> InstrumentVersion:
    return version_in_force()


@pytest.fixture
def supervisor2(cast) -> User:
    return second_supervisor()
