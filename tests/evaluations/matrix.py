"""Permission-matrix rows for every URL of the evaluations app (see tests/matrix.py).

The shared world has an OPEN report meeting presenting the team and an OPEN leadership
window; `extend` adds the year's rubrics, a materials file, a colleague invitation and a
second team that could still present."""

from django.core.files.uploadedfile import SimpleUploadedFile

from evaluations import services
from evaluations.models import Perspective, Rubric
from tests import factories
from tests.matrix import VIEW, Row, expect


def extend(world):
    services.rubric_ensure_defaults(fiscal_year=world.project.fiscal_year)
    world.rubric = Rubric.objects.get(
        fiscal_year=world.project.fiscal_year, perspective=Perspective.POLICY
    )
    world.criterion = world.rubric.criteria.order_by("order").first()
    services.presentation_attach_materials(
        presentation=world.presentation,
        materials=SimpleUploadedFile("slides.pdf", b"%PDF-1.7\n%matrix\n"),
    )
    world.colleague = factories.UserFactory(department=world.leader.department)
    world.invitation = services.invitation_add(
        team=world.team, user=world.colleague, by=world.organiser
    )
    world.second_team = factories.team_with(project=world.project)


RATERS = expect(403, anonymous=302, executive=200, external_expert=200)
STAFF_PAGE = expect(200, anonymous=302, external_expert=403)
ORGANISER_PAGE = expect(403, anonymous=302, organiser=200)
ORGANISER_POST = expect(403, anonymous=302, organiser=302)
PROGRAMME_ADMIN_PAGE = expect(403, anonymous=302, organiser=200, hr_admin=200)
meeting = lambda w: {"pk": w.meeting.pk}  # noqa: E731
presentation = lambda w: {"pk": w.presentation.pk}  # noqa: E731

ADMIN_ONLY = dict.fromkeys(
    ("anonymous", "staff", "member", "leader", "executive", "external_expert"), 302
)

ROWS: list[Row] = [
    # HR's reasoned reopening (the form; the service refuses what is not closed)
    Row(
        "admin:evaluations_reportmeeting_reopen",
        expect(403, **ADMIN_ONLY, hr_admin=200),
        kwargs=meeting,
    ),
    Row(
        "admin:evaluations_leadershipwindow_reopen",
        expect(403, **ADMIN_ONLY, hr_admin=200),
        kwargs=lambda w: {"pk": w.window.pk},
    ),
    # Raters
    Row("evaluations:meeting_list", RATERS),
    Row("evaluations:meeting_detail", RATERS, kwargs=meeting),
    Row("evaluations:presentation_evaluate", RATERS, kwargs=presentation),
    Row(
        "evaluations:presentation_materials",
        expect(200, anonymous=302, staff=404),
        kwargs=presentation,
        note="raters, programme admins and the presenting team",
    ),
    # Staff
    Row("evaluations:leadership_list", STAFF_PAGE),
    Row(
        "evaluations:leadership_evaluate",
        expect(404, anonymous=302, member=200, external_expert=403),
        kwargs=lambda w: {"team_pk": w.team.pk},
        note="only members and invitees of the team; the leader never",
    ),
    Row("evaluations:my_results", STAFF_PAGE),
    Row(
        "evaluations:team_results",
        expect(
            404,
            anonymous=302,
            member=200,
            leader=200,
            organiser=200,
            hr_admin=200,
            external_expert=403,
        ),
        kwargs=lambda w: {"team_pk": w.team.pk},
    ),
    # Organiser
    Row("evaluations:organiser_meeting_list", ORGANISER_PAGE),
    Row("evaluations:organiser_meeting_create", ORGANISER_PAGE),
    Row("evaluations:organiser_meeting_detail", ORGANISER_PAGE, kwargs=meeting),
    Row(
        "evaluations:organiser_presentation_add",
        ORGANISER_POST,
        kwargs=meeting,
        method="post",
        data=lambda w: {"team": w.second_team.pk, "title": "追加の発表"},
    ),
    Row(
        "evaluations:organiser_presentation_materials",
        ORGANISER_POST,
        kwargs=presentation,
        method="post",
    ),
    Row(
        "evaluations:organiser_presentation_move",
        ORGANISER_POST,
        kwargs=presentation,
        method="post",
        data=lambda w: {"direction": "down"},
    ),
    Row("evaluations:organiser_meeting_open", ORGANISER_POST, kwargs=meeting, method="post"),
    Row("evaluations:organiser_meeting_close", ORGANISER_POST, kwargs=meeting, method="post"),
    Row("evaluations:organiser_meeting_board", ORGANISER_PAGE, kwargs=meeting),
    Row("evaluations:organiser_meeting_results", PROGRAMME_ADMIN_PAGE, kwargs=meeting),
    Row("evaluations:organiser_meeting_export_csv", PROGRAMME_ADMIN_PAGE, kwargs=meeting),
    Row("evaluations:organiser_meeting_export_xlsx", PROGRAMME_ADMIN_PAGE, kwargs=meeting),
    Row(
        "evaluations:organiser_window_detail",
        ORGANISER_PAGE,
        kwargs=lambda w: {"project_pk": w.project.pk},
    ),
    Row(
        "evaluations:organiser_window_open",
        ORGANISER_POST,
        kwargs=lambda w: {"project_pk": w.project.pk},
        method="post",
        data=lambda w: {"closes_on": "2099-03-31"},
    ),
    Row(
        "evaluations:organiser_window_close",
        ORGANISER_POST,
        kwargs=lambda w: {"project_pk": w.project.pk},
        method="post",
    ),
    Row(
        "evaluations:organiser_invitation_add",
        ORGANISER_POST,
        kwargs=lambda w: {"team_pk": w.team.pk},
        method="post",
        data=lambda w: {f"t{w.team.pk}-user": w.staff.pk},
    ),
    Row(
        "evaluations:organiser_invitation_remove",
        ORGANISER_POST,
        kwargs=lambda w: {"pk": w.invitation.pk},
        method="post",
    ),
    Row("evaluations:organiser_rubric_list", ORGANISER_PAGE),
    Row(
        "evaluations:organiser_rubric_defaults",
        ORGANISER_POST,
        method="post",
        data=lambda w: {"fiscal_year": 2031},
    ),
    Row(
        "evaluations:organiser_rubric_detail",
        ORGANISER_PAGE,
        kwargs=lambda w: {"pk": w.rubric.pk},
    ),
    Row(
        "evaluations:organiser_rubric_copy",
        ORGANISER_POST,
        kwargs=lambda w: {"pk": w.rubric.pk},
        method="post",
        data=lambda w: {"fiscal_year": 2031},
    ),
    Row(
        "evaluations:organiser_criterion_add",
        ORGANISER_POST,
        kwargs=lambda w: {"pk": w.rubric.pk},
        method="post",
    ),
    Row(
        "evaluations:organiser_criterion_edit",
        ORGANISER_PAGE,
        kwargs=lambda w: {"pk": w.criterion.pk},
    ),
]

ADMIN_MODELS = {
    f"evaluations.{model}": (VIEW, VIEW)
    for model in (
        "rubric",
        "reportmeeting",
        "leadershipwindow",
        "leadershipinvitation",
        "evaluation",
        "reminderlog",
    )
}
