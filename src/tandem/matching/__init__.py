"""Matching (pure): the allocation engine. Students to enterprise positions, stable and fair.

The student-optimal stable allocation of the student–project allocation problem with lecturer
preferences (SPA-S, Abraham, Irving and Manlove 2007), hosts in the lecturers' place: positions
have capacities and each host an overall cap. Ties in a host's ranking are broken by one seeded
lottery. Every outcome is explained; a verifier lists blocking pairs; an optional welfare
objective (OR-Tools min-cost flow) places as many as possible. No database, no web.
"""

from tandem.matching.instance import Instance, MalformedInstance, parse_instance
from tandem.matching.result import allocate, build_result, stable_entries
from tandem.matching.verify import Verdict, check_result, verify

__all__ = [
    "Instance",
    "MalformedInstance",
    "Verdict",
    "allocate",
    "build_result",
    "check_result",
    "parse_instance",
    "stable_entries",
    "verify",
]
