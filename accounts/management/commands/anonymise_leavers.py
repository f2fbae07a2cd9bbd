from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.fiscal import date_label
from accounts.models import User
from accounts.services.careers import holds_certification, leavers_anonymise, retention_cutoff


class Command(BaseCommand):
    help = (
        "保存期間（PERSONAL_DATA_RETENTION_YEARS 年）を過ぎた退職者の個人情報のうち、"
        "認定の確認に要らないもの（メールアドレス・フリガナ・認定のない人の氏名など）を"
        "匿名化します。--apply がなければ対象者の確認（プレビュー）だけです。"
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help=_("対象者を表示するだけ（既定）"))
        mode.add_argument("--apply", action="store_true", help=_("匿名化する"))
        parser.add_argument("--by", default="", help=_("実行者の職員番号（操作ログに残す）"))

    def handle(self, *args, apply=False, by="", **options):
        actor = User.objects.filter(employee_number=by).first() if by else None
        if by and actor is None:
            raise CommandError(_("職員番号 %(number)s の職員がいません。") % {"number": by})
        result = leavers_anonymise(dry_run=not apply, by=actor)
        self.stdout.write(
            _("保存期間 %(years)s 年：退職日が %(cutoff)s 以前の人が対象です。")
            % {
                "years": settings.PERSONAL_DATA_RETENTION_YEARS,
                "cutoff": date_label(retention_cutoff()),
            }
        )
        for person in result.people:
            kept = _("氏名は残す（認定あり）") if holds_certification(person) else _("氏名も匿名化")
            self.stdout.write(
                f"{person.employee_number or '—'} {date_label(person.left_on)} {kept}"
            )
        if result.applied:
            self.stdout.write(
                self.style.SUCCESS(_("%(n)s 人を匿名化しました。") % {"n": len(result.people)})
            )
        elif result.people:
            self.stdout.write(
                _("%(n)s 人が対象です。--apply で匿名化します。") % {"n": len(result.people)}
            )
        else:
            self.stdout.write(_("対象者はいません。"))
