"""The application factory: routers, static files, error handlers and middleware."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.sessions import SessionMiddleware

from tandem import __version__
from tandem.agreement import api as agreement_api
from tandem.agreement import steering_api, steering_views
from tandem.agreement import views as agreement_views
from tandem.audit import api as audit_api
from tandem.audit import views as audit_views
from tandem.auth import admin_views as user_admin_views
from tandem.auth import api as auth_api
from tandem.auth import views as auth_views
from tandem.college import api as college_api
from tandem.college import views as college_views
from tandem.compliance import api as compliance_api
from tandem.config import Settings, get_settings
from tandem.db import build_engine
from tandem.imports import views as import_views
from tandem.inbox import api as inbox_api
from tandem.inbox import views as inbox_views
from tandem.kit import problems
from tandem.kit.middleware import LanguageMiddleware, SecurityHeadersMiddleware
from tandem.kit.web import STATIC_DIR
from tandem.mail import views as mail_views
from tandem.mail.delivery import deliver_after_commit
from tandem.needs import api as needs_api
from tandem.needs import views as needs_views
from tandem.partner import api as partner_api
from tandem.partner import views as partner_views
from tandem.people import api as people_api
from tandem.people import views as people_views
from tandem.placement import routes as placement_routes
from tandem.resource import (
    api_bases,
    api_bookings,
    api_equipment,
    api_links,
    api_utilisation,
    api_venues,
    api_workcal,
    views_bases,
    views_bookings,
    views_calendar,
    views_equipment,
    views_links,
    views_utilisation,
    views_venues,
    views_workcal,
)
from tandem.site import views as site_views

UI_COOKIE = "tandem_ui"


def create_app(
    settings: Settings | None = None, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    settings = settings or get_settings()
    logging.basicConfig(level=logging.INFO if settings.env != "test" else logging.WARNING)
    app = FastAPI(
        title="Tandem",
        version=__version__,
        description="School–enterprise cooperation platform (校企合作 / 产教融合) — JSON API.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    if session_factory is None:
        engine = build_engine(settings.database_url)
        session_factory = sessionmaker(bind=engine, expire_on_commit=False)
    app.state.sessionmaker = session_factory
    app.state.after_commit = [deliver_after_commit]

    problems.install(app)
    for router in (
        site_views.router,
        auth_views.router,
        auth_api.router,
        user_admin_views.router,
        college_api.router,
        college_views.router,
        audit_api.router,
        audit_views.router,
        mail_views.router,
        people_api.router,
        people_views.router,
        partner_api.router,
        partner_views.router,
        import_views.router,
        agreement_api.router,
        agreement_views.router,
        steering_api.router,
        steering_views.router,
        inbox_api.router,
        inbox_views.router,
        needs_api.router,
        needs_views.router,
        compliance_api.router,
        api_venues.router,
        api_bases.router,
        views_venues.router,
        views_bases.router,
        api_equipment.router,
        views_equipment.router,
        api_bookings.router,
        api_workcal.router,
        views_bookings.router,
        views_calendar.router,
        views_workcal.router,
        api_utilisation.router,
        views_utilisation.router,
        api_links.router,
        views_links.router,
        *placement_routes.ROUTERS,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # Added last = outermost: headers and language apply to every response, errors included.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.resolved_secret_key(),
        session_cookie=UI_COOKIE,
        same_site="lax",
        https_only=settings.env == "production",
        max_age=14 * 24 * 3600,
    )
    app.add_middleware(LanguageMiddleware, default_language=settings.default_language)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.env == "production")
    return app
