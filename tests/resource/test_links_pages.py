"""The agreement page's "Resources" section: suggestions linked in one click, a term linked by
hand, unlinking, equipment linked by its asset tag; errors beside the form; readers see no forms."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.resource import links, views_links
from tandem.resource.models import AgreementResource, Equipment
from tests.agreement.helpers import make_agreement
from tests.agreement.test_views import post_from
from tests.factories import Browser
from tests.resource.links_world import SITE, WORKSHOP, World, build, line


@pytest.fixture
def world(session: Session) -> World:
    found = build(session)
    session.commit()
    return found


def _links(session: Session, world: World) -> dict[str, tuple[int | None, int | None]]:
    rows = session.scalars(
        select(AgreementResource).where(AgreementResource.agreement_id == world.agreement.id)
    )
    return {r.term_key: (r.venue_id, r.base_id) for r in rows}


def test_the_section_lists_terms_and_suggestions(
    session: Session, world: World, browser: Browser
) -> None:
    office = browser(world.users["office"])
    page = f"/agreements/{world.agreement.id}"
    html = office.get(page).text
    section = html[html.index('id="resources"') :]
    assert WORKSHOP in section
    assert "not linked" in section
    assert 'id="suggestions"' in section
    assert f'name="venue_id" value="{world.site.id}"' in section
    assert f'<option value="venue:{world.workshop.id}"' in section
    assert f'<option value="venue:{world.closed.id}"' not in section  # closed
    # Equipment that fits: the partner's lines first; Bolt's never.
    options = re.findall(r'<option value="(\d+)"', section)
    assert set(options[:2]) == {str(world.lines["acme"].id), str(world.lines["joint"].id)}
    assert str(world.lines["bolt"].id) not in options

    # One click on a suggestion …
    response = post_from(
        office,
        page,
        f"{page}/resources",
        {"term_key": "7.simulated_site", "venue_id": str(world.site.id)},
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{page}#resources"
    # … and a term linked by hand from the select.
    response = post_from(
        office,
        page,
        f"{page}/resources",
        {"term_key": "1.venue", "record": f"venue:{world.alike.id}"},
    )
    assert response.status_code == 303
    assert _links(session, world) == {
        "1.venue": (world.alike.id, None),
        "7.simulated_site": (world.site.id, None),
    }
    html = office.get(page).text
    assert f'href="/venues/{world.site.id}"' in html
    assert "is now linked to" in html  # the flash

    link_id = session.scalar(
        select(AgreementResource.id).where(AgreementResource.term_key == "1.venue")
    )
    assert f'action="{page}/resources/{link_id}/delete"' in html
    assert "data-confirm" in html
    response = post_from(office, page, f"{page}/resources/{link_id}/delete")
    assert response.status_code == 303
    assert set(_links(session, world)) == {"7.simulated_site"}


def test_a_missing_record_is_said_beside_the_form(world: World, browser: Browser) -> None:
    office = browser(world.users["office"])
    page = f"/agreements/{world.agreement.id}"
    response = post_from(office, page, f"{page}/resources", {"term_key": "1.venue"})
    assert response.status_code == 422
    assert "This term names a venue: choose a venue to link." in response.text
    assert 'aria-invalid="true" aria-describedby="e-link-1-venue"' in response.text


def test_equipment_by_asset_tag(session: Session, world: World, browser: Browser) -> None:
    office = browser(world.users["office"])
    page = f"/agreements/{world.agreement.id}"
    unknown = post_from(office, page, f"{page}/equipment", {"asset_tag": "NO-SUCH"})
    assert unknown.status_code == 422
    assert "No equipment of this college has the asset tag NO-SUCH." in unknown.text
    response = post_from(office, page, f"{page}/equipment", {"asset_tag": "EQ-A"})
    assert response.status_code == 303
    line = session.get(Equipment, world.lines["acme"].id)
    session.refresh(line)
    assert line is not None
    assert line.agreement_id == world.agreement.id
    html = office.get(page).text
    assert 'id="linked-equipment"' in html
    assert "Owner: Enterprise" in html
    # Lent under the agreement, the line keeps it; the page says what to do instead.
    response = post_from(office, page, f"{page}/equipment/{line.id}/delete")
    assert response.status_code == 409
    assert "cannot be left without an agreement" in response.text
    session.refresh(line)
    assert line.agreement_id == world.agreement.id
    joint = world.lines["joint"]
    assert post_from(office, page, f"{page}/equipment", {"asset_tag": "EQ-J"}).status_code == 303
    response = post_from(office, page, f"{page}/equipment/{joint.id}/delete")
    assert response.status_code == 303
    session.refresh(joint)
    assert joint.agreement_id is None


def test_readers_see_the_links_without_forms(
    session: Session, world: World, browser: Browser
) -> None:
    office = browser(world.users["office"])
    page = f"/agreements/{world.agreement.id}"
    post_from(
        office,
        page,
        f"{page}/resources",
        {"term_key": "7.simulated_site", "venue_id": str(world.site.id)},
    )
    teacher = browser(world.users["teacher"])
    html = teacher.get(page).text
    section = html[html.index('id="resources"') :]
    assert SITE in section
    assert 'id="suggestions"' not in section
    assert f'action="{page}/resources"' not in section
    assert teacher.post(
        f"{page}/resources", data={"term_key": "1.venue"}, follow_redirects=False
    ).status_code in (400, 403)


def test_equipment_options_are_filtered_and_ranked_by_the_database(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list offers lines not linked yet, not retired, the college's or this partner's, the
    best fits first; the database hands over at most MAX_EQUIPMENT_CANDIDATES lines to score,
    however large the register (the fitting ones among them)."""
    for i in range(250):
        line(session, world.college, f"BOX-{i:03d}", f"Box {i:03d}", category="Misc")
    retired = line(session, world.college, "EQ-R", "数控车床（报废）", status="retired")
    other = make_agreement(session, world.acme, modes=(2,))
    elsewhere = line(session, world.college, "EQ-E", "数控车床 旧", agreement_id=other.id)
    newest = line(session, world.college, "EQ-Z", "数控车床 新", category="数控加工")
    texts = [text for _, text in links.equipment_terms(world.agreement)]
    scored = 0
    similarity = links.similarity

    def counting(a: str, b: str) -> float:
        nonlocal scored
        scored += 1
        return similarity(a, b)

    monkeypatch.setattr(links, "similarity", counting)
    options = [
        i
        for i, _ in views_links._equipment_options(session, world.actor("office"), world.agreement)
    ]
    # The partner's lines (joint CNC lathe, lent centre), then the college's lathes by fit.
    assert options[:4] == [
        world.lines["joint"].id,
        world.lines["acme"].id,
        world.lines["college"].id,
        newest.id,
    ]
    assert not {retired.id, elsewhere.id, world.lines["bolt"].id} & set(options)
    assert len(options) == views_links.MAX_EQUIPMENT_OPTIONS
    assert 0 < scored <= views_links.MAX_EQUIPMENT_CANDIDATES * 2 * len(texts)
