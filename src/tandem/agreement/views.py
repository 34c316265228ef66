"""HTML pages for cooperation agreements (server-rendered, htmx for the list's live results).

The routes live in four modules; this router includes them all (the list and the forms first,
so ``/agreements/new`` is matched before ``/agreements/{agreement_id}``).
"""

from __future__ import annotations

from fastapi import APIRouter

from tandem.agreement import export_views, views_detail, views_items, views_list

router = APIRouter(include_in_schema=False)
router.include_router(export_views.router)  # before /agreements/{agreement_id}
router.include_router(views_list.router)
router.include_router(views_detail.router)
router.include_router(views_items.router)
