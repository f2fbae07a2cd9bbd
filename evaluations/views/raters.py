"""Rater pages (executives, external experts): report meetings and scoring."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import permissions as roles
from accounts.exports import download_content_type

from .. import selectors, services
from ..exceptions import EvaluationError
from ..models import (
    Perspective,
    Presentation,
    ReportMeeting,
)
from ..permissions import can_download_materials
from ..rubrics import PERSPECTIVE_HELP
from ._common import _criteria_rows, _posted_scores, _scores_from_post, role_required


@role_required(roles.is_rater)
def meeting_list(request):
    meetings = selectors.meetings_for_rater(user=request.user)
    return render(request, "evaluations/meeting_list.html", {"meetings": meetings})


@role_required(roles.is_rater)
def meeting_detail(request, pk: int):
    found = selectors.meeting_for_rater(user=request.user, meeting_id=pk)
    if found is None:
        raise Http404
    meeting, rows = found
    return render(
        request,
        "evaluations/meeting_detail.html",
        {
            "meeting": meeting,
            "rows": rows,
            "perspectives": selectors.rater_perspectives(request.user),
        },
    )


@role_required(roles.is_rater)
def presentation_evaluate(request, pk: int):
    presentation = get_object_or_404(
        Presentation.objects.select_related("meeting__project", "team"), pk=pk
    )
    meeting = presentation.meeting
    mine = selectors.rater_perspectives(request.user)
    wanted = request.POST.get("perspective") or request.GET.get("perspective") or mine[0]
    if wanted not in mine:
        raise Http404
    perspective = wanted
    posted = None
    if request.method == "POST":
        try:
            services.evaluation_submit(
                evaluator=request.user,
                perspective=perspective,
                presentation=presentation,
                scores=_scores_from_post(request.POST),
                comment=request.POST.get("comment", ""),
            )
        except EvaluationError as error:
            messages.error(request, str(error))
            posted = request.POST
        else:
            messages.success(
                request,
                _("「%(title)s」の評価を保存しました。") % {"title": presentation.title},
            )
            return redirect("evaluations:meeting_detail", pk=meeting.pk)
    rows = selectors.presentation_rows_for(user=request.user, presentations=[presentation])
    conflict = rows[0].conflict
    form = selectors.my_evaluation(
        user=request.user,
        perspective=perspective,
        fiscal_year=meeting.project.fiscal_year,
        presentation=presentation,
    )
    scores = _posted_scores(posted) if posted is not None else form.scores
    comment = (
        posted.get("comment", "")
        if posted is not None
        else (form.evaluation.comment if form.evaluation else "")
    )
    editable = meeting.status == ReportMeeting.Status.OPEN and not conflict
    return render(
        request,
        "evaluations/presentation_evaluate.html",
        {
            "presentation": presentation,
            "meeting": meeting,
            "perspective": perspective,
            "perspective_label": Perspective(perspective).label,
            "perspective_help": PERSPECTIVE_HELP[perspective],
            "form": form,
            "rows": _criteria_rows(form.criteria, scores),
            "comment": comment,
            "editable": editable,
            "conflict": conflict,
            "action": reverse("evaluations:presentation_evaluate", args=[presentation.pk]),
            "back_url": reverse("evaluations:meeting_detail", args=[meeting.pk]),
        },
        status=200,
    )


@login_required
def presentation_materials(request, pk: int):
    presentation = get_object_or_404(Presentation, pk=pk)
    if not can_download_materials(request.user, presentation) or not presentation.materials:
        raise Http404
    filename = presentation.materials.name.rsplit("/", 1)[-1]
    response = FileResponse(
        presentation.materials.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=download_content_type(filename),
    )
    # Never rendered by the browser: an uploaded .html or .svg must not run on our origin.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
