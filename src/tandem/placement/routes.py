"""Every router of the placement domain, in the order the app includes them."""

from fastapi import APIRouter

from tandem.placement import (
    api_applicants,
    api_plans,
    api_positions,
    api_preferences,
    api_rounds,
    views_applicants,
    views_plans,
    views_positions,
    views_preferences,
    views_results,
    views_rounds,
)

ROUTERS: tuple[APIRouter, ...] = (
    api_plans.router,
    api_positions.router,
    api_preferences.router,
    api_applicants.router,
    api_rounds.router,
    views_plans.router,
    views_positions.router,
    views_preferences.router,
    views_applicants.router,
    views_rounds.router,
    views_results.router,
)
