"""The city's signing keys for the portable credentials (files, never the database)."""

from django.core.management.base import BaseCommand, CommandError

from certification.credentials import keys


class Command(BaseCommand):
    help = (
        "認定のデジタル証明書（Open Badges 3.0）の署名鍵を作成・更新・失効・一覧表示します。"
        " create: 最初の鍵 / rotate: 新しい鍵に替える（古い公開鍵は公開を続ける）/"
        " retire THUMBPRINT: 公開をやめる（その鍵の証明書は検証できなくなる）/ list"
    )
    # Runs before the key exists: the production check would refuse to start without one.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "ensure", "rotate", "retire", "list"])
        parser.add_argument(
            "thumbprint",
            nargs="?",
            help="retire: the key's thumbprint (after `--` when it starts with a hyphen)",
        )

    def handle(self, *args, action, thumbprint=None, **options):
        try:
            if action == "create":
                key = keys.key_create()
                self.stdout.write(self.style.SUCCESS(f"created {key.kid}"))
            elif action == "ensure":
                created = keys.key_ensure()
                self.stdout.write("created" if created else "exists")
            elif action == "rotate":
                key = keys.key_rotate()
                self.stdout.write(self.style.SUCCESS(f"rotated: signing with {key.kid}"))
            elif action == "retire":
                if not thumbprint:
                    raise CommandError("retire needs the key's thumbprint (see list)")
                done = keys.key_retire(thumbprint=thumbprint)
                self.stdout.write(f"retired {thumbprint}" if done else "already retired")
            else:
                for key in keys.published_keys():
                    state = "active" if key.active else "published"
                    self.stdout.write(f"{key.created}  {state:9}  {key.thumbprint}")
                for key in keys.retired_keys():
                    self.stdout.write(f"{key.created}  {'retired':9}  {key.thumbprint}")
        except keys.CredentialKeyError as error:
            raise CommandError(str(error)) from error
