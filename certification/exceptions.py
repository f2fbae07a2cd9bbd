from django.utils.translation import gettext_lazy as _

from accounts.exceptions import DomainError


class CertificationError(DomainError):
    """A refused certification change; nothing was written."""


class ReasonRequired(CertificationError):
    def __init__(self):
        super().__init__(_("理由を入力してください。"), code="reason_required")


class AlreadyHeld(CertificationError):
    def __init__(self):
        super().__init__(_("この職員は既にこのレベルの認定を受けています。"), code="already_held")


class NotFlagged(CertificationError):
    def __init__(self):
        super().__init__(_("この認定は要確認の状態ではありません。"), code="not_flagged")
