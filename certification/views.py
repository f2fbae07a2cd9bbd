from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.audit import audit_record
from accounts.exports import private_no_store
from accounts.fiscal import fiscal_year_label
from accounts.models import AuditAction
from training import selectors as training_selectors

from . import department_counts, evidence, permissions, rules, selectors
from .credentials.reissue import reissue_of
from .models import Certification, Level
from .pdf import certificate_number, render_certificate

STATE_LABELS = {
    rules.MET: (gettext_lazy("達成"), "success"),
    rules.UNMET: (gettext_lazy("未達"), "secondary"),
    rules.PENDING: (gettext_lazy("評価待ち"), "warning"),
}


def _state(state: str) -> dict:
    label, colour = STATE_LABELS[state]
    return {"code": state, "label": str(label), "colour": colour}


def _condition_label(condition) -> str:
    """The condition in the reader's language: its wording lives in
    `rules.CONDITION_TEXT` (Japanese msgids), translated here."""
    template = rules.CONDITION_TEXT.get(condition.code)
    if template is None:
        return condition.label
    params = condition.params
    if condition.code == "verified_requirement":
        # The rules know keys; the reader sees the qualifications' and courses' names.
        names = training_selectors.key_names(params["keys"])
        params = params | {"requirements": _("、").join(names[k] for k in params["keys"])}
    return _(template) % params


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
    pending = selectors.pending_awards_of(user=user)
    standing = selectors.standing(certs=certs, outcome=outcome, pending=pending)
    threshold = settings.LEADERSHIP_ANONYMITY_THRESHOLD
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
        rule_set = selectors.rule_set_for(data, p.fiscal_year)
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
            "current": standing.current,
            "rows": rows,
            "next_level": standing.next_level,
            "checklist": [
                {"label": _condition_label(c), "state": _state(c.state)} for c in outcome.progress
            ]
            if standing.show_checklist
            else [],
            "revoked_floor": Level(standing.floor) if standing.floor is not None else None,
            "upcoming": standing.upcoming,
            "pending": [
                {
                    "line": line,
                    "summary": evidence.summary(line.evidence, leadership_min_raters=threshold),
                }
                for line in pending
            ],
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
    """Public check of a certificate: name, level, date and status. Nothing else. A
    certificate superseded by a re-issue stays verifiable: it says so and links the
    new one; the name shown is always the holder's current name (issue #14)."""
    fields = (
        "public_id",
        "level",
        "status",
        "fiscal_year",
        "decided_on",
        "user__last_name",
        "user__first_name",
    )
    cert = (
        Certification.objects.select_related("user").only(*fields).filter(public_id=public_id)
    ).first()
    reissue = None
    if cert is None:
        reissue = reissue_of(public_id=public_id)
        if reissue is None:
            raise Http404
        cert = reissue.certification
    return render(
        request,
        "certification/certification_verify.html",
        {
            "name": cert.user.full_name,
            "level": cert.get_level_display(),
            # 認定日 is the 決裁日: the day the decision was taken.
            "awarded_on": cert.decided_on,
            "year": fiscal_year_label(cert.fiscal_year),
            # 要確認 is HR's internal review state: until HR decides, the certificate holds.
            "status": Certification.Status.REVOKED.label
            if cert.status == Certification.Status.REVOKED
            else Certification.Status.ACTIVE.label,
            "revoked": cert.status == Certification.Status.REVOKED,
            "public_id": public_id,
            "reissued": reissue is not None,
            "current_public_id": cert.public_id,
        },
    )


@login_required
@require_GET
def dashboard(request):
    """Certified people per level × 年度 × department, and measured BPR effects per 年度
    (two aggregate queries)."""
    if not permissions.can_view_dashboard(request.user):
        raise PermissionDenied
    levels = list(Level)
    # By the department at the time of the 年度 (default) or the current one (?by=current).
    by_current = request.GET.get("by") == "current"
    counts = None if by_current else department_counts.certified_counts_at_the_time()
    table = selectors.certified_table(levels, counts=counts)
    chart = {
        "labels": [fiscal_year_label(y) for y in table["years"]],
        "datasets": [
            {"label": str(level.label), "data": data}
            for level, data in zip(levels, table["per_level"], strict=True)
        ],
        "y_label": _("認定者数（人）"),
    }
    effects = selectors.measured_effects_by_year()
    training = training_selectors.training_table()
    return render(
        request,
        "certification/certification_dashboard.html",
        {
            "levels": levels,
            "table_rows": table["rows"],
            "totals": table["totals"],
            "grand_total": sum(table["totals"]),
            "chart": chart,
            "effects": effects,
            "by_current": by_current,
            "training": training,
        },
    )
