"""How audit actions and entity types read to people, in their language."""

from __future__ import annotations

from tandem.kit.i18n import N_, gettext

ACTIONS = {
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
    "invite": N_("invited again"),
    "enable": N_("enabled"),
    "disable": N_("disabled"),
    "revoke": N_("revoked"),
    "login": N_("signed in"),
    "logout": N_("signed out"),
    "login_failed": N_("failed to sign in"),
    "login_locked": N_("was locked out"),
    "login_refused": N_("was refused sign-in (disabled)"),
    "change_password": N_("changed the password of"),
    "accept_invitation": N_("accepted the invitation of"),
    "reset_password": N_("reset the password of"),
    "send_reset": N_("sent a password reset to"),
    "request_reset": N_("asked for a password reset for"),
    "archive": N_("archived"),
    "restore": N_("restored"),
    "reveal_id": N_("revealed the ID number of"),
    "transition": N_("changed the status of"),
    "propose": N_("proposed a change to"),
    "accept": N_("accepted"),
    "reject": N_("rejected"),
    "export": N_("exported a list from"),
    "sign": N_("recorded a signature on"),
    "review": N_("recorded a review of"),
    "non_renewal": N_("gave notice of non-renewal of"),
    "delivery": N_("recorded a delivery against"),
    "attach": N_("attached"),
    "add_member": N_("added a member to"),
    "remove_member": N_("removed a member from"),
    "meeting": N_("recorded a meeting of"),
    "delete_meeting": N_("deleted a meeting of"),
}
ENTITIES = {
    "college": N_("college"),
    "department": N_("department"),
    "user_account": N_("account"),
    "api_token": N_("API token"),
    "major": N_("major"),
    "school_class": N_("class"),
    "student": N_("student"),
    "teacher": N_("teacher"),
    "enterprise": N_("enterprise"),
    "enterprise_contact": N_("enterprise contact"),
    "enterprise_staff_count": N_("staff count"),
    "enterprise_change_proposal": N_("change proposal"),
    "partnership": N_("partnership"),
    "agreement": N_("agreement"),
    "obligation": N_("obligation"),
    "agreement_document": N_("agreement document"),
    "steering_body": N_("steering body"),
    "needs_profile": N_("needs profile"),
    "college_offer": N_("college offer"),
    "venue": N_("venue"),
    "equipment": N_("equipment line"),
    "maintenance_record": N_("maintenance record"),
    "training_base": N_("training base"),
    "booking": N_("booking"),
    "booking_series": N_("booking series"),
    "calendar_term": N_("term"),
    "holiday": N_("public holiday"),
    "resource_settings": N_("working calendar"),
    "agreement_resource": N_("agreement's resource link"),
}


def action_label(action: str) -> str:
    return gettext(ACTIONS[action]) if action in ACTIONS else action


def entity_label(entity_type: str) -> str:
    return gettext(ENTITIES[entity_type]) if entity_type in ENTITIES else entity_type
