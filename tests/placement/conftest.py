from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.placement.world import PlacementWorld, build_world


@pytest.fixture
def world(session: Session) -> PlacementWorld:
    return build_world(session)
