"""Demo showcase for `manage.py seed_demo`: the theme tags, every approved team of a
project whose report meeting has closed published (FY2022–FY2024: the evaluations demo
closes them), and one 横展開 in progress: a member of staff of another 課 asked to adopt
保育所入所選考の効率化 and the organiser (10001) moved it to 検討中.

Written through the services; idempotent: a published case is left as it is, the
interest is looked up before it is registered."""

from __future__ import annotations

from accounts.models import User
from accounts.roles import Role
from evaluations.models import ReportMeeting
from projects.models import Membership, Team

from . import services
from .models import AdoptionInterest, ShowcaseCase, ThemeTag

TAGS = (
    ("ペーパーレス", "Paperless"),
    ("電子申請・窓口", "Online services"),
    ("子育て・福祉", "Childcare and welfare"),
    ("財務・税務", "Finance and tax"),
    ("自動化", "Automation"),
)
#: Which tags a demo team gets, by a word of its theme.
TAG_WORDS = {
    "電子化": ("ペーパーレス",),
    "オンライン": ("電子申請・窓口",),
    "保育所": ("子育て・福祉", "自動化"),
    "福祉": ("子育て・福祉",),
    "決算": ("財務・税務",),
    "税": ("財務・税務",),
    "自動化": ("自動化",),
    "会議録": ("自動化",),
}
ADOPTION_THEME = "保育所入所選考の効率化"
ADOPTION_NOTE = "学童保育の入所選考でも同じ点数計算をしています。"


def _organiser() -> User | None:
    return (
        User.objects.filter(employee_number="10001").first()
        or User.objects.in_role(Role.ORGANISER.value).order_by("pk").first()
    )


def _tags_for(team: Team, tags: dict[str, ThemeTag]) -> list[ThemeTag]:
    names = {name for word, names in TAG_WORDS.items() if word in team.theme for name in names}
    return [tags[name] for name in sorted(names) if name in tags]


def seed() -> dict[str, int]:
    organiser = _organiser()
    if organiser is None:
        return {"published": 0, "interests": 0}
    for name, name_en in TAGS:
        if not ThemeTag.objects.filter(name=name).exists():
            services.theme_tag_add(name=name, name_en=name_en, by=organiser)
    tags = {tag.name: tag for tag in ThemeTag.objects.all()}
    teams = (
        Team.objects.filter(
            status=Team.Status.APPROVED,
            project__meetings__status=ReportMeeting.Status.CLOSED,
        )
        .exclude(showcase_case__isnull=False)
        .select_related("project")
        .distinct()
        .order_by("project__fiscal_year", "name", "pk")
    )
    published = 0
    for team in teams:
        services.case_publish(team=team, by=organiser, tags=_tags_for(team, tags))
        published += 1
    interests = _seed_adoption(organiser)
    return {"published": published, "interests": interests}


def _seed_adoption(organiser: User) -> int:
    case = (
        ShowcaseCase.objects.filter(team__theme=ADOPTION_THEME, status="published")
        .select_related("team")
        .first()
    )
    if case is None or AdoptionInterest.objects.filter(case=case).exists():
        return 0
    team_people = Membership.objects.filter(team=case.team).values("user")
    person = (
        User.objects.in_role(Role.STAFF.value)
        .filter(is_active=True, department__isnull=False, employee_number__startswith="200")
        .exclude(pk__in=team_people)
        .exclude(department_id=case.team.target_department_id)
        .exclude(employee_number__in=["20001", "20002"])  # the demo logins keep a free hand
        .order_by("-employee_number")
        .first()
    )
    if person is None:
        return 0
    interest = services.adoption_interest_register(case=case, by=person, note=ADOPTION_NOTE)
    services.adoption_status_set(
        interest=interest, status=AdoptionInterest.Status.CONSIDERING, by=organiser
    )
    return 1
