"""Every HTTP route of the app, found by walking the routers (so new routes cannot hide)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute


def _walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """(full path, route), adding the prefixes of routers included inside other routers."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):
            context = getattr(route, "include_context", None)
            yield from _walk(route.original_router.routes, prefix + getattr(context, "prefix", ""))


def all_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) for every endpoint, HEAD left out (it mirrors GET)."""
    found = {
        (method, path)
        for path, route in _walk(app.routes)
        for method in route.methods
        if method != "HEAD"
    }
    return sorted(found, key=lambda item: (item[1], item[0]))
