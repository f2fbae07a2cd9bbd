from collections import defaultdict

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.audit import audit_record
from accounts.exports import private_no_store
from accounts.fiscal import fiscal_year_label
from accounts.models import AuditAction

from . import evidence, permissions, rules, selectors
from .models import Certification, Level
from .pdf import certificate_number, render_certificate

STATE_LABELS = {
    rules.MET: (gettext_lazy("達成"), "success"),
    rules.UNMET: (gettext_lazy("未達"), "secondary"),
    rules.PENDING: (gettext_lazy("評価待ち"), "warning"),
}

# The rules are pure Python and word their conditions in Japanese; the page words them
# through gettext from each condition's code and numbers, so English readers get English.
CONDITION_LABELS = {
    "holds_advisor": gettext_lazy("DXアドバイザーに認定されている"),
    "holds_expert": gettext_lazy("DXエキスパートに認定されている"),
    "qualifying_participation": gettext_lazy(
        "チームのメンバーまたはリーダーとしてプロジェクトに参加し、"
        "報告会で%(report_threshold)s点以上の評価を得る"
    ),
    "leadership_after_advisor": gettext_lazy(
        "DXアドバイザーに認定された翌年度以降に、リーダーとして報告会で"
        "%(report_threshold)s点以上、リーダーシップ評価で%(leadership_threshold)s点以上を得る"
    ),
    "consecutive_leadership": gettext_lazy(
        "2年度連続でリーダーとして報告会%(report_threshold)s点以上・"
        "リーダーシップ評価%(leadership_threshold)s点以上を得る"
    ),
}


def _state(state: str) -> dict:
    label, colour = STATE_LABELS[state]
    return {"code": state, "label": str(label), "colour": colour}


def _condition_label(condition) -> str:
    template = CONDITION_LABELS.get(condition.code)
    if template is None:
        return condition.label
    try:
        return str(template) % condition.params
    except (KeyError, TypeError, ValueError):
        return condition.label


@login_required
@require_GET
def my_certification(request):
    """The person's certifications, their evidence, and the checklist to the next level,
    computed live with the same gather + decide as the recompute (constant queries)."""
    if not permissions.can_view_own_certification(request.user):
        raise PermissionDenied
    user = request.user
    certs = list(selectors.certifications_of(user=user))
    outcome, data = selectors.decide_for(user=user, certifications=certs)
    threshold = settings.LEADERSHIP_ANONYMITY_THRESHOLD
    held = [c for c in certs if c.status in Certification.HELD]
    current = max(held, key=lambda c: c.level, default=None)
    # A level HR revoked (and everything above it) is never awarded by the machine again.
    floor = selectors.revocation_floor((c.level, c.status) for c in certs)
    upcoming = [a for a in outcome.awards if floor is None or int(a.level) < floor]
    # The checklist is for the level above everything held AND about to be recorded
    # (`outcome.awards`), so the heading names that same level.
    top = max([c.level for c in held] + [int(a.level) for a in outcome.awards], default=None)
    if top is None:
        next_level = Level.ADVISOR
    elif top < Level.SPECIALIST:
        next_level = Level(top + 1)
    else:
        next_level = None
    rows = []
    for cert in certs:
        rows.append(
            {
                "cert": cert,
                "summary": evidence.summary(cert.evidence, leadership_min_raters=threshold),
                "downloadable": permissions.can_download_certificate(user, cert),
                "number": certificate_number(cert),
            }
        )
    participations = []
    for p in sorted(
        data.participations.get(user.pk, []), key=lambda p: (p.fiscal_year, str(p.team))
    ):
        rule_set = data.rule_sets.get(p.fiscal_year) or rules.RuleSet(fiscal_year=p.fiscal_year)
        report = rules.report_score(p, rule_set)
        lead = rules.leadership_score(p, rule_set)
        team = data.teams.get(p.team)
        participations.append(
            {
                "fiscal_year": p.fiscal_year,
                "team": team.name if team else p.team,
                "project": team.project_title if team else "",
                "role": evidence.role_label(p.role),
                "is_leader": p.is_leader,
                "report": None if report is None else evidence.number(report),
                "policy_raters": len(p.policy_scores),
                "technical_raters": len(p.technical_scores),
                "leadership_raters": len(p.leadership_scores),
                # The leader sees the aggregate only once enough colleagues answered.
                "leadership": evidence.number(lead)
                if lead is not None and len(p.leadership_scores) >= threshold
                else None,
                "rules": rule_set,
            }
        )
    return render(
        request,
        "certification/certification_mine.html",
        {
            "current": current,
            "rows": rows,
            "next_level": next_level,
            # Past a revoked level only HR can grant: no checklist would mean anything.
            "checklist": []
            if floor is not None and (next_level is None or next_level >= floor)
            else [
                {"label": _condition_label(c), "state": _state(c.state)} for c in outcome.progress
            ],
            "revoked_floor": Level(floor) if floor is not None else None,
            "upcoming": upcoming,
            "participations": participations,
            "anonymity_threshold": threshold,
        },
    )


@login_required
@require_GET
def certificate_pdf(request, public_id):
    """The 認定証 PDF: the holder (unless revoked), HR and organisers; else 404."""
    cert = get_object_or_404(Certification.objects.select_related("user"), public_id=public_id)
    if not permissions.can_download_certificate(request.user, cert):
        raise Http404
    response = HttpResponse(render_certificate(cert), content_type="application/pdf")
    filename = f"certificate-{certificate_number(cert)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if request.user.pk != cert.user_id:
        audit_record(
            actor=request.user,
            action=AuditAction.CERTIFICATE_PDF,
            target=cert,
            request=request,
            detail={"holder": cert.user.employee_number or cert.user.email},
        )
    return private_no_store(response)


@require_GET
def verify(request, public_id):
    """Public check of a certificate: name, level, date and status. Nothing else."""
    cert = get_object_or_404(
        Certification.objects.select_related("user").only(
            "public_id", "level", "status", "created_at", "user__last_name", "user__first_name"
        ),
        public_id=public_id,
    )
    return render(
        request,
        "certification/certification_verify.html",
        {
            "name": cert.user.full_name,
            "level": cert.get_level_display(),
            "awarded_on": timezone.localtime(cert.created_at).date(),
            # 要確認 is HR's internal review state: until HR decides, the certificate holds.
            "status": Certification.Status.REVOKED.label
            if cert.status == Certification.Status.REVOKED
            else Certification.Status.ACTIVE.label,
            "revoked": cert.status == Certification.Status.REVOKED,
        },
    )


@login_required
@require_GET
def dashboard(request):
    """Certified people per level × 年度 × department, and measured BPR effects per 年度
    (two aggregate queries)."""
    if not permissions.can_view_dashboard(request.user):
        raise PermissionDenied
    counts = selectors.certified_counts()
    levels = list(Level)
    no_department = _("（所属なし）")
    table: dict[tuple[int, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    per_year: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in counts:
        department = row["department"] or no_department
        table[(row["fiscal_year"], department)][row["level"]] += row["count"]
        per_year[row["fiscal_year"]][row["level"]] += row["count"]
    years = sorted(per_year)
    table_rows = [
        {
            "fiscal_year": year,
            "department": department,
            "counts": [cells.get(level, 0) for level in levels],
            "total": sum(cells.values()),
        }
        for (year, department), cells in sorted(table.items())
    ]
    totals = [sum(per_year[y].get(level, 0) for y in years) for level in levels]
    chart = {
        "labels": [fiscal_year_label(y) for y in years],
        "datasets": [
            {"label": str(level.label), "data": [per_year[y].get(level, 0) for y in years]}
            for level in levels
        ],
        "y_label": _("認定者数（人）"),
    }
    effects = selectors.measured_effects_by_year()
    return render(
        request,
        "certification/certification_dashboard.html",
        {
            "levels": levels,
            "table_rows": table_rows,
            "totals": totals,
            "grand_total": sum(totals),
            "chart": chart,
            "effects": effects,
        },
    )
