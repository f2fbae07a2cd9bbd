"""The dashboard's counts by the department each holder belonged to at the time of the
year they were certified for (issue #14), beside `selectors.certified_counts` (by the
department they belong to now).

"At the time" is the last day of the certification's 年度 (3月31日): the report meeting is
held within the year and the regular 人事異動 takes effect on 4月1日, so that day's
department is the one the person did the project in, even when the 決裁 comes after an
April transfer (decision 0023). Three queries whatever the number of certifications.
"""

import datetime
from collections import Counter

from accounts.models import Department
from accounts.selectors import departments_on

from .models import Certification


def year_end(fiscal_year: int) -> datetime.date:
    return datetime.date(fiscal_year + 1, 3, 31)


def certified_counts_at_the_time() -> list[dict]:
    """Held certifications per level × 年度 × department at the time, shaped like
    `selectors.certified_counts` (so `selectors.certified_table` takes either)."""
    held = list(
        Certification.objects.filter(status__in=Certification.HELD).values_list(
            "user_id", "level", "fiscal_year"
        )
    )
    at = departments_on({(user_id, year_end(year)) for user_id, _level, year in held})
    departments = Department.objects.in_bulk({d for d in at.values() if d is not None})
    counts = Counter((level, year, at[user_id, year_end(year)]) for user_id, level, year in held)
    rows = []
    for (level, year, department_id), count in counts.items():
        department = departments.get(department_id)
        rows.append(
            {
                "level": level,
                "fiscal_year": year,
                "department": department.name if department else None,
                "department_code": department.code if department else None,
                "count": count,
            }
        )
    rows.sort(key=lambda r: (r["fiscal_year"], r["department_code"] or "\uffff", r["level"]))
    return rows
