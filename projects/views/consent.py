"""The 所属長's pages (issue 12): the applications of their 課 waiting for consent, and
the decision form. Heads only (403 for anyone else); another 課's application is 404."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import is_department_head

from .. import consent_selectors, services
from ..forms import HeadConsentForm
from ..permissions import can_see_staff_pages
from ._common import _run


def head_required(view):
    """City staff who head a 課 (or a 部) by the roster."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (can_see_staff_pages(request.user) and is_department_head(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@head_required
def consent_list(request):
    pending, decided = consent_selectors.consents_for_head(request.user)
    return render(request, "projects/consent_list.html", {"pending": pending, "decided": decided})


@head_required
def consent_decide(request, pk):
    consent = consent_selectors.consent_for_head(request.user, pk)
    form = HeadConsentForm(request.POST or None)
    if request.method == "POST" and consent.is_pending and form.is_valid():
        data = form.cleaned_data
        name = consent.membership.user.full_name
        if data["decision"] == HeadConsentForm.CONSENT:
            ok = _run(
                request,
                lambda: services.head_consent(
                    consent=consent,
                    by=request.user,
                    coverage=data["coverage"],
                    request=request,
                ),
                _("%(name)s さんの申請を承認しました。DX推進担当の決定を待ちます。")
                % {"name": name},
            )
        else:
            ok = _run(
                request,
                lambda: services.head_decline(
                    consent=consent,
                    by=request.user,
                    reason=data["reason"],
                    request=request,
                ),
                _("%(name)s さんの申請を承認しませんでした。理由は本人に表示されます。")
                % {"name": name},
            )
        if ok:
            return redirect("projects:consent_list")
    return render(
        request,
        "projects/consent_decide.html",
        {
            "consent": consent,
            "membership": consent.membership,
            "form": form,
            "open": consent.is_pending
            and consent.membership.status == "applied"
            and consent.membership.team.project.requires_head_consent,
        },
    )
