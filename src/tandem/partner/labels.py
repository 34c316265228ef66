"""How the partner registry's codes read to people (messages marked for translation)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tandem.kit.i18n import N_, NC_, gettext, pgettext
from tandem.partner.models import (
    CertificationLevel,
    EnterpriseKind,
    PartnershipStatus,
    ProposalStatus,
    SizeBand,
)

KIND_LABELS = {
    EnterpriseKind.STATE_OWNED: N_("State-owned"),
    EnterpriseKind.PRIVATE: N_("Private"),
    EnterpriseKind.FOREIGN_INVESTED: N_("Foreign-invested"),
    EnterpriseKind.PUBLIC_INSTITUTION: N_("Public institution"),
    EnterpriseKind.OTHER: N_("Other"),
}
SIZE_LABELS = {
    SizeBand.MICRO: N_("Micro"),
    SizeBand.SMALL: N_("Small"),
    SizeBand.MEDIUM: N_("Medium"),
    SizeBand.LARGE: N_("Large"),
}
CERTIFICATION_LABELS = {
    CertificationLevel.NATIONAL: N_("National"),
    CertificationLevel.PROVINCIAL: N_("Provincial"),
    CertificationLevel.CITY: N_("City"),
}
STATUS_CONTEXT = "partnership status"
STATUS_LABELS = {
    PartnershipStatus.PROSPECT: NC_("partnership status", "Prospect"),
    PartnershipStatus.VETTING: NC_("partnership status", "Under vetting"),
    PartnershipStatus.ACTIVE: NC_("partnership status", "Active"),
    PartnershipStatus.DORMANT: NC_("partnership status", "Dormant"),
    PartnershipStatus.ENDED: NC_("partnership status", "Ended"),
}
# The badge colour of each status (app.css: badge ok / warn / bad).
STATUS_BADGES = {
    PartnershipStatus.PROSPECT: "",
    PartnershipStatus.VETTING: "warn",
    PartnershipStatus.ACTIVE: "ok",
    PartnershipStatus.DORMANT: "warn",
    PartnershipStatus.ENDED: "bad",
}
PROPOSAL_LABELS = {
    ProposalStatus.OPEN: N_("Open"),
    ProposalStatus.ACCEPTED: N_("Accepted"),
    ProposalStatus.REJECTED: N_("Rejected"),
}
# GB/T 4754-2017 sections (门类) A–T.
INDUSTRY_SECTIONS = {
    "A": N_("Agriculture, forestry, animal husbandry and fishery"),
    "B": N_("Mining"),
    "C": N_("Manufacturing"),
    "D": N_("Electricity, heat, gas and water production and supply"),
    "E": N_("Construction"),
    "F": N_("Wholesale and retail trade"),
    "G": N_("Transport, storage and postal services"),
    "H": N_("Accommodation and catering"),
    "I": N_("Information transmission, software and IT services"),
    "J": N_("Finance"),
    "K": N_("Real estate"),
    "L": N_("Leasing and business services"),
    "M": N_("Scientific research and technical services"),
    "N": N_("Water conservancy, environment and public facilities management"),
    "O": N_("Resident services, repair and other services"),
    "P": N_("Education"),
    "Q": N_("Health and social work"),
    "R": N_("Culture, sports and entertainment"),
    "S": N_("Public administration, social security and social organisations"),
    "T": N_("International organisations"),
}
# The fields of an enterprise's master data, as a proposal or the audit log names them.
FIELD_LABELS = {
    "uscc": N_("Unified Social Credit Code"),
    "name": N_("Name"),
    "short_name": N_("Short name"),
    "kind": N_("Kind"),
    "industry_section": N_("Industry section"),
    "industry_detail": N_("Industry detail"),
    "size_band": N_("Size"),
    "address": N_("Address"),
    "region_code": N_("Region code"),
    "website": N_("Website"),
    "certified_level": N_("Certified as industry–education integration enterprise"),
    "certified_on": N_("Certified on"),
}


def _translate(labels: Mapping[Any, str], text: str) -> str:
    return pgettext(STATUS_CONTEXT, text) if labels is STATUS_LABELS else gettext(text)


def label(labels: Mapping[Any, str], value: str | None) -> str:
    """The translated label of ``value``, or the value itself when it has none."""
    if value is None:
        return ""
    return _translate(labels, labels[value]) if value in labels else value


def options(labels: Mapping[Any, str], *, with_code: bool = False) -> list[tuple[str, str]]:
    """(value, translated label) pairs for a select, in the labels' order."""
    return [
        (
            str(value),
            f"{value} · {_translate(labels, text)}" if with_code else _translate(labels, text),
        )
        for value, text in labels.items()
    ]


def status_label(status: str) -> str:
    return label(STATUS_LABELS, status)
