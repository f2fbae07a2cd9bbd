"""Demo activity hours (業務外活動の記録, issue 12), written through the services.

Every demo project has the slides' cap of 4 hours a week (週4時間). Two members log
hours by hand: the demo login 20001 (総務課, 所属長 90001 総務部長) in FY2022 — one week
near the cap (3.5 h), the next over it (4.5 h) — and 20042 (こども家庭課, 所属長 20078
課長) in FY2024 — a week exactly at the cap (4 h), the next over it (4.5 h); 20035 and
20006 log a little. Each week over the cap makes one notice to the person's 所属長
(mailed after the seed commits).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from accounts.models import User

from . import services
from .models import Membership, Project

WEEKLY_CAP = Decimal(4)

#: fiscal year → (職員番号, day, hours, note)
HOURS: dict[int, tuple[tuple[str, str, str, str], ...]] = {
    2022: (
        ("20001", "2022-06-07", "2", "現行の工事書類の棚卸し"),
        ("20001", "2022-06-09", "1.5", "電子納品要領の確認"),
        ("20001", "2022-06-14", "2.5", "施工業者へのヒアリング"),
        ("20001", "2022-06-16", "2", "To-Be業務フローの作成"),
        ("20035", "2022-06-08", "1", "書類様式の収集"),
    ),
    2024: (
        ("20042", "2024-06-04", "2", "問い合わせ記録の分類"),
        ("20042", "2024-06-06", "2", "FAQ案の作成"),
        ("20042", "2024-06-11", "3", "窓口での試行と記録"),
        ("20042", "2024-06-13", "1.5", "試行結果のまとめ"),
        ("20006", "2024-06-05", "1.5", "チーム打合せの準備"),
    ),
}


def seed_hours(project: Project, people: dict[str, User]) -> int:
    """Log the demo hours of `project`'s year (the project is in progress). Returns how
    many entries were written."""
    entries = HOURS.get(project.fiscal_year, ())
    today = datetime.date(project.fiscal_year, 7, 31)
    teams = {
        m.user_id: m.team
        for m in Membership.objects.filter(
            project=project, status=Membership.Status.APPROVED
        ).select_related("team__project")
    }
    for number, day, hours, note in entries:
        person = people[number]
        services.activity_log_create(
            by=person,
            team=teams[person.pk],
            worked_on=datetime.date.fromisoformat(day),
            hours=Decimal(hours),
            note=note,
            today=today,
        )
    return len(entries)
