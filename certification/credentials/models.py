"""Where a certification's credential sits in the revocation status list."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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


class CertificateReissue(models.Model):
    """A 認定証 re-issued (e.g. in a new name after a name change): the certification's
    `public_id` moved to `new_public_id`; the old id (`public_id` here) stays verifiable
    — its verify page says 「再発行済み（新しい認定証あり）」 and shows the holder's current
    name — and its credential is still served as it was signed, in `holder_name`.
    Written only by `certification.credentials.services.certificate_reissue`."""

    certification = models.ForeignKey(
        "certification.Certification",
        verbose_name=_("認定"),
        on_delete=models.PROTECT,
        related_name="reissues",
    )
    public_id = models.UUIDField(_("旧い認定証番号"), unique=True, editable=False)
    holder_name = models.CharField(_("旧い認定証の氏名"), max_length=101, blank=True)
    new_public_id = models.UUIDField(_("新しい認定証番号"), unique=True, editable=False)
    new_holder_name = models.CharField(_("新しい認定証の氏名"), max_length=101)
    reissued_on = models.DateField(_("再発行日"))
    reissued_at = models.DateTimeField(_("再発行操作日時"), auto_now_add=True)
    reissued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("再発行者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("理由"), max_length=2000, blank=True)
    history = HistoricalRecords()

    class Meta:
        app_label = "certification"
        verbose_name = _("認定証の再発行")
        verbose_name_plural = _("認定証の再発行")
        ordering = ["-reissued_at", "-pk"]

    def __str__(self):
        return f"{self.holder_name} → {self.new_holder_name}"
