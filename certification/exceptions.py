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


class NotDecider(CertificationError):
    def __init__(self):
        super().__init__(_("認定の決裁・起案ができるのは人事担当だけです。"), code="not_decider")


class SelfDecision(CertificationError):
    def __init__(self):
        super().__init__(
            _("ご自身に関する認定は決裁できません。別の人事担当が決裁します。"),
            code="self_decision",
        )


class TwoPersonRule(CertificationError):
    def __init__(self):
        super().__init__(
            _("起案した人事担当は決裁できません。別の人事担当が決裁してください。"),
            code="two_person_rule",
        )


class NotPending(CertificationError):
    def __init__(self):
        super().__init__(_("この決裁は既に処理されています。"), code="not_pending")


class DecisionNumberRequired(CertificationError):
    def __init__(self):
        super().__init__(_("決裁番号を入力してください。"), code="decision_number_required")


class DecisionNumberTaken(CertificationError):
    def __init__(self):
        super().__init__(_("この決裁番号は既に使われています。"), code="decision_number_taken")


class DecidedOnInFuture(CertificationError):
    def __init__(self):
        super().__init__(_("決裁日に未来の日付は指定できません。"), code="decided_on_future")


class NotHeld(CertificationError):
    def __init__(self):
        super().__init__(_("この認定は有効ではありません。"), code="not_held")


class ProposalPending(CertificationError):
    def __init__(self):
        super().__init__(
            _("この職員のこのレベルには、同じ内容の決裁待ちの起案が既にあります。"),
            code="proposal_pending",
        )


class RuleSetInUse(CertificationError):
    """A year's 認定基準 that certifications or proposals were decided by: never deleted
    (their evidence names it); change it and recompute instead."""
