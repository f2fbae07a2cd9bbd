"""factory_boy factories for every model. Each app's section is kept together."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.db.models import F
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Department, Grade, User
from accounts.roles import Role

# --- accounts ---------------------------------------------------------------------------


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:04d}")
    name = factory.Sequence(lambda n: f"テスト課{n}")


def _roles(default):
    """Post-generation: save the user (after set_password) and put them in role groups."""

    def setter(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            names = [Role(r).value for r in (extracted if extracted is not None else default)]
            obj.groups.set(Group.objects.filter(name__in=names))

    return factory.PostGeneration(setter)


class UserFactory(DjangoModelFactory):
    """A city staff member. Pass `roles=[Role.EXECUTIVE, ...]` for more roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    employee_number = factory.Sequence(lambda n: f"{30000 + n}")
    email = factory.LazyAttribute(lambda u: f"{u.employee_number}@city.test")
    last_name = "真岡"
    first_name = factory.Sequence(lambda n: f"太郎{n}")
    last_name_kana = "モオカ"
    first_name_kana = factory.Sequence(lambda n: "タロウ" + "ア" * (n % 5))
    department = factory.SubFactory(DepartmentFactory)
    grade = Grade.SHUJI
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    roles = _roles([Role.STAFF])


class ExecutiveFactory(UserFactory):
    grade = Grade.BUCHO
    roles = _roles([Role.STAFF, Role.EXECUTIVE])


class ExpertFactory(UserFactory):
    employee_number = None
    email = factory.Sequence(lambda n: f"expert{n}@vendor.test")
    department = None
    grade = None
    affiliation = "株式会社テスト"
    roles = _roles([Role.EXTERNAL_EXPERT])


def user_with_roles(*roles: Role, **kwargs) -> User:
    return UserFactory(roles=list(roles), **kwargs)


# --- projects ---------------------------------------------------------------------------
from projects.models import (  # noqa: E402
    Attendance,
    MeasuredEffect,
    Membership,
    Project,
    Team,
    Worksheet,
    Workshop,
)


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    fiscal_year = 2024
    title = factory.LazyAttribute(lambda p: f"{p.fiscal_year}年度 BPRプロジェクト")
    status = Project.Status.RECRUITING
    recruitment_starts_on = factory.LazyAttribute(lambda p: datetime.date(p.fiscal_year, 4, 1))
    recruitment_ends_on = factory.LazyAttribute(lambda p: datetime.date(p.fiscal_year + 1, 3, 31))
    coaching_vendor = "株式会社とちぎデジタル"


class TeamFactory(DjangoModelFactory):
    """An approved team with no members; use `MembershipFactory` (or `team_with`) to fill it."""

    class Meta:
        model = Team

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"チーム{n}")
    theme = factory.Sequence(lambda n: f"業務改善テーマ{n}")
    status = Team.Status.APPROVED
    max_size = factory.LazyAttribute(lambda t: t.project.team_size_max)


class MembershipFactory(DjangoModelFactory):
    """A live membership; keeps `team.member_count` right as the services do."""

    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    project = factory.LazyAttribute(lambda m: m.team.project)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER
    status = Membership.Status.APPROVED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        if obj.status in Membership.LIVE:
            Team.objects.filter(pk=obj.team_id).update(member_count=F("member_count") + 1)
            obj.team.refresh_from_db(fields=["member_count"])
        return obj


def team_with(*, leader=None, members=0, **team_kwargs) -> Team:
    """An approved team with an approved leader and `members` approved members."""
    team = TeamFactory(**team_kwargs)
    MembershipFactory(team=team, user=leader or UserFactory(), role=Membership.Role.LEADER)
    for _ in range(members):
        MembershipFactory(team=team)
    team.refresh_from_db()
    return team


class WorksheetFactory(DjangoModelFactory):
    class Meta:
        model = Worksheet

    team = factory.SubFactory(TeamFactory)
    problem = "紙の書類の回覧に時間がかかる"


class MeasuredEffectFactory(DjangoModelFactory):
    class Meta:
        model = MeasuredEffect

    worksheet = factory.SubFactory(WorksheetFactory)
    label = "年間作業時間"
    unit = "時間"
    before = Decimal("1200")
    after = Decimal("300")


class WorkshopFactory(DjangoModelFactory):
    class Meta:
        model = Workshop

    project = factory.SubFactory(ProjectFactory)
    held_on = factory.LazyAttribute(lambda w: datetime.date(w.project.fiscal_year, 6, 1))
    topic = "BPRの進め方"


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    workshop = factory.SubFactory(WorkshopFactory)
    user = factory.SubFactory(UserFactory)
    attended = True


# --- evaluations ------------------------------------------------------------------------
from evaluations.models import (  # noqa: E402
    Criterion,
    CriterionScore,
    Evaluation,
    LeadershipInvitation,
    LeadershipWindow,
    Perspective,
    Presentation,
    ReportMeeting,
    Rubric,
)


class RubricFactory(DjangoModelFactory):
    """A rubric with three equally weighted criteria (pass `criteria=0` for none)."""

    class Meta:
        model = Rubric
        django_get_or_create = ("fiscal_year", "perspective")
        skip_postgeneration_save = True

    fiscal_year = 2024
    perspective = Perspective.POLICY

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        count = 3 if extracted is None else extracted
        if create and not self.criteria.exists():
            for order in range(1, count + 1):
                CriterionFactory(rubric=self, order=order)


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = Criterion

    rubric = factory.SubFactory(RubricFactory, criteria=0)
    order = factory.Sequence(lambda n: n + 1)
    label_ja = factory.Sequence(lambda n: f"評価項目{n}")
    label_en = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("1")
    point_labels = ["不十分", "やや不十分", "標準", "良い", "非常に良い"]


class ReportMeetingFactory(DjangoModelFactory):
    class Meta:
        model = ReportMeeting

    project = factory.SubFactory(ProjectFactory, status=Project.Status.REPORTING)
    title = factory.LazyAttribute(lambda m: f"{m.project.fiscal_year}年度 報告会")
    held_on = factory.LazyAttribute(lambda m: datetime.date(m.project.fiscal_year + 1, 2, 10))
    place = "真岡市役所 大会議室"
    status = ReportMeeting.Status.OPEN


class PresentationFactory(DjangoModelFactory):
    class Meta:
        model = Presentation

    meeting = factory.SubFactory(ReportMeetingFactory)
    team = factory.LazyAttribute(lambda p: team_with(project=p.meeting.project, members=2))
    order = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda p: p.team.theme)


class LeadershipWindowFactory(DjangoModelFactory):
    class Meta:
        model = LeadershipWindow

    project = factory.SubFactory(ProjectFactory, status=Project.Status.REPORTING)
    closes_on = factory.LazyAttribute(lambda w: datetime.date(w.project.fiscal_year + 1, 3, 20))
    status = LeadershipWindow.Status.OPEN


class LeadershipInvitationFactory(DjangoModelFactory):
    class Meta:
        model = LeadershipInvitation

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)


class EvaluationFactory(DjangoModelFactory):
    """A policy evaluation of a presentation; set perspective/team for leadership."""

    class Meta:
        model = Evaluation

    evaluator = factory.SubFactory(ExecutiveFactory)
    perspective = Perspective.POLICY
    presentation = factory.SubFactory(PresentationFactory)
    team = None
    rubric = factory.LazyAttribute(
        lambda e: RubricFactory(
            fiscal_year=(
                e.presentation.meeting.project if e.presentation else e.team.project
            ).fiscal_year,
            perspective=e.perspective,
        )
    )
    score = Decimal("75")


class CriterionScoreFactory(DjangoModelFactory):
    class Meta:
        model = CriterionScore

    evaluation = factory.SubFactory(EvaluationFactory)
    criterion = factory.SubFactory(CriterionFactory)
    score = 4


# --- certification ----------------------------------------------------------------------
from certification.models import Certification, RuleSet  # noqa: E402


class RuleSetFactory(DjangoModelFactory):
    class Meta:
        model = RuleSet
        django_get_or_create = ("fiscal_year",)

    fiscal_year = 2024


class CertificationFactory(DjangoModelFactory):
    class Meta:
        model = Certification

    user = factory.SubFactory(UserFactory)
    level = 1
    fiscal_year = 2024
    status = Certification.Status.ACTIVE
    source = Certification.Source.AUTOMATIC
    evidence = factory.LazyFunction(dict)
    announced_at = factory.LazyFunction(timezone.now)


# --- training ---------------------------------------------------------------------------
from training.models import (  # noqa: E402
    Course,
    CourseRecord,
    Qualification,
    QualificationRecord,
    Review,
)


class QualificationFactory(DjangoModelFactory):
    class Meta:
        model = Qualification
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"qual_{n}")
    name = factory.Sequence(lambda n: f"テスト資格{n}")


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course

    fiscal_year = 2024
    kind = Course.Kind.INTERNAL
    title = factory.Sequence(lambda n: f"情報リテラシー研修{n}")
    provider = "真岡市"
    hours = Decimal("3.0")
    held_on = factory.LazyAttribute(lambda c: datetime.date(c.fiscal_year, 7, 1))


class CourseRecordFactory(DjangoModelFactory):
    class Meta:
        model = CourseRecord

    person = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)
    completed_on = factory.LazyAttribute(lambda r: datetime.date(r.course.fiscal_year, 7, 1))
    status = Review.PENDING


class QualificationRecordFactory(DjangoModelFactory):
    class Meta:
        model = QualificationRecord

    person = factory.SubFactory(UserFactory)
    qualification = factory.SubFactory(QualificationFactory)
    obtained_on = datetime.date(2024, 10, 1)
    status = Review.PENDING
