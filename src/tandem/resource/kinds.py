"""The resource vocabulary (pure): kinds, owners, states and purposes, with their labels."""

from __future__ import annotations

from enum import StrEnum

from tandem.kit.i18n import N_


class VenueKind(StrEnum):
    WORKSHOP = "workshop"
    LABORATORY = "laboratory"
    SIMULATED_SITE = "simulated_site"  # simulated practice site (仿真实训场所)
    PRODUCTIVE_BASE = "productive_base"  # floor space of a productive training base
    CLASSROOM = "classroom"


VENUE_LABELS = {
    VenueKind.WORKSHOP: N_("Workshop"),
    VenueKind.LABORATORY: N_("Laboratory"),
    VenueKind.SIMULATED_SITE: N_("Simulated practice site"),
    VenueKind.PRODUCTIVE_BASE: N_("Productive training base"),
    VenueKind.CLASSROOM: N_("Classroom"),
}


class Ownership(StrEnum):
    COLLEGE = "college"
    ENTERPRISE = "enterprise"  # owned by the partner enterprise of ``partnership_id``
    JOINT = "joint"  # shared; ``college_share_pct`` + the enterprise's share = 100


OWNERSHIP_LABELS = {
    Ownership.COLLEGE: N_("College"),
    Ownership.ENTERPRISE: N_("Enterprise"),
    Ownership.JOINT: N_("Joint"),
}


class VenueStatus(StrEnum):
    ACTIVE = "active"
    UNDER_MAINTENANCE = "under_maintenance"
    CLOSED = "closed"


VENUE_STATUS_LABELS = {
    VenueStatus.ACTIVE: N_("Open for use"),
    VenueStatus.UNDER_MAINTENANCE: N_("Under maintenance"),
    VenueStatus.CLOSED: N_("Closed"),
}


class EquipmentStatus(StrEnum):
    IN_USE = "in_use"
    IDLE = "idle"
    MAINTENANCE = "maintenance"
    RETIRED = "retired"


EQUIPMENT_STATUS_LABELS = {
    EquipmentStatus.IN_USE: N_("In use"),
    EquipmentStatus.IDLE: N_("Idle"),
    EquipmentStatus.MAINTENANCE: N_("Under maintenance"),
    EquipmentStatus.RETIRED: N_("Retired"),
}


class Acquisition(StrEnum):
    PURCHASED = "purchased"
    DONATED = "donated"  # 捐赠
    QUASI_DONATED = "quasi_donated"  # 准捐赠: provided at well below value
    LENT = "lent"  # lent by an enterprise under an agreement


ACQUISITION_LABELS = {
    Acquisition.PURCHASED: N_("Purchased"),
    Acquisition.DONATED: N_("Donated"),
    Acquisition.QUASI_DONATED: N_("Quasi-donated"),
    Acquisition.LENT: N_("Lent by an enterprise"),
}


class BaseKind(StrEnum):
    ON_CAMPUS = "on_campus"  # productive training base on campus (校中厂)
    OFF_CAMPUS = "off_campus"  # at the host enterprise (校外实训基地)


BASE_KIND_LABELS = {
    BaseKind.ON_CAMPUS: N_("On campus"),
    BaseKind.OFF_CAMPUS: N_("Off campus"),
}


class BaseStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


BASE_STATUS_LABELS = {BaseStatus.ACTIVE: N_("Open for use"), BaseStatus.CLOSED: N_("Closed")}


class Purpose(StrEnum):
    TEACHING = "teaching"
    PRODUCTION = "production"
    EMPLOYEE_TRAINING = "employee_training"
    TECH_PROMOTION = "tech_promotion"
    MAINTENANCE = "maintenance"


PURPOSE_LABELS = {
    Purpose.TEACHING: N_("Teaching"),
    Purpose.PRODUCTION: N_("Production"),
    Purpose.EMPLOYEE_TRAINING: N_("Employee training"),
    Purpose.TECH_PROMOTION: N_("Technology promotion"),
    Purpose.MAINTENANCE: N_("Maintenance"),
}


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class UsageStatus(StrEnum):
    PENDING = "pending"  # not yet confirmed
    USED = "used"
    NO_SHOW = "no_show"


USAGE_LABELS = {
    UsageStatus.PENDING: N_("Not confirmed"),
    UsageStatus.USED: N_("Used"),
    UsageStatus.NO_SHOW: N_("No-show"),
}


class MaintenanceKind(StrEnum):
    ROUTINE = "routine"
    REPAIR = "repair"
    CALIBRATION = "calibration"
    INSPECTION = "inspection"


MAINTENANCE_LABELS = {
    MaintenanceKind.ROUTINE: N_("Routine maintenance"),
    MaintenanceKind.REPAIR: N_("Repair"),
    MaintenanceKind.CALIBRATION: N_("Calibration"),
    MaintenanceKind.INSPECTION: N_("Inspection"),
}


class ResourceKind(StrEnum):
    """What a booking or a utilisation row is about."""

    VENUE = "venue"
    EQUIPMENT = "equipment"
