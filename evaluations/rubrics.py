"""The default rubrics (評価基準) of each perspective, seeded per fiscal year by
`services.rubric_ensure_defaults`. Plain data: the organiser edits the copies in the
database, never this module."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import Perspective

#: Point labels shared by the report perspectives (1 = lowest, 5 = highest).
_REPORT_POINTS = ["不十分", "やや不十分", "標準的", "優れている", "非常に優れている"]
_REPORT_POINTS_EN = ["Insufficient", "Somewhat insufficient", "Standard", "Good", "Excellent"]
_LEADERSHIP_POINTS_EN = ["Not seen", "Rarely seen", "Sometimes seen", "Often seen", "Always seen"]
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
            "description_en": "Are the problem and the solution thought through from their value to residents and users?",
            "weight": Decimal("1.0"),
            "point_labels": _REPORT_POINTS,
            "point_labels_en": _REPORT_POINTS_EN,
        },
        {
            "label_ja": "課題設定の妥当性",
            "label_en": "Soundness of the problem",
            "description": "現状（As-Is）の分析に基づき、取り組むべき課題と原因を的確に捉えているか",
            "description_en": "Does the team pin down the problem and its causes from an analysis of the current state (As-Is)?",
            "weight": Decimal("1.0"),
            "point_labels": _REPORT_POINTS,
            "point_labels_en": _REPORT_POINTS_EN,
        },
        {
            "label_ja": "効果の大きさ",
            "label_en": "Size of the effect",
            "description": "削減時間・短縮日数など、効果が数値で示され、十分に大きいか",
            "description_en": "Is the effect shown in numbers (hours saved, days shortened) and large enough?",
            "weight": Decimal("1.5"),
            "point_labels": _REPORT_POINTS,
            "point_labels_en": _REPORT_POINTS_EN,
        },
        {
            "label_ja": "実現可能性",
            "label_en": "Feasibility",
            "description": "予算・体制・期間の面で、Can-Be として実行できる計画か",
            "description_en": "Can the plan be carried out as a Can-Be within budget, staff and time?",
            "weight": Decimal("1.0"),
            "point_labels": _REPORT_POINTS,
            "point_labels_en": _REPORT_POINTS_EN,
        },
        {
            "label_ja": "他業務への展開可能性",
            "label_en": "Applicability to other work",
            "description": "他の所属や業務にも横展開できる取組か",
            "description_en": "Can the work be spread to other sections and tasks?",
            "weight": Decimal("0.5"),
            "point_labels": _REPORT_POINTS,
            "point_labels_en": _REPORT_POINTS_EN,
        },
    ],
    Perspective.TECHNICAL: [
        {
            "label_ja": "デジタル技術の活用",
            "label_en": "Use of digital technology",
            "description": "RPA・電子申請・クラウド等の技術を目的に合わせて適切に選び、活用しているか",
            "description_en": "Are technologies such as RPA, online applications and cloud services chosen and used to fit the purpose?",
            "weight": Decimal("1.5"),
            "point_labels": _REPORT_POINTS,
            "point_labels_en": _REPORT_POINTS_EN,
        },
        {
            "label_ja": "BPR手法の理解",
            "label_en": "Understanding of BPR methods",
            "description": "業務フローの可視化、課題→原因→解決策→効果の整理ができているか",
            "description_en": "Are the work flows made visible, and problem → cause → solution → effect worked through?",
            "weight": Decimal("1.0"),
            "point_labels": _REPORT_POINTS,
            "point_labels_en": _REPORT_POINTS_EN,
        },
        {
            "label_ja": "実現可能性",
            "label_en": "Feasibility",
            "description": "技術的な制約・運用・セキュリティを踏まえ、実装できる内容か",
            "description_en": "Can it be built, given technical constraints, operation and security?",
            "weight": Decimal("1.0"),
            "point_labels": _REPORT_POINTS,
            "point_labels_en": _REPORT_POINTS_EN,
        },
    ],
    Perspective.LEADERSHIP: [
        {
            "label_ja": "方向付け",
            "label_en": "Setting direction",
            "description": "チームの目標とゴールを示し、進め方を明確にしたか",
            "description_en": "Did the leader set the team's goals and make clear how to proceed?",
            "weight": Decimal("1.0"),
            "point_labels": _LEADERSHIP_POINTS,
            "point_labels_en": _LEADERSHIP_POINTS_EN,
        },
        {
            "label_ja": "メンバーへの支援",
            "label_en": "Supporting members",
            "description": "メンバーの意見を引き出し、困りごとを支援したか",
            "description_en": "Did the leader draw out members' views and help with their difficulties?",
            "weight": Decimal("1.0"),
            "point_labels": _LEADERSHIP_POINTS,
            "point_labels_en": _LEADERSHIP_POINTS_EN,
        },
        {
            "label_ja": "関係者との調整",
            "label_en": "Coordinating with stakeholders",
            "description": "関係所属・上司・事業者と調整し、協力を得たか",
            "description_en": "Did the leader coordinate with related sections, superiors and vendors and win their cooperation?",
            "weight": Decimal("1.0"),
            "point_labels": _LEADERSHIP_POINTS,
            "point_labels_en": _LEADERSHIP_POINTS_EN,
        },
        {
            "label_ja": "主体性",
            "label_en": "Initiative",
            "description": "自ら課題を見つけ、率先して行動したか",
            "description_en": "Did the leader find problems and take the lead?",
            "weight": Decimal("1.0"),
            "point_labels": _LEADERSHIP_POINTS,
            "point_labels_en": _LEADERSHIP_POINTS_EN,
        },
    ],
}

#: Help texts shown with each perspective on the scoring form.
PERSPECTIVE_HELP = {
    Perspective.POLICY: _("幹部職員の皆さまは、政策的観点から評価してください。"),
    Perspective.TECHNICAL: _("外部専門家の皆さまは、技術的観点から評価してください。"),
    Perspective.LEADERSHIP: _("チームでの活動を振り返り、リーダーの行動を評価してください。"),
}
