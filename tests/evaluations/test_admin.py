from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from evaluations import services
from evaluations.models import Perspective, Rubric


def test_the_admin_shows_every_rubrics_criteria_read_only(client, w):
    """Criteria are edited on the organiser's rubric page (the services freeze a used
    rubric); the admin only shows them."""
    services.evaluation_submit(
        evaluator=w.executive,
        perspective=Perspective.POLICY,
        presentation=w.presentation,
        scores=w.policy(),
    )
    used = Rubric.objects.get(fiscal_year=2024, perspective=Perspective.POLICY)
    unused = Rubric.objects.get(fiscal_year=2024, perspective=Perspective.TECHNICAL)
    request = RequestFactory().get("/")
    request.user = w.organiser
    inline = site._registry[Rubric].get_inline_instances(request, used)[0]

    assert not inline.has_change_permission(request, used)
    assert not inline.has_add_permission(request, used)
    assert not inline.has_delete_permission(request, used)
    assert not inline.has_change_permission(request, unused)

    client.force_login(w.organiser)
    page = client.get(reverse("admin:evaluations_rubric_change", args=[used.pk]))
    assert page.status_code == 200
    assert 'name="criteria-0-weight"' not in page.content.decode()
