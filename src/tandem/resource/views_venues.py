"""Routes (filled in by the issue-8 work)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
