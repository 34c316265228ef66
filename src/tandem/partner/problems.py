"""Duplicate records as RFC 9457 problems that say where the existing record is."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from tandem.kit.problems import PROBLEM_TYPE, problem_body
from tandem.partner.service import Duplicate

T = TypeVar("T")


def duplicate_response(request: Request, session: Session, error: Duplicate) -> JSONResponse:
    """409 problem+json with ``existing_id`` and ``existing_url`` (top level and on the field)."""
    session.rollback()
    body = problem_body(request, error)
    link = {"existing_id": error.existing_id, "existing_url": error.existing_url}
    body.update(link)
    for item in body.get("errors", []):
        if item["code"] == "duplicate":
            item.update(link)
    return JSONResponse(body, status_code=status.HTTP_409_CONFLICT, media_type=PROBLEM_TYPE)


def guarded(request: Request, session: Session, action: Callable[[], T]) -> T | JSONResponse:
    """Run ``action``; a duplicate becomes the problem response above."""
    try:
        return action()
    except Duplicate as error:
        return duplicate_response(request, session, error)
