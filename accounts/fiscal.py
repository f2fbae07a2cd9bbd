"""The city's fiscal year (年度): 1 April of year N to 31 March of N + 1.

Labels follow the Japanese era of the fiscal year by the usual convention: FY2019 is
令和元年度 (Reiwa began in May 2019, but the whole fiscal year carries its name) and FY2018
is 平成30年度.
"""

import datetime

from django.utils import timezone
from django.utils.translation import get_language

# (first fiscal year of the era, era name)
_ERAS = ((2019, "令和"), (1989, "平成"), (1926, "昭和"))
# (first day of the era, era name) for calendar dates such as a certificate's date
_ERA_DATES = (
    (datetime.date(2019, 5, 1), "令和"),
    (datetime.date(1989, 1, 8), "平成"),
    (datetime.date(1926, 12, 25), "昭和"),
)


def fiscal_year_of(day: datetime.date | datetime.datetime | None = None) -> int:
    """The fiscal year that `day` (default: today in Asia/Tokyo) belongs to."""
    if day is None:
        day = timezone.localdate()
    elif isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of fiscal year `year`."""
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


def _era_year(number: int) -> str:
    return "元" if number == 1 else str(number)


def wareki_fiscal_year(year: int) -> str:
    """令和N年度 for fiscal year `year` (always Japanese)."""
    for first, name in _ERAS:
        if year >= first:
            return f"{name}{_era_year(year - first + 1)}年度"
    return f"{year}年度"


#: Latin initials of the eras, for compact codes such as a certificate number (R6).
_ERA_INITIALS = {"令和": "R", "平成": "H", "昭和": "S"}


def era_code(year: int) -> str:
    """A fiscal year as its era initial and number: 2024 → R6, 2018 → H30 (else "2018")."""
    for first, name in _ERAS:
        if year >= first:
            return f"{_ERA_INITIALS[name]}{year - first + 1}"
    return str(year)


def fiscal_year_label(year: int | None) -> str:
    """The label shown in the UI: 令和6年度 in Japanese, FY2024 in English."""
    if year is None:
        return ""
    if (get_language() or "ja").startswith("en"):
        return f"FY{year}"
    return wareki_fiscal_year(year)


def wareki_date(day: datetime.date) -> str:
    """A calendar date in the Japanese era: 令和6年4月1日 (令和元年5月1日)."""
    for first, name in _ERA_DATES:
        if day >= first:
            return f"{name}{_era_year(day.year - first.year + 1)}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"
