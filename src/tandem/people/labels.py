"""How the registry's coded values read to people (translated where they are shown)."""

from __future__ import annotations

from tandem.kit.i18n import N_
from tandem.people.models import Gender, StudentStatus, TeacherStatus

GENDER_LABELS = {Gender.FEMALE.value: N_("Female"), Gender.MALE.value: N_("Male")}
STUDENT_STATUS_LABELS = {
    StudentStatus.ENROLLED.value: N_("Enrolled"),
    StudentStatus.ON_PLACEMENT.value: N_("On placement"),
    StudentStatus.GRADUATED.value: N_("Graduated"),
    StudentStatus.LEFT.value: N_("Left"),
}
TEACHER_STATUS_LABELS = {
    # Own wording, so that Chinese says 在职 / 已离职 (not an account's 启用 or a student's 离校).
    TeacherStatus.ACTIVE.value: N_("In service"),
    TeacherStatus.ON_LEAVE.value: N_("On leave"),
    TeacherStatus.LEFT.value: N_("No longer employed"),
}
# The badge class (see app.css) that goes with each status.
STATUS_BADGES = {
    StudentStatus.ENROLLED.value: "ok",
    StudentStatus.ON_PLACEMENT.value: "warn",
    StudentStatus.GRADUATED.value: "ok",
    StudentStatus.LEFT.value: "bad",
    TeacherStatus.ACTIVE.value: "ok",
    TeacherStatus.ON_LEAVE.value: "warn",
}
