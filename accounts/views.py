from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
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
