"""Verify a credential file exactly as another organisation would: over HTTP, from the
published JWK Set and status list; never from our database or key files."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certification.credentials import build
from certification.credentials.verify import verify_token


class Command(BaseCommand):
    help = (
        "認定のデジタル証明書（credential.jwt）を、公開鍵と失効リストをHTTPで取得して"
        "検証します（データベースは読みません）。"
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="credential.jwt (compact JWS); - for standard input")
        parser.add_argument(
            "--issuer",
            help="the issuer id to trust (default: this deployment's, from SITE_URL)",
        )
        parser.add_argument(
            "--json", action="store_true", dest="show_json", help="print the credential too"
        )

    def handle(self, *args, file, issuer=None, show_json=False, **options):
        try:
            token = self.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {file}: {error}") from error
        result = verify_token(token, expected_issuer=issuer or build.issuer_id())
        if show_json and result.credential is not None:
            self.stdout.write(_dumps(result.credential))
        if result.valid:
            subject = result.credential.get("credentialSubject", {})
            self.stdout.write(
                self.style.SUCCESS(
                    f"VALID 有効: {result.credential.get('name')} — "
                    f"{_holder(subject)} (key {result.kid})"
                )
            )
            return
        label = "REVOKED 取消" if result.revoked else "INVALID 無効"
        raise CommandError(f"{label}: {result.reason}")


def _holder(subject: dict) -> str:
    for identifier in subject.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("identityType") == "name":
            return str(identifier.get("identityHash"))
    return "?"


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
