"""Build the demo city. Lives in the top app because it calls every app's demo module,
each of which writes through its own services. Idempotent: a second run changes nothing."""

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from accounts import demo as accounts_demo
from certification import demo as certification_demo
from certification.credentials import keys as credential_keys
from evaluations import demo as evaluations_demo
from projects import demo as projects_demo
from training import demo as training_demo


class Command(BaseCommand):
    help = "デモ用の所属・職員・プロジェクト・評価・認定を作成します（再実行しても変化しません）。"

    def handle(self, *args, **options):
        # The demo people have made-up addresses: build the city without mailing anyone.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._seed()

    def _seed(self):
        created = accounts_demo.seed_people()
        self.stdout.write(f"accounts: {created}")
        self.stdout.write(f"projects: {projects_demo.seed()}")
        self.stdout.write(f"evaluations: {evaluations_demo.seed()}")
        self.stdout.write(f"training: {training_demo.seed()}")
        # Last: certifications follow from the projects' and evaluations' demo data.
        self.stdout.write(f"certification: {certification_demo.seed()}")
        # The demo's credentials need a signing key (in CREDENTIAL_KEYS_DIR, git-ignored).
        created = credential_keys.key_ensure()
        self.stdout.write(f"credential key: {'created' if created else 'exists'}")
        self.stdout.write(self.style.SUCCESS("デモデータの準備ができました。"))
