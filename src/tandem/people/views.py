"""Pages for the people registry."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from tandem.kit.web import verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
