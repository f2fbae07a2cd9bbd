"""The DX journey of one person and HR's 人材台帳 (page, CSV with BOM, XLSX)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.audit import audit_record
from accounts.exports import csv_response, xlsx_response
from accounts.models import AuditAction
from accounts.view_helpers import paginate
from training import permissions as training_permissions

from ..models import Certification, Level
from . import selectors


@login_required
@require_GET
def journey(request, pk: int):
    """One person's DX journey in one screen: projects and roles, certifications,
    courses and qualifications. The person, HR, the organiser and their 所属長; anyone
    else gets 404 (the person is outside their scope)."""
    person = selectors.person_by_pk(pk)
    if not training_permissions.can_view_journey(request.user, person):
        raise Http404
    data = selectors.journey_of(person)
    can_files = training_permissions.can_see_certificates_of(request.user, person.pk)
    return render(
        request,
        "certification/journey.html",
        {
            "journey": data,
            "held": [c for c in data.certifications if c.status in Certification.HELD],
            "can_files": can_files,
            "own": person.pk == request.user.pk,
        },
    )


class LedgerFilter(forms.Form):
    department = forms.TypedChoiceField(
        label=gettext_lazy("所属"), required=False, coerce=int, empty_value=None
    )
    level = forms.TypedChoiceField(
        label=gettext_lazy("認定レベル（以上）"), required=False, coerce=int, empty_value=None
    )
    qualification = forms.TypedChoiceField(
        label=gettext_lazy("資格（確認済み）"), required=False, coerce=int, empty_value=None
    )
    format = forms.ChoiceField(
        label=gettext_lazy("出力"),
        required=False,
        choices=(("", gettext_lazy("画面に表示")), ("csv", "CSV"), ("xlsx", "XLSX")),
    )

    def __init__(self, *args, departments=(), qualifications=(), **kwargs):
        super().__init__(*args, **kwargs)
        everyone = ("", _("すべて"))
        self.fields["department"].choices = [everyone, *departments]
        self.fields["level"].choices = [everyone, *[(int(lv), lv.label) for lv in Level]]
        self.fields["qualification"].choices = [everyone, *qualifications]


#: People per page of the ledger (the downloads have everyone).
LEDGER_PAGE_SIZE = 100

LEDGER_HEADER = (
    gettext_lazy("職員番号"),
    gettext_lazy("氏名"),
    gettext_lazy("ふりがな"),
    gettext_lazy("所属"),
    gettext_lazy("職位"),
    gettext_lazy("認定レベル"),
    gettext_lazy("資格（確認済み）"),
    gettext_lazy("研修受講数"),
    gettext_lazy("研修時間"),
    gettext_lazy("プロジェクト参加数"),
    gettext_lazy("プロジェクト参加時の所属"),
)


def _ledger_rows(people):
    for p in people:
        yield [
            p.employee_number,
            p.full_name,
            p.full_name_kana,
            p.department.name if p.department else "",
            p.get_grade_display() if p.grade else "",
            selectors.level_label(p.top_level),
            "、".join(r.qualification.name for r in p.verified_qualifications),
            p.course_count,
            float(p.course_hours),
            p.project_count,
            "、".join(p.departments_then),
        ]


@login_required
@require_GET
def talent_ledger(request):
    """HR's 人材台帳: everyone of the city's staff with level, qualifications, courses and
    projects, filtered per department, level and qualification; as a page or a download
    (CSV with BOM / XLSX, formula-injection safe, in the 操作ログ)."""
    if not training_permissions.can_export_ledger(request.user):
        raise PermissionDenied
    departments, qualifications = selectors.ledger_filter_choices()
    form = LedgerFilter(request.GET or None, departments=departments, qualifications=qualifications)
    filters = {"department_id": None, "level": None, "qualification_id": None}
    fmt = ""
    if form.is_bound and form.is_valid():
        filters = {
            "department_id": form.cleaned_data["department"],
            "level": form.cleaned_data["level"],
            "qualification_id": form.cleaned_data["qualification"],
        }
        fmt = form.cleaned_data["format"]
    if fmt in ("csv", "xlsx"):
        people = selectors.ledger(**filters)
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            request=request,
            detail={"what": "talent_ledger", "format": fmt, "rows": len(people)}
            | {k: v for k, v in filters.items() if v},
        )
        header = [str(h) for h in LEDGER_HEADER]
        stamp = timezone.localdate().strftime("%Y%m%d")
        filename = f"talent-ledger-{stamp}.{fmt}"
        if fmt == "csv":
            return csv_response(header=header, rows=_ledger_rows(people), filename=filename)
        return xlsx_response(
            sheets=[(_("人材台帳"), header, list(_ledger_rows(people)))], filename=filename
        )
    # On the page, LEDGER_PAGE_SIZE people at a time (a prefecture's service has
    # hundreds of thousands); the downloads above hold everyone the filters keep.
    page, query = paginate(request, selectors.ledger_people(**filters), LEDGER_PAGE_SIZE)
    return render(
        request,
        "certification/talent_ledger.html",
        {
            "form": form,
            "page": page,
            "people": selectors.with_departments_then(page.object_list),
            "query": query,
        },
    )
