"""Who may reach the agreement routes at all (the services then check the agreement itself)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.auth.roles import Permission

Reader = Annotated[Actor, Depends(require(Permission.AGREEMENT_READ))]
Manager = Annotated[Actor, Depends(require(Permission.AGREEMENT_MANAGE))]
Approver = Annotated[Actor, Depends(require(Permission.AGREEMENT_APPROVE))]
Signer = Annotated[Actor, Depends(require(Permission.AGREEMENT_SIGN))]
