"""Roles and what each may do. The one permission map; dependencies check against it."""

from __future__ import annotations

from enum import StrEnum

from tandem.kit.i18n import N_, gettext


class Role(StrEnum):
    PLATFORM_ADMIN = "platform_admin"
    COLLEGE_ADMIN = "college_admin"  # the cooperation office
    DEPARTMENT_COORDINATOR = "department_coordinator"
    TEACHER = "teacher"
    ENTERPRISE_CONTACT = "enterprise_contact"  # bound to one enterprise
    STUDENT = "student"  # bound to their own student record
    AUTHORITY_VIEWER = "authority_viewer"  # read-only aggregates across a region's colleges


ROLE_LABELS = {
    Role.PLATFORM_ADMIN: N_("Platform administrator"),
    Role.COLLEGE_ADMIN: N_("Cooperation office"),
    Role.DEPARTMENT_COORDINATOR: N_("Department coordinator"),
    Role.TEACHER: N_("Teacher"),
    Role.ENTERPRISE_CONTACT: N_("Enterprise contact"),
    Role.STUDENT: N_("Student"),
    Role.AUTHORITY_VIEWER: N_("Education authority"),
}

# Roles whose account belongs to one college (the others: platform-wide, an enterprise, a region).
COLLEGE_ROLES = frozenset(
    {Role.COLLEGE_ADMIN, Role.DEPARTMENT_COORDINATOR, Role.TEACHER, Role.STUDENT}
)
# Roles a college admin may give; platform admins and authority viewers are made by platform admins.
COLLEGE_GRANTABLE = frozenset(
    {
        Role.COLLEGE_ADMIN,
        Role.DEPARTMENT_COORDINATOR,
        Role.TEACHER,
        Role.STUDENT,
        Role.ENTERPRISE_CONTACT,
    }
)


class Permission(StrEnum):
    COLLEGE_CREATE = "college.create"
    COLLEGE_READ = "college.read"
    COLLEGE_UPDATE = "college.update"
    DEPARTMENT_MANAGE = "department.manage"
    USER_MANAGE = "user.manage"
    AUDIT_READ = "audit.read"
    OUTBOX_READ = "outbox.read"
    STRUCTURE_READ = "structure.read"  # majors and classes
    STRUCTURE_MANAGE = "structure.manage"
    STUDENT_READ = "student.read"  # students see only their own record (repository scope)
    STUDENT_MANAGE = "student.manage"
    STUDENT_REVEAL_ID = "student.reveal_id"  # see a full resident ID number (each reveal audited)
    TEACHER_READ = "teacher.read"
    TEACHER_MANAGE = "teacher.manage"
    ENTERPRISE_READ = "enterprise.read"  # enterprise contacts: only their own enterprise
    ENTERPRISE_CREATE = "enterprise.create"
    ENTERPRISE_EDIT = "enterprise.edit"  # shared master data: its own contacts and platform admins
    ENTERPRISE_PROPOSE = "enterprise.propose"  # colleges propose changes to master data
    PARTNERSHIP_READ = "partnership.read"  # enterprise contacts: their enterprise's partnerships
    PARTNERSHIP_MANAGE = "partnership.manage"
    AGREEMENT_READ = "agreement.read"  # enterprise contacts: their enterprise's, once approved
    AGREEMENT_MANAGE = "agreement.manage"  # coordinators: their own department's
    AGREEMENT_APPROVE = "agreement.approve"  # approve, end, terminate; sign for the college
    AGREEMENT_SIGN = "agreement.sign"  # sign for one's own party
    NEEDS_EDIT = "needs.edit"  # enterprise contacts: their own enterprise's needs
    OFFER_MANAGE = "offer.manage"  # what the college can put into cooperation
    ADVICE_READ = "advice.read"  # the mode advisor and suggested teachers (inside the college)
    RESOURCE_READ = "resource.read"  # enterprise contacts: resources their enterprise owns or hosts
    RESOURCE_MANAGE = "resource.manage"  # the register; coordinators: their department's records
    BOOKING_MAKE = "booking.make"  # book venues and equipment (contacts: their enterprise's)
    CALENDAR_MANAGE = "calendar.manage"  # terms, holidays, opening hours, utilisation settings
    PLACEMENT_READ = "placement.read"  # contacts: their enterprise's; students: their own plans
    PLAN_MANAGE = "plan.manage"  # placement plans; coordinators: their department's
    POSITION_PUBLISH = "position.publish"  # contacts: their enterprise's positions
    PREFERENCE_RANK = "preference.rank"  # students rank positions in their plans
    APPLICANT_RANK = "applicant.rank"  # hosts rank applicants (the office may on their behalf)
    ALLOCATION_RUN = "allocation.run"  # run, adjust and publish allocation rounds
    PLACEMENT_MANAGE = "placement.manage"  # placements, consent, insurance, overrides, approvals
    PLACEMENT_CONFIRM = "placement.confirm"  # confirm a tripartite agreement for one's own party
    PLACEMENT_PROPOSE = "placement.propose"  # students: ask for a self-found placement


_ALL = frozenset(Permission)
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PLATFORM_ADMIN: _ALL,
    Role.COLLEGE_ADMIN: _ALL - {Permission.COLLEGE_CREATE, Permission.ENTERPRISE_EDIT},
    Role.DEPARTMENT_COORDINATOR: frozenset(
        {
            Permission.COLLEGE_READ,
            Permission.STRUCTURE_READ,
            Permission.STUDENT_READ,
            Permission.TEACHER_READ,
            Permission.ENTERPRISE_READ,
            Permission.ENTERPRISE_CREATE,
            Permission.ENTERPRISE_PROPOSE,
            Permission.PARTNERSHIP_READ,
            Permission.PARTNERSHIP_MANAGE,
            Permission.AGREEMENT_READ,
            Permission.AGREEMENT_MANAGE,
            Permission.NEEDS_EDIT,
            Permission.ADVICE_READ,
            Permission.RESOURCE_READ,
            Permission.RESOURCE_MANAGE,
            Permission.BOOKING_MAKE,
            Permission.PLACEMENT_READ,
            Permission.PLAN_MANAGE,
            Permission.POSITION_PUBLISH,
            Permission.APPLICANT_RANK,
            Permission.PLACEMENT_MANAGE,
        }
    ),
    Role.TEACHER: frozenset(
        {
            Permission.COLLEGE_READ,
            Permission.STRUCTURE_READ,
            Permission.STUDENT_READ,
            Permission.TEACHER_READ,
            Permission.ENTERPRISE_READ,
            Permission.PARTNERSHIP_READ,
            Permission.AGREEMENT_READ,
            Permission.ADVICE_READ,
            Permission.RESOURCE_READ,
            Permission.BOOKING_MAKE,
            Permission.PLACEMENT_READ,
        }
    ),
    Role.STUDENT: frozenset(
        {
            Permission.STUDENT_READ,
            Permission.PLACEMENT_READ,
            Permission.PREFERENCE_RANK,
            Permission.PLACEMENT_CONFIRM,
            Permission.PLACEMENT_PROPOSE,
        }
    ),
    Role.ENTERPRISE_CONTACT: frozenset(
        {
            Permission.ENTERPRISE_READ,
            Permission.ENTERPRISE_EDIT,
            Permission.PARTNERSHIP_READ,
            Permission.AGREEMENT_READ,
            Permission.AGREEMENT_SIGN,
            Permission.NEEDS_EDIT,
            Permission.RESOURCE_READ,
            Permission.BOOKING_MAKE,
            Permission.PLACEMENT_READ,
            Permission.POSITION_PUBLISH,
            Permission.APPLICANT_RANK,
            Permission.PLACEMENT_CONFIRM,
        }
    ),
    Role.AUTHORITY_VIEWER: frozenset({Permission.COLLEGE_READ}),
}


def allows(role: str | None, permission: Permission) -> bool:
    try:
        return permission in PERMISSIONS[Role(role)] if role else False
    except ValueError:
        return False


def role_label(role: str) -> str:
    try:
        return gettext(ROLE_LABELS[Role(role)])
    except ValueError:
        return role
