"""The round and results pages: run from the form, the statistics and explanations, adjust
with the verifier's verdict, publish with a confirmation, and results for each role."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.auth.models import User
from tandem.placement.models import AllocationRound
from tests.conftest import post_form
from tests.placement.round_helpers import prepare_round
from tests.placement.world import PlacementWorld

Browser = Callable[[User], TestClient]


def test_office_runs_checks_adjusts_and_publishes_through_the_pages(
    session: Session, world: PlacementWorld, browser: Browser
) -> None:
    prepare_round(session, world)
    session.commit()
    office = browser(world.users["office"])
    page = office.get(f"/placement-plans/{world.plan.id}/rounds")
    assert page.status_code == 200
    assert "Run the preview" in page.text
    assert "Capacity of the hosts" in page.text
    bad = post_form(
        office, f"/placement-plans/{world.plan.id}/rounds", {"objective": "stable", "seed": "-1"}
    )
    assert bad.status_code == 422
    assert "whole number" in bad.text
    ran = post_form(
        office,
        f"/placement-plans/{world.plan.id}/rounds",
        {"objective": "stable", "seed": "4"},
        follow_redirects=False,
    )
    assert ran.status_code == 303
    found = session.scalar(select(AllocationRound).where(AllocationRound.plan_id == world.plan.id))
    assert found is not None
    assert ran.headers["location"] == f"/rounds/{found.id}"

    detail = office.get(f"/rounds/{found.id}", params={"student_id": world.seniors[2].id})
    assert detail.status_code == 200
    assert "data-chart" in detail.text
    assert "welfare objective would place" in detail.text
    assert "did not accept this student" in detail.text
    searched = office.get(
        f"/rounds/{found.id}",
        params={"q": world.seniors[4].student_number},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    assert world.seniors[4].name in searched.text
    assert "<html" not in searched.text

    adjust = f"/rounds/{found.id}/adjust?student_id={world.seniors[3].id}"
    assert office.get(adjust).status_code == 200
    missing = post_form(office, adjust, {"student_id": str(world.seniors[3].id), "position_id": ""})
    assert missing.status_code == 422
    assert "Give a reason" in missing.text
    saved = post_form(
        office, adjust, {"student_id": str(world.seniors[3].id), "position_id": "", "reason": "ill"}
    )
    assert saved.status_code == 200
    # Senior 3 at each of their three choices, the lottery's loser and senior 4 at P0.
    assert "This change creates 5 blocking pairs" in saved.text

    assert "Publish round 1?" in office.get(f"/rounds/{found.id}/publish").text
    published = post_form(office, f"/rounds/{found.id}/publish", {}, follow_redirects=False)
    assert published.status_code == 303
    session.refresh(found)
    assert found.status == "published"
    results = office.get(f"/placement-plans/{world.plan.id}/results")
    assert f"/rounds/{found.id}" in results.text


def test_results_for_a_student_in_chinese_and_for_a_contact(
    session: Session, world: PlacementWorld, browser: Browser, app: object
) -> None:
    from tandem.placement.rounds import run_round
    from tandem.placement.rounds_publish import publish_round

    prepare_round(session, world)
    found = run_round(session, actor=world.actor("office"), plan=world.plan, seed=1)
    publish_round(session, actor=world.actor("office"), round=found, settings=None)
    session.commit()
    student = browser(world.users["student"])
    page = student.get(
        f"/placement-plans/{world.plan.id}/results", headers={"Accept-Language": "zh-CN"}
    )
    assert page.status_code == 200
    assert 'lang="zh' in page.text
    # The engine's English messages are never shown (ours go through the catalogue).
    assert "did not rank" not in page.text
    assert "their 1st choice" not in page.text
    english = student.get(f"/placement-plans/{world.plan.id}/results")
    assert "Placed at" in english.text
    contact = browser(world.users["contact2"])
    interns = contact.get(f"/placement-plans/{world.plan.id}/results")
    assert world.positions[2].title in interns.text
    assert world.positions[0].title not in interns.text
    assert student.get(f"/rounds/{found.id}").status_code == 403
