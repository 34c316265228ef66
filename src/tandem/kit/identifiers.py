"""Chinese identifiers, validated exactly as their standards define them (pure functions).

- Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-symbol set;
  the last is a check character over the first 17 with weights 3^(i-1) mod 31.
- Resident identity number (公民身份号码, GB 11643-1999): 17 digits, a check character from the
  ISO 7064 MOD 11-2 scheme ("10X98765432"), and the birth date in digits 7–14.
"""

from __future__ import annotations

import unicodedata
from datetime import date

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_CHARSET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def normalise_code(value: str) -> str:
    """Half-width, upper case, without spaces or hyphens: how people type and paste codes."""
    return unicodedata.normalize("NFKC", value).upper().replace(" ", "").replace("-", "")


def uscc_check_character(first17: str) -> str:
    total = sum(_USCC_VALUE[ch] * weight for ch, weight in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why ``code`` (already normalised) is not a valid USCC, or None when it is."""
    if len(code) != 18:
        return "length"
    if any(ch not in _USCC_VALUE for ch in code):
        return "charset"
    if uscc_check_character(code[:17]) != code[17]:
        return "check"
    return None


def id_check_character(first17: str) -> str:
    total = sum(int(ch) * weight for ch, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_birth_date(number: str) -> date | None:
    """The birth date embedded in an 18-character ID number, or None if it is not a real date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def resident_id_problem(number: str, *, today: date | None = None) -> str | None:
    """Why ``number`` (already normalised) is not a valid resident ID number, or None."""
    if len(number) != 18:
        return "length"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "charset"
    birth = id_birth_date(number)
    if birth is None or birth.year < 1900 or (today is not None and birth > today):
        return "birth_date"
    if id_check_character(number[:17]) != number[17]:
        return "check"
    return None


def mask_resident_id(number: str) -> str:
    """Show the region's first 4 and the last 4: ``4405**********0014``."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def age_on(birth: date, day: date) -> int:
    """Age in completed years on ``day`` (a 29 February birthday counts from 1 March)."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years
