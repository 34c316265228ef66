from datetime import date

from tandem.agreement import service
from tests.agreement.helpers import advance, make_agreement, make_obligation, partnership_for
from tests.factories import ACTOR, make_college


def test_smoke(session):
    college = make_college(session)
    p = partnership_for(session, college)
    a = make_agreement(session, p, modes=(1, 5))
    make_obligation(session, a)
    advance(session, a, "active")
    assert a.status == "active"
    taken = service.advance_by_date(session, actor=ACTOR, agreement=a, today=date(2028, 11, 1))
    assert a.status == "expiring", taken
    taken = service.advance_by_date(session, actor=ACTOR, agreement=a, today=date(2029, 1, 2))
    assert a.status == "ended"
