"""How audit actions and entity types read to people, in their language."""

from __future__ import annotations

from tandem.kit.i18n import N_, gettext

ACTIONS = {
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
}
ENTITIES = {
    "college": N_("college"),
    "department": N_("department"),
}


def action_label(action: str) -> str:
    return gettext(ACTIONS[action]) if action in ACTIONS else action


def entity_label(entity_type: str) -> str:
    return gettext(ENTITIES[entity_type]) if entity_type in ENTITIES else entity_type
