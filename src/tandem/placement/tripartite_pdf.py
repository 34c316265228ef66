"""The tripartite agreement as a PDF: ``templates/placement/tripartite_pdf.html`` laid out by
WeasyPrint on A4 with the vendored Noto Sans SC font (``static/vendor/noto-sans-sc``, declared
in ``static/css/tripartite-pdf.css``), so the Chinese text renders on any server.

The body is Chinese (the legal document); headings carry English subtitles. The renderer may
read only the static folder: no file elsewhere and nothing from the network.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from weasyprint import CSS, HTML  # type: ignore[import-untyped]
from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]
from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

from tandem.config import get_settings
from tandem.kit.web import STATIC_DIR, templates
from tandem.placement.models_records import TripartiteAgreement
from tandem.placement.tripartite_terms import PAYERS_ZH

TEMPLATE = "placement/tripartite_pdf.html"
STYLESHEET = STATIC_DIR / "css" / "tripartite-pdf.css"
_STATIC_URL = STATIC_DIR.as_uri() + "/"
PARTIES_ZH = {"college": "甲方（学校）", "host": "乙方（实习单位）", "student": "丙方（学生）"}


class _StaticOnly(URLFetcher):  # type: ignore[misc]
    """Fetch files of the static folder only (the stylesheet and the font)."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith(_STATIC_URL) or ".." in url:
            raise ValueError(f"not a static file: {url}")
        return super().fetch(url, headers)


def date_zh(value: str | date | None) -> str:
    """``2027年3月1日``; blank for none."""
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.year}年{day.month}月{day.day}日"


def time_zh(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(get_settings().timezone))
    return f"{date_zh(local.date())} {local:%H:%M}"


def yes_no(value: Any) -> str:
    return "是" if value else "否"


def html(agreement: TripartiteAgreement, confirmations: list[dict[str, Any]]) -> str:
    """The agreement's HTML (also what the tests read)."""
    signatures = [
        {
            **row,
            "party_zh": PARTIES_ZH[row["party"]],
            "at_zh": time_zh(row["at"]),
        }
        for row in confirmations
    ]
    return templates.env.get_template(TEMPLATE).render(
        agreement=agreement,
        t=agreement.terms,
        terms=agreement.terms.get("terms", {}),
        signatures=signatures,
        scanned=agreement.scan_document_id is not None,
        generated_zh=time_zh(agreement.generated_at),
        date_zh=date_zh,
        yes_no=yes_no,
        payers=PAYERS_ZH,
    )


def render(agreement: TripartiteAgreement, confirmations: list[dict[str, Any]]) -> bytes:
    fetcher = _StaticOnly(allowed_protocols={"file"})
    fonts = FontConfiguration()  # without it, @font-face rules are ignored
    document = HTML(
        string=html(agreement, confirmations), base_url=_STATIC_URL, url_fetcher=fetcher
    )
    stylesheet = CSS(filename=str(STYLESHEET), url_fetcher=fetcher, font_config=fonts)
    data: bytes = document.write_pdf(stylesheets=[stylesheet], font_config=fonts)
    return data
