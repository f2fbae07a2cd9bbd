"""Existing certifications were published when they were created: their 決裁日 is the
day of `created_at` (Asia/Tokyo), and their award e-mail is not owed any more."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    Certification = apps.get_model("certification", "Certification")
    changed = []
    for cert in Certification.objects.only("pk", "created_at").iterator(chunk_size=2000):
        cert.decided_on = timezone.localtime(cert.created_at).date()
        cert.announced_at = cert.created_at
        changed.append(cert)
        if len(changed) >= 2000:
            Certification.objects.bulk_update(changed, ["decided_on", "announced_at"])
            changed = []
    if changed:
        Certification.objects.bulk_update(changed, ["decided_on", "announced_at"])


class Migration(migrations.Migration):
    dependencies = [("certification", "0002_decision_workflow")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
