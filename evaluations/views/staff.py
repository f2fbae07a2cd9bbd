"""Staff pages: leadership evaluation and one's own team results."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import permissions as roles
from projects.models import Team

from .. import selectors, services
from ..exceptions import EvaluationError
from ..models import (
    LeadershipWindow,
    Perspective,
)
from ..permissions import can_view_team_results
from ..rubrics import PERSPECTIVE_HELP
from ._common import _criteria_rows, _posted_scores, _scores_from_post, role_required


@role_required(roles.is_city_staff)
def leadership_list(request):
    targets = selectors.leadership_targets(user=request.user)
    return render(request, "evaluations/leadership_list.html", {"targets": targets})


@role_required(roles.is_city_staff)
def leadership_evaluate(request, team_pk: int):
    target = selectors.leadership_target(user=request.user, team_id=team_pk)
    if target is None:
        raise Http404
    team = target.team
    posted = None
    if request.method == "POST":
        try:
            services.evaluation_submit(
                evaluator=request.user,
                perspective=Perspective.LEADERSHIP,
                team=team,
                scores=_scores_from_post(request.POST),
                comment=request.POST.get("comment", ""),
            )
        except EvaluationError as error:
            messages.error(request, str(error))
            posted = request.POST
        else:
            messages.success(request, _("リーダーシップ評価を保存しました。"))
            return redirect("evaluations:leadership_list")
    form = selectors.my_evaluation(
        user=request.user,
        perspective=Perspective.LEADERSHIP,
        fiscal_year=team.project.fiscal_year,
        team=team,
    )
    scores = _posted_scores(posted) if posted is not None else form.scores
    comment = (
        posted.get("comment", "")
        if posted is not None
        else (form.evaluation.comment if form.evaluation else "")
    )
    return render(
        request,
        "evaluations/leadership_evaluate.html",
        {
            "target": target,
            "team": team,
            "perspective": Perspective.LEADERSHIP,
            "perspective_label": Perspective.LEADERSHIP.label,
            "perspective_help": PERSPECTIVE_HELP[Perspective.LEADERSHIP],
            "form": form,
            "rows": _criteria_rows(form.criteria, scores),
            "comment": comment,
            "editable": target.window.status == LeadershipWindow.Status.OPEN,
            "conflict": False,
            "action": reverse("evaluations:leadership_evaluate", args=[team.pk]),
            "back_url": reverse("evaluations:leadership_list"),
        },
    )


@role_required(roles.is_city_staff)
def my_results(request):
    teams = selectors.my_teams_with_results(user=request.user)
    return render(request, "evaluations/result_list.html", {"teams": teams})


def _radar_data(result: selectors.TeamResult) -> dict:
    """Chart data: per-criterion means (1–5) of each shown perspective."""
    charts = []
    aggregates = list((result.report or {}).values())
    if result.leadership:
        aggregates.append(result.leadership)
    for agg in aggregates:
        if agg.count:
            charts.append(
                {
                    "id": f"radar-{agg.perspective}",
                    "title": str(agg.perspective_label),
                    "labels": [c.label for c in agg.criteria],
                    "values": [float(c.mean) if c.mean is not None else None for c in agg.criteria],
                }
            )
    return {"charts": charts, "datasetLabel": _("平均（1〜5点）")}


@role_required(roles.is_city_staff)
def team_results(request, team_pk: int):
    team = get_object_or_404(Team.objects.select_related("project"), pk=team_pk)
    if not can_view_team_results(request.user, team):
        raise Http404
    result = selectors.team_results(
        team=team, viewer=request.user, full_access=roles.is_programme_admin(request.user)
    )
    return render(
        request,
        "evaluations/team_results.html",
        {"result": result, "team": team, "radar": _radar_data(result)},
    )
