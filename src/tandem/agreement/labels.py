"""How agreement codes read to people (messages marked for translation)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tandem.agreement.models import AgreementKind, AgreementStatus, Party, Period
from tandem.agreement.progress import Progress
from tandem.kit.i18n import N_, NC_, gettext, pgettext

STATUS_CONTEXT = "agreement status"
STATUS_LABELS = {
    AgreementStatus.DRAFT: NC_("agreement status", "Draft"),
    AgreementStatus.IN_REVIEW: NC_("agreement status", "In review"),
    AgreementStatus.APPROVED: NC_("agreement status", "Approved"),
    AgreementStatus.SIGNED: NC_("agreement status", "Signed"),
    AgreementStatus.ACTIVE: NC_("agreement status", "Active"),
    AgreementStatus.EXPIRING: NC_("agreement status", "Expiring"),
    AgreementStatus.RENEWED: NC_("agreement status", "Renewed"),
    AgreementStatus.ENDED: NC_("agreement status", "Ended"),
    AgreementStatus.TERMINATED: NC_("agreement status", "Terminated"),
}
STATUS_BADGES = {
    AgreementStatus.DRAFT: "",
    AgreementStatus.IN_REVIEW: "warn",
    AgreementStatus.APPROVED: "warn",
    AgreementStatus.SIGNED: "ok",
    AgreementStatus.ACTIVE: "ok",
    AgreementStatus.EXPIRING: "warn",
    AgreementStatus.RENEWED: "",
    AgreementStatus.ENDED: "",
    AgreementStatus.TERMINATED: "bad",
}
ACTION_CONTEXT = "agreement action"
ACTION_LABELS = {
    "submit": NC_("agreement action", "Submit for review"),
    "return": NC_("agreement action", "Return to draft"),
    "approve": NC_("agreement action", "Approve"),
    "sign": NC_("agreement action", "Sign"),
    "activate": NC_("agreement action", "Activate"),
    "expire": NC_("agreement action", "Mark as expiring"),
    "auto_renew": NC_("agreement action", "Renewed automatically"),
    "renew": NC_("agreement action", "Renew"),
    "end": NC_("agreement action", "End"),
    "terminate": NC_("agreement action", "Terminate"),
}
# Timeline entries that are not transitions.
EVENT_LABELS = {
    "create": N_("Drafted"),
    "signature": N_("Signature recorded"),
    "review": N_("Review held"),
    "non_renewal": N_("Notice of non-renewal given"),
    "import": N_("Imported"),
}
KIND_LABELS = {
    AgreementKind.MODE: N_("Mode agreement"),
    AgreementKind.FRAMEWORK: N_("Framework agreement"),
}
PARTY_LABELS = {Party.COLLEGE: N_("College"), Party.ENTERPRISE: N_("Enterprise")}
PERIOD_LABELS = {
    Period.ONCE: N_("once"),
    Period.MONTH: N_("per month"),
    Period.TERM: N_("per term"),
    Period.YEAR: N_("per year"),
}
PROGRESS_LABELS = {
    Progress.NOT_STARTED: N_("Not started"),
    Progress.ON_TRACK: N_("On track"),
    Progress.BEHIND: N_("Behind"),
    Progress.MET: N_("Met"),
}
PROGRESS_BADGES = {
    Progress.NOT_STARTED: "",
    Progress.ON_TRACK: "ok",
    Progress.BEHIND: "bad",
    Progress.MET: "ok",
}


def status_label(status: str) -> str:
    msgid = STATUS_LABELS.get(AgreementStatus(status)) if status in STATUS_LABELS else None
    return pgettext(STATUS_CONTEXT, msgid) if msgid else status


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return pgettext(ACTION_CONTEXT, ACTION_LABELS[action])
    if action in EVENT_LABELS:
        return gettext(EVENT_LABELS[action])
    return action


def label(table: Mapping[Any, str], code: str | None) -> str:
    """A translated label from one of the plain tables above (the code itself if unknown)."""
    if code is None:
        return ""
    return gettext(table[code]) if code in table else code
