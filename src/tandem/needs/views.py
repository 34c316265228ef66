"""Pages for enterprise needs, the college's offer and the advice (one router for main.py)."""

from __future__ import annotations

from fastapi import APIRouter

from tandem.needs import views_needs, views_offer

router = APIRouter()
router.include_router(views_needs.router)
router.include_router(views_offer.router)
