"""Certificates and certification lists taken by anyone other than the holder leave a
操作ログ entry; the holder's own download does not. The 認定証 PDF is never cached."""

import pytest
from django.urls import reverse

from accounts.models import AuditAction, AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def test_hr_downloading_someone_elses_certificate_is_recorded(client, hr_admin):
    cert = factories.CertificationFactory()
    client.force_login(hr_admin)

    response = client.get(
        reverse("certification:certificate_pdf", args=[cert.public_id]), REMOTE_ADDR="192.0.2.9"
    )

    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert entry.action == AuditAction.CERTIFICATE_PDF
    assert (entry.actor, entry.ip_address) == (hr_admin, "192.0.2.9")
    assert entry.target_id == str(cert.pk)
    assert entry.detail["holder"] == cert.user.employee_number


def test_the_holder_downloading_their_own_certificate_is_not_recorded(client):
    cert = factories.CertificationFactory()
    client.force_login(cert.user)

    response = client.get(reverse("certification:certificate_pdf", args=[cert.public_id]))

    assert response.status_code == 200
    assert not AuditEntry.objects.exists()


def test_the_certificate_pdf_is_private_and_never_stored(client):
    cert = factories.CertificationFactory()
    client.force_login(cert.user)

    response = client.get(reverse("certification:certificate_pdf", args=[cert.public_id]))

    assert {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }


@pytest.mark.parametrize(("name", "fmt"), [("export_csv", "csv"), ("export_xlsx", "xlsx")])
def test_hr_exporting_the_certifications_is_recorded(client, hr_admin, name, fmt):
    factories.CertificationFactory()
    client.force_login(hr_admin)

    response = client.get(reverse(f"admin:certification_certification_{name}"))

    assert response.status_code == 200
    assert {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == (AuditAction.EXPORT, hr_admin)
    assert entry.detail == {"what": "certifications", "format": fmt, "rows": 1}
