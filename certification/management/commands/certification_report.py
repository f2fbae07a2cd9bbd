"""Print who holds which certification and why (for the README's demo table and HR)."""

from django.core.management.base import BaseCommand

from accounts.fiscal import wareki_fiscal_year
from certification import evidence
from certification.models import Certification


class Command(BaseCommand):
    help = "認定を受けている職員ごとに、レベル・年度・状態・根拠の要約を表示します。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--markdown", action="store_true", help="Markdown の表で出力します（docs 用）"
        )
        parser.add_argument("--all", action="store_true", help="取り消された認定も含めます")

    def handle(self, *args, markdown=False, all=False, **options):
        certs = Certification.objects.select_related("user", "user__department").order_by(
            "user__employee_number", "user__email", "level"
        )
        if not all:
            certs = certs.filter(status__in=Certification.HELD)
        header = ("職員番号", "氏名", "所属", "認定レベル", "認定年度", "状態", "方法", "根拠")
        if markdown:
            self.stdout.write("| " + " | ".join(header) + " |")
            self.stdout.write("|" + "---|" * len(header))
        for cert in certs:
            user = cert.user
            cells = (
                user.employee_number or user.email,
                user.full_name,
                str(user.department or "—"),
                cert.get_level_display(),
                wareki_fiscal_year(cert.fiscal_year),
                cert.get_status_display(),
                cert.get_source_display(),
                evidence.summary(cert.evidence) or "—",
            )
            if markdown:
                self.stdout.write(
                    "| " + " | ".join(str(c).replace("|", "／") for c in cells) + " |"
                )
            else:
                self.stdout.write("\t".join(str(c) for c in cells))
