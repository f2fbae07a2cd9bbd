from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render


@login_required
def home(request):
    return render(request, "accounts/home.html")


def signup_disabled(request, *args, **kwargs):
    """There is no sign-up: accounts come from HR."""
    raise Http404
