"""Finding 9: uploads are never public. In the demo (DEBUG) `/media/…` used to serve every
upload to anyone, logged out, bypassing the download permission; an uploaded `.html` ran
on the portal's own origin. Materials are served only by the permission-checked view, as
an attachment with `X-Content-Type-Options: nosniff`."""

import importlib

import pytest
from django.core.files.base import ContentFile
from django.urls import clear_url_caches, reverse

from tests import factories

pytestmark = pytest.mark.django_db

HTML = b"<html><script src='x.js'></script><body>hi</body></html>"


@pytest.fixture
def demo_urls(settings):
    """The URLconf as the demo (DEBUG) builds it."""
    import moka_dx.urls

    settings.DEBUG = True
    importlib.reload(moka_dx.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(moka_dx.urls)
    clear_url_caches()


@pytest.fixture
def html_upload():
    presentation = factories.PresentationFactory()
    presentation.materials.save("x.html", ContentFile(HTML), save=True)
    return presentation


def test_an_upload_is_not_served_under_media_in_the_demo_logged_out(client, demo_urls, html_upload):
    path = "/media/" + html_upload.materials.name
    assert path.startswith("/media/materials/")

    response = client.get(path)

    assert response.status_code == 404


def test_an_upload_is_not_served_under_media_in_the_demo_even_logged_in(
    client, demo_urls, html_upload, staff
):
    client.force_login(staff)

    response = client.get("/media/" + html_upload.materials.name)

    assert response.status_code == 404


def test_an_uploaded_html_file_is_downloaded_never_shown_inline(client, executive, html_upload):
    client.force_login(executive)

    response = client.get(reverse("evaluations:presentation_materials", args=[html_upload.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "html" not in response["Content-Type"]
    assert response["Content-Type"] == "application/octet-stream"


def test_a_pdf_keeps_its_type_and_is_still_an_attachment(client, executive):
    presentation = factories.PresentationFactory()
    presentation.materials.save("slides.pdf", ContentFile(b"%PDF-1.4\n%%EOF"), save=True)
    client.force_login(executive)

    response = client.get(reverse("evaluations:presentation_materials", args=[presentation.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_someone_outside_the_meeting_cannot_download_the_materials(client, staff, html_upload):
    client.force_login(staff)

    response = client.get(reverse("evaluations:presentation_materials", args=[html_upload.pk]))

    assert response.status_code == 404
