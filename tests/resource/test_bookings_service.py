"""One-off bookings through the service: conflicts named, capacity of equipment lines, the
working calendar and its reasons, who may book, cancel and confirm use, and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.audit.models import AuditEntry
from tandem.kit.dates import local_today
from tandem.kit.errors import Conflict, NotFound, PermissionDenied, StaleVersion, ValidationFailed
from tandem.resource import booking_rules as rules
from tandem.resource import bookings, bookings_list, workcal
from tandem.resource.kinds import BookingStatus, UsageStatus
from tandem.resource.models import Booking
from tandem.resource.schemas_bookings import BookingCreate, UsageUpdate
from tandem.resource.schemas_workcal import CalendarUpdate, HolidayCreate
from tests.factories import make_college
from tests.resource.booking_world import (
    SYSTEM,
    World,
    book,
    build_world,
    make_venue,
    next_weekday,
    past_booking,
)


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def test_a_booking_is_stored_with_its_times_and_booker_and_audited(
    session: Session, world: World
) -> None:
    teacher = world.actor("teacher")
    day = next_weekday(2)
    booking = book(session, teacher, world.venue, day, "08:30", "10:00", title="CNC basics")
    assert (booking.day, booking.start_min, booking.end_min, booking.minutes) == (day, 510, 600, 90)
    assert booking.units == 1
    assert booking.booked_by_user_id == world.users["teacher"].id
    assert booking.booked_by_label == world.users["teacher"].display_name
    assert booking.status == BookingStatus.BOOKED
    assert booking.usage == UsageStatus.PENDING
    assert booking.outside_hours is False
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity_type == "booking", AuditEntry.entity_id == str(booking.id)
        )
    )
    assert entry is not None
    assert entry.action == "create"
    assert entry.changes["title"] == [None, "CNC basics"]


def test_a_conflict_names_every_booking_in_the_way(session: Session, world: World) -> None:
    teacher, office = world.actor("teacher"), world.actor("office")
    day = next_weekday(3)
    first = book(session, teacher, world.venue, day, "08:00", "10:00", title="Welding")
    second = book(session, office, world.venue, day, "10:30", "12:00", title="Visit")
    book(session, office, world.venue, day, "12:00", "13:00", title="Lunch talk")  # touches only
    with pytest.raises(Conflict) as caught:
        book(session, teacher, world.venue, day, "09:00", "11:00", title="Clash")
    error = caught.value
    assert error.code == "booking_conflict"
    assert error.params["count"] == 2
    lines = [e.localised() for e in error.errors]
    assert lines == [
        f"{day.isoformat()} 08:00–10:00 “Welding”, booked by "
        f"{world.users['teacher'].display_name} (booking {first.id})",
        f"{day.isoformat()} 10:30–12:00 “Visit”, booked by "
        f"{world.users['office'].display_name} (booking {second.id})",
    ]
    assert session.scalar(select(func.count()).where(Booking.title == "Clash")) == 0


def test_equipment_items_are_counted_at_every_instant(session: Session, world: World) -> None:
    teacher = world.actor("teacher")
    day = next_weekday(1)
    a = book(session, teacher, world.lathes, day, "08:00", "10:00", units=2)
    b = book(session, teacher, world.lathes, day, "10:00", "12:00", units=2)
    # 1 more fits across both (never more than 3 of 3 at once).
    book(session, teacher, world.lathes, day, "09:00", "11:00", units=1)
    with pytest.raises(Conflict) as caught:
        book(session, teacher, world.lathes, day, "11:30", "12:30", units=2)
    assert [e.params["id"] for e in caught.value.errors] == [b.id]
    assert "2 items" in caught.value.errors[0].localised()
    with pytest.raises(ValidationFailed) as too_many:
        book(session, teacher, world.lathes, day, "13:00", "14:00", units=4)
    assert too_many.value.errors[0].field == "units"
    assert a.units == 2


def test_a_venue_is_booked_whole(session: Session, world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        book(
            session, world.actor("teacher"), world.venue, next_weekday(1), "08:00", "09:00", units=2
        )
    assert caught.value.errors[0].field == "units"


def test_past_days_cannot_be_booked(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rules, "local_now", lambda: (local_today(), 10 * 60))
    yesterday = local_today() - timedelta(days=1)
    with pytest.raises(ValidationFailed) as caught:
        book(session, world.actor("office"), world.venue, yesterday, "08:00", "09:00")
    assert caught.value.errors[0].field == "day"
    assert book(session, world.actor("office"), world.venue, local_today(), "23:00", "24:00")
    # The demo and imports (system actors) may record past days; people may not.
    data = BookingCreate(
        venue_id=world.venue.id,
        purpose="teaching",
        title="Last week's lab",
        day=yesterday,
        start="08:00",
        end="09:00",
    )
    with pytest.raises(ValidationFailed):
        bookings.create_booking(session, actor=world.actor("office"), data=data, allow_past=True)
    recorded = bookings.create_booking(session, actor=SYSTEM, data=data, allow_past=True)
    assert recorded.day == yesterday


def test_today_cannot_be_booked_at_a_time_already_past(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Today at 10:30 (the platform's clock): 08:00 has passed, 10:30 and later have not."""
    today = local_today()
    monkeypatch.setattr(rules, "local_now", lambda: (today, 10 * 60 + 30))
    with pytest.raises(ValidationFailed) as caught:
        book(session, world.actor("teacher"), world.venue, today, "08:00", "11:00")
    error = caught.value.errors[0]
    assert (error.field, error.code) == ("start", "start_passed")
    assert "already past 08:00 today" in error.localised()
    assert book(session, world.actor("teacher"), world.venue, today, "10:30", "11:00")
    # The demo and imports (system actors) record what already happened.
    data = BookingCreate(
        venue_id=world.venue.id,
        purpose="teaching",
        title="This morning's lab",
        day=today,
        start="08:00",
        end="09:00",
    )
    assert bookings.create_booking(session, actor=SYSTEM, data=data, allow_past=True)


def test_a_resource_out_of_service_says_why(session: Session, world: World) -> None:
    world.venue.status = "under_maintenance"
    world.lathes.status = "retired"
    session.flush()
    with pytest.raises(Conflict) as venue:
        book(session, world.actor("office"), world.venue, next_weekday(1), "08:00", "09:00")
    assert "under maintenance" in venue.value.localised()
    assert venue.value.errors[0].field == "venue_id"
    with pytest.raises(Conflict) as line:
        book(session, world.actor("office"), world.lathes, next_weekday(1), "08:00", "09:00")
    assert "retired" in line.value.localised()


def test_outside_the_working_calendar_needs_a_reason(session: Session, world: World) -> None:
    office = world.actor("office")
    hours = {str(d): ["08:00", "18:00"] for d in range(1, 6)} | {"6": None, "7": None}
    settings = workcal.settings_row(session, college_id=world.college.id)
    assert settings is not None
    workcal.save_calendar(
        session,
        actor=SYSTEM,
        college_id=world.college.id,
        data=CalendarUpdate.model_validate(
            {
                "opening_hours": hours,
                "underuse_threshold_pct": 30,
                "teaching_hour_value_cny": 100,
                "version": settings.version,
            }
        ),
    )
    monday, sunday = next_weekday(1), next_weekday(7)
    holiday = next_weekday(4)
    workcal.add_holidays(
        session,
        actor=SYSTEM,
        college_id=world.college.id,
        data=HolidayCreate(day=holiday, name="Festival"),
    )
    cases = [
        (monday, "17:00", "19:00", "outside the opening hours (08:00–18:00)"),
        (sunday, "09:00", "10:00", "closed on that weekday"),
        (holiday, "09:00", "10:00", "public holiday"),
    ]
    for day, start, end, why in cases:
        with pytest.raises(ValidationFailed) as caught:
            book(session, office, world.venue, day, start, end)
        assert caught.value.errors[0].field == "outside_hours_reason"
        assert why in caught.value.localised()
        assert "Give a reason" in caught.value.localised()
    booked = book(
        session, office, world.venue, sunday, "09:00", "10:00", outside_hours_reason="Open day"
    )
    assert booked.outside_hours is True
    assert booked.outside_hours_reason == "Open day"
    inside = book(
        session, office, world.venue, monday, "09:00", "10:00", outside_hours_reason="Not needed"
    )
    assert inside.outside_hours is False
    assert inside.outside_hours_reason == ""


def test_a_contact_books_only_their_enterprises_resources(session: Session, world: World) -> None:
    contact = world.actor("contact")
    booking = book(session, contact, world.venue, next_weekday(5), "14:00", "16:00")
    assert booking.partnership_id == world.partnership.id  # filled in for them
    own_only = make_venue(session, world.college)  # the college's own, not shared
    with pytest.raises(NotFound):
        book(session, contact, own_only, next_weekday(5), "14:00", "16:00")
    elsewhere = make_venue(session, make_college(session))
    with pytest.raises(NotFound):
        book(session, world.actor("office"), elsewhere, next_weekday(5), "14:00", "16:00")
    with pytest.raises(NotFound):  # students do not see the register (the routes answer 403)
        book(session, world.actor("student"), world.venue, next_weekday(5), "17:00", "18:00")


def test_links_must_belong_to_the_college(session: Session, world: World) -> None:
    from tests.partner.helpers import make_enterprise, make_partnership

    other = make_partnership(session, make_college(session), make_enterprise(session))
    with pytest.raises(ValidationFailed) as caught:
        book(
            session,
            world.actor("office"),
            world.venue,
            next_weekday(2),
            "08:00",
            "09:00",
            partnership_id=other.id,
        )
    assert caught.value.errors[0].field == "partnership_id"


def test_the_agreement_and_the_partnership_agree(session: Session, world: World) -> None:
    """An agreement of one partnership cannot be booked with another partnership named; left
    out, the partnership is the agreement's."""
    from tests.agreement.helpers import advance, make_agreement
    from tests.partner.helpers import make_enterprise, make_partnership

    agreement = make_agreement(session, world.partnership)
    advance(session, agreement, "approved")
    other = make_partnership(session, world.college, make_enterprise(session))
    with pytest.raises(ValidationFailed) as caught:
        book(
            session,
            world.actor("office"),
            world.venue,
            next_weekday(2),
            "08:00",
            "09:00",
            agreement_id=agreement.id,
            partnership_id=other.id,
        )
    error = caught.value.errors[0]
    assert (error.field, error.code) == ("partnership_id", "other_partnership")
    assert agreement.number in error.localised()
    booking = book(
        session,
        world.actor("office"),
        world.venue,
        next_weekday(2),
        "08:00",
        "09:00",
        agreement_id=agreement.id,
    )
    assert booking.partnership_id == world.partnership.id


def test_a_contact_names_only_agreements_they_may_open(session: Session, world: World) -> None:
    """A draft or an agreement in review is the college's own business: a contact cannot even
    learn it exists by naming it on a booking."""
    from tests.agreement.helpers import advance, make_agreement

    contact = world.actor("contact")
    draft = make_agreement(session, world.partnership)
    in_review = advance(session, make_agreement(session, world.partnership), "in_review")
    approved = advance(session, make_agreement(session, world.partnership), "approved")
    for hidden in (draft, in_review):
        with pytest.raises(ValidationFailed) as caught:
            book(
                session,
                contact,
                world.venue,
                next_weekday(4),
                "08:00",
                "09:00",
                agreement_id=hidden.id,
            )
        assert caught.value.errors[0].code == "unknown_agreement"
    booking = book(
        session, contact, world.venue, next_weekday(4), "08:00", "09:00", agreement_id=approved.id
    )
    assert booking.agreement_id == approved.id
    # The college's own people may name an agreement still in the making.
    assert book(
        session,
        world.actor("office"),
        world.venue,
        next_weekday(4),
        "10:00",
        "11:00",
        agreement_id=draft.id,
    )


# --- cancelling ----------------------------------------------------------------------------------


def test_the_booker_or_a_manager_cancels_and_the_slot_frees(session: Session, world: World) -> None:
    day = next_weekday(2)
    booking = book(session, world.actor("teacher"), world.venue, day, "08:00", "10:00")
    with pytest.raises(PermissionDenied):
        bookings.cancel_booking(
            session, actor=world.actor("other_teacher"), booking=booking, reason="Mine now"
        )
    with pytest.raises(StaleVersion):
        bookings.cancel_booking(
            session, actor=world.actor("teacher"), booking=booking, reason="x", version=99
        )
    bookings.cancel_booking(
        session, actor=world.actor("coordinator"), booking=booking, reason="Exam moved"
    )
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancel_reason == "Exam moved"
    assert booking.cancelled_at is not None
    with pytest.raises(Conflict):
        bookings.cancel_booking(session, actor=world.actor("office"), booking=booking, reason="y")
    again = book(session, world.actor("other_teacher"), world.venue, day, "08:00", "10:00")
    assert again.id != booking.id


def test_a_past_booking_cannot_be_cancelled(session: Session, world: World) -> None:
    old = past_booking(session, world.venue, local_today() - timedelta(days=3), 480, 600)
    with pytest.raises(Conflict) as caught:
        bookings.cancel_booking(session, actor=world.actor("office"), booking=old, reason="x")
    assert caught.value.code == "taken_place"


# --- usage ---------------------------------------------------------------------------------------


def test_usage_is_confirmed_from_the_day_on(session: Session, world: World) -> None:
    future = book(session, world.actor("teacher"), world.venue, next_weekday(3), "08:00", "10:00")
    with pytest.raises(Conflict) as caught:
        bookings.record_usage(
            session, actor=world.actor("teacher"), booking=future, data=UsageUpdate(usage="used")
        )
    assert caught.value.code == "not_yet"


def test_used_as_booked_by_default_then_corrected_and_audited(
    session: Session, world: World
) -> None:
    old = past_booking(
        session,
        world.lathes,
        local_today() - timedelta(days=2),
        480,
        720,
        booked_by_user_id=world.users["teacher"].id,
        purpose="production",
        units=2,
    )
    teacher = world.actor("teacher")
    bookings.record_usage(session, actor=teacher, booking=old, data=UsageUpdate(usage="used"))
    assert (old.usage, old.used_minutes) == (UsageStatus.USED, 240)
    assert old.confirmed_by_label == world.users["teacher"].display_name
    bookings.record_usage(
        session,
        actor=world.actor("office"),
        booking=old,
        data=UsageUpdate(
            usage="used", used_minutes=200, output_quantity=35, output_note="Flanges", version=2
        ),
    )
    assert (old.used_minutes, old.output_quantity, old.output_note) == (200, 35, "Flanges")
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "booking", AuditEntry.entity_id == str(old.id))
        .order_by(AuditEntry.id)
    ).all()
    assert [e.changes.get("used_minutes") for e in entries] == [[None, 240], [240, 200]]
    with pytest.raises(StaleVersion):
        bookings.record_usage(
            session, actor=teacher, booking=old, data=UsageUpdate(usage="no_show", version=1)
        )
    bookings.record_usage(session, actor=teacher, booking=old, data=UsageUpdate(usage="no_show"))
    assert (old.usage, old.used_minutes, old.output_quantity) == (UsageStatus.NO_SHOW, None, None)


def test_used_minutes_stay_within_the_booked_minutes(session: Session, world: World) -> None:
    """Longer use than booked would inflate the utilisation and the ledger's valuation: it is
    recorded as a booking of its own."""
    old = past_booking(session, world.venue, local_today() - timedelta(days=1), 480, 600)
    office = world.actor("office")
    with pytest.raises(ValidationFailed) as caught:
        bookings.record_usage(
            session, actor=office, booking=old, data=UsageUpdate(usage="used", used_minutes=121)
        )
    error = caught.value.errors[0]
    assert (error.field, error.code, error.params) == (
        "used_minutes",
        "over_booked",
        {"minutes": 120},
    )
    assert "120 minutes booked" in error.localised()
    assert old.usage == UsageStatus.PENDING
    bookings.record_usage(
        session, actor=office, booking=old, data=UsageUpdate(usage="used", used_minutes=120)
    )
    assert old.used_minutes == 120


def test_output_only_for_production_and_only_by_the_booker_or_managers(
    session: Session, world: World
) -> None:
    old = past_booking(
        session,
        world.venue,
        local_today() - timedelta(days=1),
        480,
        600,
        booked_by_user_id=world.users["teacher"].id,
    )
    with pytest.raises(ValidationFailed) as caught:
        bookings.record_usage(
            session,
            actor=world.actor("teacher"),
            booking=old,
            data=UsageUpdate(usage="used", output_quantity=3),
        )
    assert caught.value.errors[0].field == "output_quantity"
    with pytest.raises(PermissionDenied):
        bookings.record_usage(
            session,
            actor=world.actor("other_teacher"),
            booking=old,
            data=UsageUpdate(usage="used"),
        )
    with pytest.raises(PermissionDenied):
        bookings.record_usage(
            session, actor=world.actor("contact"), booking=old, data=UsageUpdate(usage="used")
        )


def test_the_to_confirm_list_and_the_bulk_confirmation(session: Session, world: World) -> None:
    teacher_id = world.users["teacher"].id
    past = local_today() - timedelta(days=1)
    mine = past_booking(session, world.venue, past, 480, 540, booked_by_user_id=teacher_id)
    theirs = past_booking(session, world.venue, past, 600, 660)
    past_booking(session, world.venue, past, 700, 760, status="cancelled")
    past_booking(session, world.venue, past, 800, 860, usage="used", used_minutes=60)
    book(session, world.actor("teacher"), world.venue, next_weekday(1), "08:00", "09:00")

    def waiting(role: str) -> list[int]:
        stmt = bookings_list.to_confirm_query(actor=world.actor(role))
        return [b.id for b in session.scalars(stmt)]

    assert waiting("teacher") == [mine.id]
    assert waiting("office") == [mine.id, theirs.id]
    assert waiting("coordinator") == [mine.id, theirs.id]  # the venue is their department's
    assert waiting("other_teacher") == []
    done = bookings.confirm_as_booked(
        session, actor=world.actor("teacher"), bookings=[mine, theirs]
    )
    assert done == 1
    assert (mine.usage, mine.used_minutes) == (UsageStatus.USED, 60)
    assert theirs.usage == UsageStatus.PENDING
    assert waiting("office") == [theirs.id]
