from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache


@login_required
def home(request):
    return render(request, "accounts/home.html")


def signup_disabled(request, *args, **kwargs):
    """There is no sign-up: accounts come from HR."""
    raise Http404


@never_cache
def healthz(request):
    """For the load balancer and monitoring: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def email_managed_by_hr(request):
    """Replaces allauth's e-mail management (`account_email`): the address comes from HR
    and the roster, so it is shown, never changed here. Any POST (add, remove, make
    primary, re-send) is refused with a message and changes nothing."""
    if request.method == "POST":
        messages.error(
            request,
            _(
                "メールアドレスは人事担当が管理しています。変更は所属を通じて人事課に依頼してください。"
            ),
        )
        return redirect("account_email")
    return render(request, "account/email_managed_by_hr.html")
