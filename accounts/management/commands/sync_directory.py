from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.exceptions import RosterFileError
from accounts.models import User
from accounts.services import roster_import


class Command(BaseCommand):
    help = (
        "庁内ディレクトリ（LDAP / Active Directory）の職員一覧で所属・職位・有効/無効を更新します。"
        "職員名簿の取込と同じ規則（全件チェックし、1件でも誤りがあれば何も変えない）。"
        "--apply がなければ変更内容の確認だけです。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help=_("確認した内容で更新する"))
        parser.add_argument("--by", default="", help=_("実行者の職員番号（履歴に残す）"))

    def handle(self, *args, apply=False, by="", **options):
        if not settings.DIRECTORY_LDAP_ENABLED:
            raise CommandError(_("LDAP_SERVER_URI が設定されていません。"))
        from accounts.directory.reading import directory_roster_rows

        actor = User.objects.filter(employee_number=by).first() if by else None
        if by and actor is None:
            raise CommandError(_("職員番号 %(number)s の職員がいません。") % {"number": by})
        try:
            rows = directory_roster_rows()
            result = roster_import(rows=rows, full_roster=True, dry_run=not apply, by=actor)
        except RosterFileError as error:
            raise CommandError(str(error)) from error
        for error in result.errors:
            self.stdout.write(f"NG {error.employee_number}: {' '.join(error.messages)}")
        for label, people in (
            (_("追加"), result.created),
            (_("変更"), result.updated),
            (_("無効化"), result.deactivated),
        ):
            for person in people:
                self.stdout.write(f"{label} {person.employee_number} {' / '.join(person.changes)}")
        summary = _(
            "ディレクトリ %(total)s 人：追加 %(created)s、変更 %(updated)s、変更なし %(unchanged)s、"
            "無効化 %(deactivated)s、誤り %(errors)s"
        ) % {
            "total": result.total,
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": result.unchanged,
            "deactivated": len(result.deactivated),
            "errors": len(result.errors),
        }
        self.stdout.write(summary)
        if result.errors:
            raise CommandError(_("誤りがあるため、何も更新していません。"))
        if apply:
            self.stdout.write(_("更新しました。"))
        else:
            self.stdout.write(_("確認のみです。更新するには --apply を付けて実行してください。"))
