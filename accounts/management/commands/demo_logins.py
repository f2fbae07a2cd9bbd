from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "デモ用ログインを役割ごとにすべて表示します。"

    def handle(self, *args, **options):
        self.stdout.write(f"デモ用ログイン / Demo logins (password: {DEMO_PASSWORD})")
        for login in demo_logins():
            self.stdout.write(f"  {login.role}\t{login.login:<28} {login.name}")
