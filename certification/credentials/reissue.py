"""Re-issuing a 認定証 in the holder's current name (issue #14), and the name each
certificate carries.

The name on a certificate is fixed when it is issued: the name the holder used at work
(`accounts.selectors.work_name_on`) on the 認定日 (決裁日), or, for a re-issued one, the
name it was re-issued in. A later name change does not rewrite a certificate already
issued (its PDF and signed credential stay what they were); HR re-issues it: the
certification gets a new `public_id` (a new 認定証番号, QR code and credential) and the
old id is kept in `CertificateReissue`, still verifiable. The public verify page always
shows the holder's current name; an old id says 「再発行済み（新しい認定証あり）」.
See docs/decisions/0023-careers.md.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.models import AuditAction, User
from accounts.selectors import work_name_on

from ..exceptions import CertificationError
from ..models import Certification
from .models import CertificateReissue


def certificate_holder_name(certification: Certification) -> str:
    """The name printed on (and signed into) the certificate with the certification's
    current `public_id` (one or two queries)."""
    reissue = (
        CertificateReissue.objects.filter(new_public_id=certification.public_id)
        .only("new_holder_name")
        .first()
    )
    if reissue is not None:
        return reissue.new_holder_name
    return work_name_on(certification.user, certification.decided_on)


def reissue_of(*, public_id) -> CertificateReissue | None:
    """The re-issue that superseded the certificate `public_id`, with its certification
    and holder (one query); None when `public_id` is not a superseded certificate."""
    return (
        CertificateReissue.objects.select_related("certification", "certification__user")
        .filter(public_id=public_id)
        .first()
    )


def certificate_reissue(
    *,
    certification: Certification,
    by: User | None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> CertificateReissue:
    """Re-issue `certification`'s 認定証 in the holder's current name.

    Refused (nothing written) for a revoked certification, or when the certificate
    already carries the current name. Recorded in the 操作ログ."""
    with transaction.atomic():
        locked = (
            Certification.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=certification.pk)
        )
        if locked.status == Certification.Status.REVOKED:
            raise CertificationError(_("取り消された認定の認定証は再発行できません。"))
        current_name = locked.user.full_name
        printed = certificate_holder_name(locked)
        if printed == current_name:
            raise CertificationError(
                _("%(name)s さんの認定証は既に現在の氏名で発行されています。")
                % {"name": current_name}
            )
        reissue = CertificateReissue(
            certification=locked,
            public_id=locked.public_id,
            holder_name=printed,
            new_public_id=uuid.uuid4(),
            new_holder_name=current_name,
            reissued_on=timezone.localdate(),
            reissued_by=by,
            reason=reason or _("氏名の変更"),
        )
        reissue._history_user = by
        reissue.save()
        locked.public_id = reissue.new_public_id
        locked.changed_by = by
        locked._history_user = by
        locked.save(update_fields=["public_id", "changed_by", "updated_at"])
        audit_record(
            actor=by,
            action=AuditAction.CERTIFICATE_REISSUE,
            target=locked,
            request=request,
            detail={
                "old_public_id": str(reissue.public_id),
                "new_public_id": str(locked.public_id),
            },
        )
    certification.public_id = locked.public_id
    return reissue
