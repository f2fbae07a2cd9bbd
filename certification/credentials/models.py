"""Where a certification's credential sits in the revocation status list."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

#: Bits in the status list: the Bitstring Status List minimum (16 KiB), so one list holds
#: every certification the city will ever issue and indices give herd privacy.
STATUS_LIST_LENGTH = 131072


class CredentialStatus(models.Model):
    """A certification's index in the revocation status list, drawn at random (the spec's
    herd privacy: an index tells nothing about when or to whom it was issued). Assigned
    the first time the credential is made (`credential_status_assign`); never changes.
    The bit itself is not stored: it is the certification's status when the list is
    published."""

    certification = models.OneToOneField(
        "certification.Certification",
        verbose_name=_("認定"),
        on_delete=models.PROTECT,
        related_name="credential_status",
    )
    status_list_index = models.PositiveIntegerField(_("ステータスリストの番号"), unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "certification"
        verbose_name = _("証明書の失効リスト番号")
        verbose_name_plural = _("証明書の失効リスト番号")
        constraints = [
            models.CheckConstraint(
                condition=Q(status_list_index__lt=STATUS_LIST_LENGTH),
                name="credential_status_index_in_list",
            )
        ]

    def __str__(self):
        return f"{self.certification_id}: {self.status_list_index}"
