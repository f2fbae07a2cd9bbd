"""Demo careers (issue #14), after the demo certifications are decided:

- 20009 加藤 陽子 (DXアドバイザー 令和5年度, 都市計画課) moved to デジタル戦略課 in the
  April 人事異動 of the current 年度: the dashboard counts her FY2023 certification
  under 都市計画課 (at the time), or デジタル戦略課 with 「現在の所属で数える」.
- 20007 高橋 由紀 (DXアドバイザー 令和5年度) married on 1 June 2025 and uses her new name
  小林 由紀 at work (no 旧姓 use); HR re-issued her 認定証 in the new name. The old
  certificate still verifies and says 「再発行済み（新しい認定証あり）」.

Written through the services; idempotent (each step is skipped once done).
"""

import datetime

from django.utils import timezone

from accounts.fiscal import fiscal_year_of
from accounts.models import Department, User
from accounts.services.careers import name_change_record, transfer

from .credentials.reissue import certificate_reissue
from .models import CertificateReissue, Certification

TRANSFERRED = "20009"
TRANSFER_TO = "120"  # デジタル戦略課
RENAMED = "20007"
MARRIED_ON = datetime.date(2025, 6, 1)


def seed(hr: User) -> dict[str, int]:
    done = {"transferred": 0, "renamed": 0, "reissued": 0}
    today = timezone.localdate()
    person = User.objects.filter(employee_number=TRANSFERRED).first()
    department = Department.objects.filter(code=TRANSFER_TO).first()
    if person and department and not person.department_assignments.exists():
        april = datetime.date(fiscal_year_of(today), 4, 1)
        transfer(user=person, department=department, on=april, by=hr)
        done["transferred"] = 1
    person = User.objects.filter(employee_number=RENAMED).first()
    if person is None:
        return done
    if not person.name_changes.exists() and today >= MARRIED_ON:
        name_change_record(
            user=person,
            changed_on=MARRIED_ON,
            uses_maiden_name_at_work=False,
            by=hr,
            last_name="小林",
            first_name=person.first_name,
            last_name_kana="コバヤシ",
            first_name_kana=person.first_name_kana,
        )
        done["renamed"] = 1
    held = Certification.objects.filter(
        user=person, status__in=Certification.HELD, decided_on__lt=MARRIED_ON
    )
    for certification in held:
        if not CertificateReissue.objects.filter(certification=certification).exists():
            certificate_reissue(certification=certification, by=hr, reason="婚姻による氏名の変更")
            done["reissued"] += 1
    return done
