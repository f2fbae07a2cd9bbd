"""The benchmark's URLconf (DJANGO_ROOT_URLCONF=bench.urls, set by `bench/run.py http`
only): the portal's own URLs plus the floor page, which is never part of the portal.

The floor page is the cheapest page the portal can serve a signed-in user: the full
middleware stack (session, user, CSRF, MFA, messages…), login required, and the base
layout (navbar, language switch, user menu) around an empty content block. A real page
can only cost more; `docs/benchmarks.md` measures pages against it.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from moka_dx.urls import urlpatterns as portal

_FLOOR = engines["django"].from_string(
    '{% extends "base.html" %}{% block head_title %}floor{% endblock %}'
    "{% block content %}{% endblock %}"
)


@login_required
def floor(request):
    return HttpResponse(_FLOOR.render({}, request))


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *portal]
