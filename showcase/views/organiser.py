"""The organiser's pages: publish teams' results, theme tags, track 横展開."""

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.audit import audit_record
from accounts.exports import csv_response
from accounts.fiscal import date_label, fiscal_year_label
from accounts.models import AuditAction
from accounts.view_helpers import paginate
from projects.models import Team

from .. import selectors, services
from ..forms import AdoptionFilterForm, AdoptionStatusForm, PublishForm, ThemeTagForm
from ..models import AdoptionInterest, ShowcaseCase, ThemeTag
from ._common import PAGE_SIZE, form_errors, organiser_required, run


@organiser_required
@require_GET
def organiser_showcase(request):
    """Every project's approved teams: publish (with tags), publish again, unpublish."""
    projects = selectors.organiser_projects()
    tags = list(ThemeTag.objects.all())
    for project in projects:
        for team in project.approved_teams:
            team.refusal = services.publish_refusal(
                team, has_closed_meeting=project.has_closed_meeting
            )
            chosen = {t.pk for t in team.case.tags.all()} if team.case else set()
            team.tag_choices = [(tag, tag.pk in chosen) for tag in tags]
    return render(
        request,
        "showcase/organiser_showcase.html",
        {
            "projects": projects,
            "tags": tags,
            "tag_form": ThemeTagForm(),
            "counts": selectors.adoption_counts(),
        },
    )


@organiser_required
@require_POST
def organiser_case_publish(request, team_pk: int):
    team = get_object_or_404(Team, pk=team_pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        run(
            request,
            lambda: services.case_publish(
                team=team, by=request.user, tags=form.cleaned_data["tags"], request=request
            ),
            _("「%(name)s」の成果を全職員に公開しました。") % {"name": team.name},
        )
    else:
        form_errors(request, form)
    return redirect("showcase:organiser_showcase")


@organiser_required
@require_POST
def organiser_case_unpublish(request, pk: int):
    case = get_object_or_404(ShowcaseCase, pk=pk)
    run(
        request,
        lambda: services.case_unpublish(case=case, by=request.user, request=request),
        _("「%(title)s」を非公開にしました。") % {"title": case.title},
    )
    return redirect("showcase:organiser_showcase")


@organiser_required
@require_POST
def organiser_tag_add(request):
    form = ThemeTagForm(request.POST)
    if form.is_valid():
        run(
            request,
            lambda: services.theme_tag_add(by=request.user, **form.cleaned_data),
            _("タグ「%(name)s」を追加しました。") % {"name": form.cleaned_data["name"]},
        )
    else:
        form_errors(request, form)
    return redirect("showcase:organiser_showcase")


@organiser_required
@require_GET
def organiser_adoption_list(request):
    """横展開の管理: who asked to adopt which case in which 課, and where it stands."""
    form = AdoptionFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    page, query = paginate(request, selectors.adoption_list(status=status), PAGE_SIZE)
    for interest in page:
        interest.choices = [
            (value, label)
            for value, label in AdoptionInterest.Status.choices
            if value == interest.status or value in services.ADOPTION_TRANSITIONS[interest.status]
        ]
    return render(
        request,
        "showcase/organiser_adoptions.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "counts": selectors.adoption_counts(),
            "adoption_effects": selectors.adoption_effects(),
        },
    )


@organiser_required
@require_POST
def organiser_adoption_status(request, pk: int):
    interest = selectors.adoption_for_organiser(pk)
    form = AdoptionStatusForm(request.POST)
    if form.is_valid():
        status = form.cleaned_data["status"]
        run(
            request,
            lambda: services.adoption_status_set(
                interest=interest, status=status, by=request.user, request=request
            ),
            _("「%(title)s」の導入状況を「%(status)s」にしました。")
            % {"title": interest.case.title, "status": AdoptionInterest.Status(status).label},
        )
    else:
        form_errors(request, form)
    return redirect("showcase:organiser_adoption_list")


@organiser_required
@require_GET
def organiser_adoption_export_csv(request):
    interests = selectors.adoption_list()
    rows = [
        [
            fiscal_year_label(i.case.fiscal_year),
            i.case.title,
            i.department.name,
            i.user.full_name,
            i.note,
            i.get_status_display(),
            date_label(timezone.localdate(i.created_at)),
            date_label(i.adopted_on) if i.adopted_on else "",
        ]
        for i in interests
    ]
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        request=request,
        detail={"what": "adoptions", "format": "csv", "rows": len(rows)},
    )
    return csv_response(
        header=[
            _("年度"),
            _("事例"),
            _("導入を検討する課"),
            _("登録者"),
            _("ひとこと"),
            _("状況"),
            _("登録日"),
            _("導入日"),
        ],
        rows=rows,
        filename="adoptions.csv",
    )
