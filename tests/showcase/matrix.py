"""Permission matrix rows for every URL of the showcase app (see tests/matrix.py).

The shared world's project is in progress with an open meeting (nothing publishable).
`extend` adds a FY2023 project whose report meeting has closed, with a published case of
its team (worksheet, an effect, slides), a second team of it not yet published, an
unpublished case, theme tags, and the staff member's interest in the published case.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from evaluations.models import ReportMeeting
from projects.models import Project
from showcase import services
from tests import factories
from tests.matrix import VIEW, Row, expect

STAFF_PAGE = expect(200, anonymous=302, external_expert=403)
STAFF_POST = expect(302, anonymous=302, external_expert=403)
ORGANISER_PAGE = expect(403, anonymous=302, organiser=200)
ORGANISER_POST = expect(403, anonymous=302, organiser=302)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def closed_project_with_teams(*, fiscal_year=2023, themes=("保育所入所選考の効率化",), slides=True):
    """A project in 報告会 whose report meeting has closed, with one approved team per
    theme (leader + 2 members, worksheet, one measured effect, a presentation)."""
    project = factories.ProjectFactory(
        fiscal_year=fiscal_year,
        status=Project.Status.REPORTING,
        recruitment_starts_on=datetime.date(fiscal_year, 4, 1),
        recruitment_ends_on=datetime.date(fiscal_year, 5, 31),
    )
    meeting = factories.ReportMeetingFactory(project=project, status=ReportMeeting.Status.OPEN)
    teams = []
    for order, theme in enumerate(themes, start=1):
        team = factories.team_with(
            project=project,
            members=2,
            theme=theme,
            target_department=factories.DepartmentFactory(),
        )
        worksheet = factories.WorksheetFactory(
            team=team, problem=f"{theme}に時間がかかる", solution="表計算で自動化する"
        )
        factories.MeasuredEffectFactory(worksheet=worksheet)
        presentation = factories.PresentationFactory(
            meeting=meeting, team=team, order=order, title=theme
        )
        if slides:
            presentation.materials.save("slides.pdf", ContentFile(PDF), save=True)
        teams.append(team)
    ReportMeeting.objects.filter(pk=meeting.pk).update(
        status=ReportMeeting.Status.CLOSED, closed_at=timezone.now()
    )
    return project, teams


def extend(world):
    organiser = world.organiser
    world.tag = services.theme_tag_add(name="子育て・福祉", name_en="Childcare", by=organiser)
    world.closed_project, (world.case_team, world.ready_team, world.hidden_team) = (
        closed_project_with_teams(
            themes=("保育所入所選考の効率化", "窓口申請のオンライン化", "会議録作成の自動化")
        )
    )
    world.case = services.case_publish(team=world.case_team, by=organiser, tags=[world.tag])
    world.hidden_case = services.case_publish(team=world.hidden_team, by=organiser)
    services.case_unpublish(case=world.hidden_case, by=organiser)
    world.interest = services.adoption_interest_register(
        case=world.case, by=world.staff, note="学童保育でも使いたい"
    )
    # A second organiser-free object for the admin matrix.
    services.name_consent_set(team=world.team, user=world.member, show_name=False)


def pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


ROWS: list[Row] = [
    # --- staff pages ---
    Row(
        "showcase:library",
        STAFF_PAGE,
        query="?q=保育所&fiscal_year=2023",
        note="every member of city staff; external experts are not",
    ),
    Row("showcase:my_showcase", STAFF_PAGE),
    Row(
        "showcase:year_showcase",
        STAFF_PAGE,
        kwargs=lambda w: {"fiscal_year": 2023},
        note="a year with a published case; a year without one is 404",
    ),
    Row("showcase:case_detail", STAFF_PAGE, kwargs=pk("case")),
    Row(
        "showcase:case_slides",
        STAFF_PAGE,
        kwargs=pk("case"),
        note="the published case's slides, to all staff, as an attachment",
    ),
    Row(
        "showcase:case_interest",
        STAFF_POST,
        kwargs=pk("case"),
        method="post",
        data=lambda w: {"note": "うちの課でも"},
        note="refusals (already registered) come back as a message",
    ),
    Row(
        "showcase:name_consent",
        expect(404, anonymous=302, external_expert=403, member=302, leader=302),
        kwargs=lambda w: {"team_pk": w.team.pk},
        method="post",
        data=lambda w: {"show_name": "on"},
        note="only the team's own members set their own name",
    ),
    # --- organiser pages ---
    Row("showcase:organiser_showcase", ORGANISER_PAGE),
    Row(
        "showcase:organiser_case_publish",
        ORGANISER_POST,
        kwargs=lambda w: {"team_pk": w.ready_team.pk},
        method="post",
        data=lambda w: {"tags": [w.tag.pk]},
    ),
    Row("showcase:organiser_case_unpublish", ORGANISER_POST, kwargs=pk("case"), method="post"),
    Row(
        "showcase:organiser_tag_add",
        ORGANISER_POST,
        method="post",
        data=lambda w: {"name": "ペーパーレス", "name_en": "Paperless"},
    ),
    Row("showcase:organiser_adoption_list", ORGANISER_PAGE, query="?status=interested"),
    Row(
        "showcase:organiser_adoption_status",
        ORGANISER_POST,
        kwargs=pk("interest"),
        method="post",
        data=lambda w: {"status": "considering"},
    ),
    Row("showcase:organiser_adoption_export_csv", ORGANISER_PAGE),
    # --- the admin (read-only) ---
]

ADMIN_MODELS = {
    f"showcase.{model}": (VIEW, VIEW)
    for model in ("showcasecase", "themetag", "nameconsent", "adoptioninterest")
}
