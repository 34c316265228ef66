"""Pages for importing a register: upload, preview (a dry run), confirm, download the marks.

For each register (partners, students, teachers, agreements, equipment):

- ``GET  /imports/{register}``: the upload form, with the columns the file may have;
- ``POST /imports/{register}``: keep the file under a random token and show a dry run: the
  first rows with what would happen to each, and every error;
- ``POST /imports/{register}/{token}``: import it for real (all rows or none);
- ``GET  /imports/{register}/{token}/errors.xlsx``: the file with the bad cells marked;
- ``GET  /imports/{register}/template.xlsx``: an empty workbook with the columns.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from tandem.auth.actor import Actor
from tandem.auth.deps import require
from tandem.college.models import College
from tandem.kit.deps import DbSession
from tandem.kit.errors import AppError, NotFound
from tandem.kit.i18n import N_, get_language, gettext
from tandem.kit.spreadsheet import Table, marked_copy, read_table
from tandem.kit.web import flash, render, verify_csrf

from . import uploads
from .columns import REGISTERS, Register
from .common import CREATED, ERROR, SHARED, UNCHANGED, UPDATED, RegisterReport
from .service import import_rows, template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the small fields beside the file
PREVIEW_ROWS = 20
ERRORS_SHOWN = 200
STATUS_LABELS = {
    CREATED: N_("New"),
    UPDATED: N_("Changed"),
    UNCHANGED: N_("Unchanged"),
    SHARED: N_("Unchanged (shared record)"),
    ERROR: N_("Error"),
}
STATUS_BADGES = {CREATED: "ok", UPDATED: "warn", ERROR: "bad"}
NO_FILE = N_("Choose a file to upload: an Excel workbook (.xlsx) or a CSV file.")
PAGE_TITLES = {
    "partners": N_("Import partner enterprises"),
    "students": N_("Import students"),
    "teachers": N_("Import teachers"),
    "agreements": N_("Import agreements"),
    "equipment": N_("Import equipment"),
}


def limit_upload(request: Request) -> None:
    """Refuse an upload whose declared size is over the limit before reading any of it."""
    if request.method != "POST":
        return
    limit: int = request.app.state.settings.upload_max_bytes
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit + FORM_OVERHEAD:
        raise uploads.too_large(limit)


router = APIRouter(
    dependencies=[Depends(limit_upload), Depends(verify_csrf)], include_in_schema=False
)


def _colleges(session: Session, actor: Actor) -> list[tuple[int, str]]:
    if not actor.is_platform_wide:
        return []
    colleges = session.scalars(select(College).order_by(College.code)).all()
    return [(c.id, f"{c.code} {c.name(get_language())}") for c in colleges]


def _college_id(actor: Actor, posted: object) -> int | None:
    """Platform administrators choose the college; everyone else imports into their own."""
    text = posted if isinstance(posted, str) else ""
    chosen = int(text) if text.isdigit() and len(text) < 10 else None
    if actor.is_platform_wide:
        return chosen
    if chosen is not None and chosen != actor.college_id:
        raise NotFound(N_("No college with id %(id)s."), id=chosen)
    return actor.college_id


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    register: Register,
    *,
    error: str = "",
    status_code: int = 200,
    **context: Any,
) -> Response:
    language = get_language()
    return render(
        request,
        "imports/upload.html",
        {
            "register": register,
            "page_title": PAGE_TITLES[register.name],
            "columns": [(c.header_zh, c.header_en, c.required, c.hint) for c in register.columns],
            "colleges": _colleges(session, actor),
            "error": error,
            "header": lambda key: register.header(key, language),
            "status_labels": STATUS_LABELS,
            "status_badges": STATUS_BADGES,
            **context,
        },
        status_code=status_code,
    )


def _failed(
    request: Request, session: Session, actor: Actor, register: Register, error: AppError
) -> Response:
    """The upload form again, saying why the file as a whole cannot be imported."""
    return _page(
        request, session, actor, register, error=error.localised(), status_code=error.status_code
    )


def _report_page(
    request: Request,
    session: Session,
    actor: Actor,
    register: Register,
    upload: uploads.Upload,
    table: Table,
    report: RegisterReport,
) -> Response:
    by_row: dict[int, list[Any]] = {}
    for item in report.errors:
        by_row.setdefault(item.row, []).append(item)
    values = {row.number: row.values for row in table.rows[: PREVIEW_ROWS * 2]}
    preview = [
        (outcome, values.get(outcome.row, {}).get("name") or "", by_row.get(outcome.row, []))
        for outcome in report.outcomes[:PREVIEW_ROWS]
    ]
    return _page(
        request,
        session,
        actor,
        register,
        status_code=200 if report.ok else 422,
        upload=upload,
        report=report,
        preview=preview,
        rows=len(table.rows),
        errors_shown=report.errors[:ERRORS_SHOWN],
        counts={status: report.count(status) for status in STATUS_LABELS},
    )


def _check(
    request: Request,
    session: Session,
    actor: Actor,
    register: Register,
    data: bytes,
    college_id: int | None,
    create_accounts: bool,
    filename: str | None,
) -> Response:
    """Store the upload and show what importing it would do (nothing is written)."""
    settings = request.app.state.settings
    try:
        table = read_table(data, register.columns)
        report = import_rows(
            session,
            actor=actor,
            register=register.name,
            table=table,
            college_id=college_id,
            create_accounts=create_accounts,
            settings=settings,
            language=get_language(),
            dry_run=True,
        )
    except AppError as error:
        return _failed(request, session, actor, register, error)
    upload = uploads.save(
        settings,
        data,
        user_id=actor.user_id,
        register=register.name,
        college_id=college_id,
        create_accounts=create_accounts,
        filename=filename,
    )
    if not report.ok:
        uploads.save_errors(settings, upload, marked_copy(data, table, report.errors))
    return _report_page(request, session, actor, register, upload, table, report)


def _confirm(
    request: Request, session: Session, actor: Actor, register: Register, token: str
) -> Response:
    settings = request.app.state.settings
    upload = uploads.load(settings, token, user_id=actor.user_id, register=register.name)
    data = uploads.data_of(settings, upload)
    try:
        table = read_table(data, register.columns)
        report = import_rows(
            session,
            actor=actor,
            register=register.name,
            table=table,
            college_id=upload.college_id,
            create_accounts=upload.create_accounts,
            settings=settings,
            language=get_language(),
        )
    except AppError as error:
        return _page(
            request,
            session,
            actor,
            register,
            error=error.localised(),
            status_code=error.status_code,
        )
    if not report.ok:
        uploads.save_errors(settings, upload, marked_copy(data, table, report.errors))
        return _report_page(request, session, actor, register, upload, table, report)
    uploads.discard(settings, upload)
    flash(
        request,
        N_("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged."),
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
    )
    if report.invited:
        flash(request, N_("%(count)s invitation(s) queued in the outbox."), count=report.invited)
    return RedirectResponse(register.list_url, status_code=303)


def _add_routes(register: Register) -> None:
    base = f"/imports/{register.name}"
    allowed = Depends(require(register.permission))

    @router.get(f"{base}/template.xlsx", name=f"import_{register.name}_template")
    def template(actor: Actor = allowed) -> Response:
        content = template_workbook(register.name, get_language())
        disposition = f'attachment; filename="{register.name}-template.xlsx"'
        return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})

    @router.get(base, response_class=HTMLResponse, name=f"import_{register.name}")
    def upload_form(request: Request, session: DbSession, actor: Actor = allowed) -> Response:
        return _page(request, session, actor, register)

    @router.post(base, response_class=HTMLResponse, name=f"import_{register.name}_check")
    async def upload_file(request: Request, session: DbSession, actor: Actor = allowed) -> Response:
        settings = request.app.state.settings
        form = await request.form()
        college_id = _college_id(actor, form.get("college_id"))
        file = form.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            return _page(
                request,
                session,
                actor,
                register,
                error=gettext(NO_FILE),
                status_code=422,
            )
        data = await file.read(settings.upload_max_bytes + 1)
        if len(data) > settings.upload_max_bytes:
            error = uploads.too_large(settings.upload_max_bytes)
            return _page(
                request, session, actor, register, error=error.localised(), status_code=413
            )
        accounts = register.accounts and form.get("create_accounts") == "on"
        return await run_in_threadpool(
            _check, request, session, actor, register, data, college_id, accounts, file.filename
        )

    @router.post(
        f"{base}/{{token}}", response_class=HTMLResponse, name=f"import_{register.name}_run"
    )
    def confirm(
        token: str, request: Request, session: DbSession, actor: Actor = allowed
    ) -> Response:
        return _confirm(request, session, actor, register, token)

    @router.get(f"{base}/{{token}}/errors.xlsx", name=f"import_{register.name}_errors")
    def error_workbook(token: str, request: Request, actor: Actor = allowed) -> Response:
        settings = request.app.state.settings
        upload = uploads.load(settings, token, user_id=actor.user_id, register=register.name)
        content = uploads.errors_of(settings, upload)
        if content is None:
            raise NotFound(N_("There are no marked errors for this upload."))
        headers = {
            "Content-Disposition": f'attachment; filename="{register.name}-errors.xlsx"',
            "Cache-Control": "no-store",  # the uploaded rows: personal data
        }
        return Response(content, media_type=XLSX, headers=headers)


for _register in REGISTERS.values():
    _add_routes(_register)
