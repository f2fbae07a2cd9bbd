"""The one write of the credentials: giving a certification its status-list index."""

import secrets

from django.db import IntegrityError, transaction

from ..models import Certification
from .models import STATUS_LIST_LENGTH, CredentialStatus

#: Random draws before giving up; with a list this long and a city this size a second
#: draw is already rare.
ATTEMPTS = 50


def credential_status_assign(*, certification: Certification) -> CredentialStatus:
    """The certification's status-list index, drawn at random the first time.

    Idempotent (returns the existing row); the certification row is locked so that two
    first downloads at once draw one index; a drawn index already taken is drawn again
    (the unique constraint decides, not a read)."""
    with transaction.atomic():
        Certification.objects.select_for_update().only("pk").get(pk=certification.pk)
        entry = CredentialStatus.objects.filter(certification_id=certification.pk).first()
        if entry is not None:
            return entry
        for _attempt in range(ATTEMPTS):
            entry = CredentialStatus(
                certification_id=certification.pk,
                status_list_index=secrets.randbelow(STATUS_LIST_LENGTH),
            )
            entry.full_clean(validate_unique=False, validate_constraints=False)
            try:
                with transaction.atomic():
                    entry.save()
            except IntegrityError:
                continue
            return entry
    raise RuntimeError("the status list is full")  # pragma: no cover
