"""The default rubrics (評価基準) of each perspective, seeded per fiscal year by
`services.rubric_ensure_defaults`. Plain data: the organiser edits the copies in the
database, never this module."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import Perspective

#: Point labels shared by the report perspectives (1 = lowest, 5 = highest).
_REPORT_POINTS = ["不十分", "やや不十分", "標準的", "優れている", "非常に優れている"]
_LEADERSHIP_POINTS = [
    "見られない",
    "あまり見られない",
    "ときどき見られる",
    "よく見られる",
    "常に見られる",
]

DEFAULT_RUBRICS: dict[str, list[dict]] = {
    Perspective.POLICY: [
        {
            "label_ja": "市民目線",
            "label_en": "Citizen's view",
            "description": "市民・利用者にとっての価値から課題と解決策を考えているか",
            "weight": Decimal("1.0"),
            "point_labels": _REPORT_POINTS,
        },
        {
            "label_ja": "課題設定の妥当性",
            "label_en": "Soundness of the problem",
            "description": "現状（As-Is）の分析に基づき、取り組むべき課題と原因を的確に捉えているか",
            "weight": Decimal("1.0"),
            "point_labels": _REPORT_POINTS,
        },
        {
            "label_ja": "効果の大きさ",
            "label_en": "Size of the effect",
            "description": "削減時間・短縮日数など、効果が数値で示され、十分に大きいか",
            "weight": Decimal("1.5"),
            "point_labels": _REPORT_POINTS,
        },
        {
            "label_ja": "実現可能性",
            "label_en": "Feasibility",
            "description": "予算・体制・期間の面で、Can-Be として実行できる計画か",
            "weight": Decimal("1.0"),
            "point_labels": _REPORT_POINTS,
        },
        {
            "label_ja": "他業務への展開可能性",
            "label_en": "Applicability to other work",
            "description": "他の所属や業務にも横展開できる取組か",
            "weight": Decimal("0.5"),
            "point_labels": _REPORT_POINTS,
        },
    ],
    Perspective.TECHNICAL: [
        {
            "label_ja": "デジタル技術の活用",
            "label_en": "Use of digital technology",
            "description": "RPA・電子申請・クラウド等の技術を目的に合わせて適切に選び、活用しているか",
            "weight": Decimal("1.5"),
            "point_labels": _REPORT_POINTS,
        },
        {
            "label_ja": "BPR手法の理解",
            "label_en": "Understanding of BPR methods",
            "description": "業務フローの可視化、課題→原因→解決策→効果の整理ができているか",
            "weight": Decimal("1.0"),
            "point_labels": _REPORT_POINTS,
        },
        {
            "label_ja": "実現可能性",
            "label_en": "Feasibility",
            "description": "技術的な制約・運用・セキュリティを踏まえ、実装できる内容か",
            "weight": Decimal("1.0"),
            "point_labels": _REPORT_POINTS,
        },
    ],
    Perspective.LEADERSHIP: [
        {
            "label_ja": "方向付け",
            "label_en": "Setting direction",
            "description": "チームの目標とゴールを示し、進め方を明確にしたか",
            "weight": Decimal("1.0"),
            "point_labels": _LEADERSHIP_POINTS,
        },
        {
            "label_ja": "メンバーへの支援",
            "label_en": "Supporting members",
            "description": "メンバーの意見を引き出し、困りごとを支援したか",
            "weight": Decimal("1.0"),
            "point_labels": _LEADERSHIP_POINTS,
        },
        {
            "label_ja": "関係者との調整",
            "label_en": "Coordinating with stakeholders",
            "description": "関係所属・上司・事業者と調整し、協力を得たか",
            "weight": Decimal("1.0"),
            "point_labels": _LEADERSHIP_POINTS,
        },
        {
            "label_ja": "主体性",
            "label_en": "Initiative",
            "description": "自ら課題を見つけ、率先して行動したか",
            "weight": Decimal("1.0"),
            "point_labels": _LEADERSHIP_POINTS,
        },
    ],
}

#: Help texts shown with each perspective on the scoring form.
PERSPECTIVE_HELP = {
    Perspective.POLICY: _("幹部職員の皆さまは、政策的観点から評価してください。"),
    Perspective.TECHNICAL: _("外部専門家の皆さまは、技術的観点から評価してください。"),
    Perspective.LEADERSHIP: _("チームでの活動を振り返り、リーダーの行動を評価してください。"),
}
