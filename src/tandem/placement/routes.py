"""Every router of the placement domain, in the order the app includes them."""

from fastapi import APIRouter

from tandem.placement import (
    api_applicants,
    api_insurance,
    api_placements,
    api_plans,
    api_positions,
    api_preferences,
    api_records,
    api_rounds,
    views_applicants,
    views_insurance,
    views_placements,
    views_plans,
    views_positions,
    views_preferences,
    views_records,
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
    api_placements.router,
    api_records.router,
    api_insurance.router,
    views_placements.router,
    views_records.router,
    views_insurance.router,
)
