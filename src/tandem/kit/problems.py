"""Exception handlers: RFC 9457 problem+json for the API, friendly pages for people."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from tandem.kit.errors import AppError, NotFound, StaleVersion
from tandem.kit.i18n import N_, gettext
from tandem.kit.validation import from_pydantic
from tandem.kit.web import flash, render

log = logging.getLogger("tandem.errors")
PROBLEM_TYPE = "application/problem+json"

_STATUS_TITLES = {
    400: N_("The request cannot be processed"),
    401: N_("Please sign in"),
    403: N_("You are not allowed to do this"),
    404: N_("Not found"),
    405: N_("This method is not allowed here"),
    409: N_("This conflicts with existing data"),
    413: N_("The upload is too large"),
    415: N_("This file type is not supported"),
    422: N_("Some fields need correcting"),
    429: N_("Too many attempts; wait a moment and try again"),
    500: N_("Something went wrong on our side"),
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def problem_body(request: Request, error: AppError) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"https://tandem.invalid/problems/{error.code}",
        "title": gettext(error.title),
        "status": error.status_code,
        "code": error.code,
        "detail": error.localised(),
        "instance": request.url.path,
    }
    if error.errors:
        body["errors"] = [
            {"field": e.field, "code": e.code, "message": e.localised()} for e in error.errors
        ]
    return body


def _respond(request: Request, error: AppError, headers: dict[str, str] | None = None) -> Response:
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        headers = {**(headers or {}), "Retry-After": str(retry_after)}
    if error.status_code == 401 and not wants_json(request):
        return _to_login(request, error)
    if wants_json(request):
        return JSONResponse(
            problem_body(request, error),
            status_code=error.status_code,
            media_type=PROBLEM_TYPE,
            headers=headers,
        )
    template = "errors/404.html" if error.status_code == 404 else "errors/error.html"
    return render(
        request,
        template,
        {"error": error, "title": gettext(error.title), "detail": error.localised()},
        status_code=error.status_code,
    )


def _to_login(request: Request, error: AppError) -> Response:
    """People who are not signed in go to the sign-in page, and come back afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if "session" in request.scope and error.code != "unauthenticated":
        flash(request, error.message, "warning", **error.params)
    if request.method != "GET":
        target = "/"
    response = RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
    if request.headers.get("HX-Request") == "true":
        response.headers["HX-Redirect"] = response.headers["location"]
    return response


async def handle_app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)  # noqa: S101 - registered for AppError only
    return _respond(request, exc)


async def handle_request_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)  # noqa: S101
    return _respond(request, from_pydantic(exc.errors()))


async def handle_stale_data(request: Request, exc: Exception) -> Response:
    return _respond(request, StaleVersion())


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101
    status = exc.status_code
    title = _STATUS_TITLES.get(status, _STATUS_TITLES[400])
    if status == 404:
        error: AppError = NotFound(N_("There is no page at this address."))
    else:
        error = AppError(title, code=f"http_{status}")
        error.status_code = status
        error.title = title
    return _respond(request, error, headers=getattr(exc, "headers", None))


async def handle_server_error(request: Request, exc: Exception) -> Response:
    """Log the trace for operators; show people a reference, never the trace."""
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    error = AppError(
        N_("Something went wrong on our side. The error has been logged; please try again."),
        code="server_error",
    )
    error.status_code = 500
    error.title = _STATUS_TITLES[500]
    return _respond(request, error)


def install(app: FastAPI) -> None:
    app.add_exception_handler(AppError, handle_app_error)
    app.add_exception_handler(RequestValidationError, handle_request_validation)
    app.add_exception_handler(StaleDataError, handle_stale_data)
    app.add_exception_handler(StarletteHTTPException, handle_http_exception)
    app.add_exception_handler(Exception, handle_server_error)
