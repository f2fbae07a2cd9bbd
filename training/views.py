"""The training pages: staff register, HR reviews, the organiser records attendance."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.view_helpers import requires, run_service

from . import permissions, selectors, services
from .forms import (
    AttendanceForm,
    CourseForm,
    CourseRegisterForm,
    QualificationRegisterForm,
    ReturnForm,
)

RECORD_KINDS = ("course", "qualification")


staff_required = requires(permissions.can_register_own)
organiser_required = requires(permissions.can_record_attendance)
hr_required = requires(permissions.can_review)


_run = run_service


def _record(kind: str, pk: int):
    if kind not in RECORD_KINDS:
        raise Http404
    return selectors.record_by_kind(kind, pk)


# --- staff ---------------------------------------------------------------------------------


def _my_page(request, *, qualification_form=None, course_form=None, status=200):
    person = request.user
    return render(
        request,
        "training/my_training.html",
        {
            "qualification_form": qualification_form or QualificationRegisterForm(),
            "course_form": course_form or CourseRegisterForm(),
            "qualification_records": list(selectors.qualification_records_of(person)),
            "course_records": list(selectors.course_records_of(person)),
        },
        status=status,
    )


@staff_required
@require_GET
def my_training(request):
    """わたしの研修・資格: what the person registered or attended, and the two forms."""
    return _my_page(request)


@staff_required
@require_POST
def qualification_register(request):
    form = QualificationRegisterForm(request.POST, request.FILES)
    if form.is_valid() and _run(
        request,
        lambda: services.qualification_register(
            person=request.user,
            qualification=form.cleaned_data["qualification"],
            obtained_on=form.cleaned_data["obtained_on"],
            certificate=form.cleaned_data["certificate"] or None,
        ),
        _("資格を登録しました。人事担当の確認をお待ちください。"),
    ):
        return redirect("training:my_training")
    return _my_page(request, qualification_form=form)


@staff_required
@require_POST
def course_register(request):
    form = CourseRegisterForm(request.POST, request.FILES)
    if form.is_valid() and _run(
        request,
        lambda: services.external_course_register(
            person=request.user,
            course=form.cleaned_data["course"],
            completed_on=form.cleaned_data["completed_on"],
            certificate=form.cleaned_data["certificate"] or None,
        ),
        _("受講を登録しました。人事担当の確認をお待ちください。"),
    ):
        return redirect("training:my_training")
    return _my_page(request, course_form=form)


@login_required
@require_GET
def certificate_download(request, kind: str, pk: int):
    """The certificate file, to its owner and HR only, as an attachment that the browser
    never renders (`nosniff`, a sandboxing CSP)."""
    record = _record(kind, pk)
    if not permissions.can_download_certificate(request.user, record) or not record.certificate:
        raise Http404
    suffix = PurePosixPath(record.certificate.name).suffix  # stored as .pdf/.png/.jpg/.jpeg
    filename = f"certificate-{kind}-{record.pk}{suffix}"
    response = FileResponse(
        record.certificate.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


# --- HR --------------------------------------------------------------------------------------


@hr_required
@require_GET
def review_list(request):
    """What staff registered and HR has not checked yet."""
    courses, qualifications = selectors.pending_reviews()
    return render(
        request,
        "training/review_list.html",
        {
            "course_records": courses,
            "qualification_records": qualifications,
            "return_form": ReturnForm(),
        },
    )


@hr_required
@require_POST
def record_verify(request, kind: str, pk: int):
    record = _record(kind, pk)
    _run(
        request,
        lambda: services.record_verify(record=record, by=request.user, request=request),
        _("%(name)s さんの登録を確認済みにしました。") % {"name": record.person.full_name},
    )
    return redirect("training:review_list")


@hr_required
@require_POST
def record_return(request, kind: str, pk: int):
    record = _record(kind, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("差戻しの理由を500文字以内で入力してください。"))
        return redirect("training:review_list")
    _run(
        request,
        lambda: services.record_return(
            record=record, by=request.user, reason=form.cleaned_data["reason"], request=request
        ),
        _("%(name)s さんの登録を差し戻しました。") % {"name": record.person.full_name},
    )
    return redirect("training:review_list")


# --- organiser -------------------------------------------------------------------------------


@organiser_required
def organiser_courses(request):
    """The courses of every 年度, and a form to add one."""
    form = CourseForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            lambda: services.course_create(by=request.user, **form.cleaned_data),
            _("研修コースを登録しました。"),
        )
    ):
        return redirect("training:organiser_courses")
    return render(
        request,
        "training/organiser_courses.html",
        {"form": form, "courses": list(selectors.courses_for_organiser())},
    )


@organiser_required
def organiser_attendance(request, pk: int):
    """Record who attended one of the city's own courses, in one form."""
    course = selectors.course_by_pk(pk)
    if not course.organiser_records:
        raise Http404
    people = list(selectors.attendance_candidates(course))
    present = selectors.attendance_of(course)
    form = AttendanceForm(
        request.POST or None, people=people, initial={"attended": sorted(present)}
    )
    if request.method == "POST":
        if form.is_valid():
            if _run(
                request,
                lambda: services.attendance_record(
                    course=course, by=request.user, attended_ids=form.cleaned_data["attended"]
                ),
                _("出欠を保存しました。"),
            ):
                return redirect("training:organiser_courses")
        else:
            messages.error(request, _("出欠の入力に誤りがあります。"))
    return render(
        request,
        "training/organiser_attendance.html",
        {"course": course, "form": form, "people": people},
    )
