"""The placement vocabulary (pure): plan kinds, phases, position and round states, labels."""

from __future__ import annotations

from enum import StrEnum

from tandem.kit.i18n import N_


class PlanKind(StrEnum):
    COGNITION = "cognition"  # 认识实习: a short visit-and-observe internship
    POST = "post"  # 岗位实习: working in a post, the regulated kind
    ORDER_CLASS = "order_class"  # 订单班: students of an order class placed at its enterprise
    PRODUCTIVE_POST = "productive_post"  # a post at a productive training base


PLAN_KIND_LABELS = {
    PlanKind.COGNITION: N_("Cognition internship"),
    PlanKind.POST: N_("Post internship"),
    PlanKind.ORDER_CLASS: N_("Order class placement"),
    PlanKind.PRODUCTIVE_POST: N_("Productive-base post"),
}

# The compliance document kind each plan kind is checked as: only a cognition internship is
# checked as one; every kind where the student works a post is a post internship in law.
COMPLIANCE_KIND = {
    PlanKind.COGNITION: "cognition",
    PlanKind.POST: "post",
    PlanKind.ORDER_CLASS: "post",
    PlanKind.PRODUCTIVE_POST: "post",
}


class Phase(StrEnum):
    """A plan moves forward through these, one at a time, by the office's hand."""

    DRAFT = "draft"  # only the office sees it
    POSITIONS = "positions"  # enterprises publish positions
    STUDENT_RANKING = "student_ranking"  # students rank positions
    HOST_RANKING = "host_ranking"  # hosts rank their applicants
    ALLOCATION = "allocation"  # the office runs, previews and publishes rounds
    RESULTS = "results"  # a round is published: students and hosts see their results
    CLOSED = "closed"


PHASES = tuple(Phase)
PHASE_LABELS = {
    Phase.DRAFT: N_("Draft"),
    Phase.POSITIONS: N_("Positions open"),
    Phase.STUDENT_RANKING: N_("Students rank"),
    Phase.HOST_RANKING: N_("Hosts rank"),
    Phase.ALLOCATION: N_("Allocation"),
    Phase.RESULTS: N_("Results published"),
    Phase.CLOSED: N_("Plan closed"),
}


class PositionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


POSITION_STATUS_LABELS = {
    PositionStatus.DRAFT: N_("Not yet published"),
    PositionStatus.PUBLISHED: N_("Published"),
    PositionStatus.WITHDRAWN: N_("Withdrawn"),
}


class RankingMethod(StrEnum):
    """How a host orders its applicants."""

    MANUAL = "manual"  # dragged into order on the page, or ranks sent through the API
    UPLOAD = "upload"  # a spreadsheet of student numbers and ranks
    SCORE = "score"  # a score from weights the host sets


RANKING_METHOD_LABELS = {
    RankingMethod.MANUAL: N_("Ranked by hand"),
    RankingMethod.UPLOAD: N_("Uploaded ranking"),
    RankingMethod.SCORE: N_("Scored"),
}


class Objective(StrEnum):
    STABLE = "stable"  # the student-optimal stable allocation
    WELFARE = "welfare"  # as many placed as possible (may create blocking pairs)


OBJECTIVE_LABELS = {
    Objective.STABLE: N_("Stable (student-optimal)"),
    Objective.WELFARE: N_("Most students placed"),
}


class RoundStatus(StrEnum):
    PREVIEW = "preview"
    PUBLISHED = "published"
    DISCARDED = "discarded"


ROUND_STATUS_LABELS = {
    RoundStatus.PREVIEW: N_("Preview"),
    RoundStatus.PUBLISHED: N_("Published"),
    RoundStatus.DISCARDED: N_("Discarded"),
}


class PlacementStatus(StrEnum):
    DRAFT = "draft"
    READY = "ready"
    ACTIVE = "active"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"


PLACEMENT_STATUS_LABELS = {
    PlacementStatus.DRAFT: N_("Draft placement"),
    PlacementStatus.READY: N_("Ready to start"),
    PlacementStatus.ACTIVE: N_("On placement"),
    PlacementStatus.COMPLETED: N_("Completed"),
    PlacementStatus.ENDED_EARLY: N_("Ended early"),
}
# Placements that hold a host's place (count against its intern cap for their period).
HOLDING = frozenset({PlacementStatus.DRAFT, PlacementStatus.READY, PlacementStatus.ACTIVE})


class PlacementSource(StrEnum):
    ALLOCATION = "allocation"
    SELF_FOUND = "self_found"


# Physical labour intensity levels (GB 3869): I (light) to IV (very heavy).
LABOUR_LEVELS = (1, 2, 3, 4)
