"""Finding 11: HR owns personal data. Staff used to replace the e-mail address HR gave them
at /accounts/email/ (unverified); the next roster import carrying that address for anyone
else was refused whole; making another person's address primary answered 500.

Staff log in through the real login form; every e-mail path answers without a 500 and
changes nothing; the roster import takes back an address a person set themselves."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from accounts.services import read_roster_file, roster_import
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"


@pytest.fixture
def hanako(db):
    return factories.UserFactory(employee_number="40001", email="hanako@city.test")


@pytest.fixture
def ichiro(db):
    return factories.UserFactory(employee_number="40002", email="ichiro@city.test")


def log_in(client, user):
    client.raise_request_exception = False
    response = client.post(
        reverse("account_login"), {"login": user.employee_number, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_the_email_page_shows_the_address_and_who_manages_it_without_a_form(client, hanako):
    log_in(client, hanako)

    response = client.get(reverse("account_email"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "hanako@city.test" in html
    assert "人事担当" in html
    assert 'name="action_add"' not in html
    assert 'name="action_primary"' not in html


def test_staff_cannot_add_an_address(client, hanako):
    log_in(client, hanako)

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "mine@example.com"}
    )

    assert response.status_code in (302, 403)
    assert not EmailAddress.objects.filter(email="mine@example.com").exists()
    hanako.refresh_from_db()
    assert hanako.email == "hanako@city.test"


def test_making_another_persons_address_primary_is_refused_without_a_500(client, hanako, ichiro):
    log_in(client, hanako)

    added = client.post(reverse("account_email"), {"action_add": "", "email": ichiro.email})
    primary = client.post(reverse("account_email"), {"action_primary": "", "email": ichiro.email})

    assert added.status_code != 500
    assert primary.status_code != 500
    hanako.refresh_from_db()
    ichiro.refresh_from_db()
    assert (hanako.email, ichiro.email) == ("hanako@city.test", "ichiro@city.test")


@pytest.mark.parametrize(
    "data",
    [
        {"action_remove": "", "email": "hanako@city.test"},
        {"action_send": "", "email": "hanako@city.test"},
        {"action_primary": "", "email": "nobody@city.test"},
        {"action_primary": ""},
        {"email": "x@y"},
    ],
)
def test_every_email_action_is_refused_and_changes_nothing(client, hanako, data):
    log_in(client, hanako)

    response = client.post(reverse("account_email"), data)

    assert response.status_code in (302, 403)
    hanako.refresh_from_db()
    assert hanako.email == "hanako@city.test"


@pytest.mark.parametrize("path", ["/accounts/confirm-email/", "/accounts/confirm-email/not-a-key/"])
def test_the_email_confirmation_paths_never_answer_500(client, hanako, path):
    log_in(client, hanako)

    get = client.get(path)
    post = client.post(path)

    assert get.status_code < 500
    assert post.status_code < 500


def test_the_user_menu_offers_no_email_change(client, hanako):
    log_in(client, hanako)

    html = client.get(reverse("home")).content.decode()

    assert "メールアドレスの変更" not in html


# --- the roster import is never blocked by an address a person set themselves ----------

HEADER = "職員番号,姓,名,セイ,メイ,所属コード,職位,メールアドレス\r\n"


def roster(*lines):
    factories.DepartmentFactory(code="410")
    return read_roster_file(content=(HEADER + "".join(lines)).encode("utf-8-sig"))


def test_an_address_a_person_set_themself_gives_way_to_the_roster(hanako, ichiro, hr_admin):
    # Before this fix, hanako replaced her address with the one HR now gives ichiro.
    EmailAddress.objects.create(user=hanako, email="ichiro.new@city.test", primary=True)
    User.objects.filter(pk=hanako.pk).update(email="ichiro.new@city.test")
    rows = roster("40002,真岡,一郎,モオカ,イチロウ,410,主事,ichiro.new@city.test\r\n")

    result = roster_import(rows=rows, full_roster=False, dry_run=False, by=hr_admin)

    assert result.ok, result.errors
    hanako.refresh_from_db()
    ichiro.refresh_from_db()
    assert ichiro.email == "ichiro.new@city.test"
    assert hanako.email == ""
    assert not EmailAddress.objects.filter(email__iexact="ichiro.new@city.test", user=hanako)


def test_the_preview_says_the_self_set_address_goes_back_to_the_roster(hanako, ichiro, hr_admin):
    EmailAddress.objects.create(user=hanako, email="ichiro.new@city.test", primary=True)
    User.objects.filter(pk=hanako.pk).update(email="ichiro.new@city.test")
    rows = roster("40002,真岡,一郎,モオカ,イチロウ,410,主事,ichiro.new@city.test\r\n")

    result = roster_import(rows=rows, full_roster=False, dry_run=True, by=hr_admin)

    assert result.ok
    released = [c for c in result.updated if c.employee_number == "40001"]
    assert released and "メールアドレス" in released[0].changes[0]
    hanako.refresh_from_db()
    assert hanako.email == "ichiro.new@city.test"  # a preview changes nothing


def test_two_people_swapping_addresses_in_one_file_are_imported(hanako, ichiro, hr_admin):
    rows = roster(
        "40001,真岡,花子,モオカ,ハナコ,410,主事,ichiro@city.test\r\n",
        "40002,真岡,一郎,モオカ,イチロウ,410,主事,hanako@city.test\r\n",
    )

    result = roster_import(rows=rows, full_roster=False, dry_run=False, by=hr_admin)

    assert result.ok, result.errors
    hanako.refresh_from_db()
    ichiro.refresh_from_db()
    assert (hanako.email, ichiro.email) == ("ichiro@city.test", "hanako@city.test")


def test_an_address_hr_gave_someone_else_still_refuses_the_row(hanako, ichiro, hr_admin):
    rows = roster("40002,真岡,一郎,モオカ,イチロウ,410,主事,hanako@city.test\r\n")

    result = roster_import(rows=rows, full_roster=False, dry_run=False, by=hr_admin)

    assert not result.ok
    assert "他の職員" in result.errors[0].messages[0]
    ichiro.refresh_from_db()
    assert ichiro.email == "ichiro@city.test"


def test_the_admin_import_with_a_self_set_address_goes_through_end_to_end(
    client, hanako, ichiro, hr_admin
):
    EmailAddress.objects.create(user=hanako, email="ichiro.new@city.test", primary=True)
    User.objects.filter(pk=hanako.pk).update(email="ichiro.new@city.test")
    factories.DepartmentFactory(code="410")
    client.force_login(hr_admin)
    url = reverse("admin:accounts_user_roster_import")
    upload = io.BytesIO(
        (HEADER + "40002,真岡,一郎,モオカ,イチロウ,410,主事,ichiro.new@city.test\r\n").encode(
            "cp932"
        )
    )
    upload.name = "roster.csv"

    preview = client.post(url, {"file": upload, "action": "preview"})
    done = client.post(url, {"action": "confirm", "token": preview.context["token"]})

    assert done.status_code == 302
    ichiro.refresh_from_db()
    assert ichiro.email == "ichiro.new@city.test"


def test_a_self_set_address_is_taken_back_even_when_its_holder_is_in_the_file_without_one(
    hanako, ichiro, hr_admin
):
    EmailAddress.objects.create(user=hanako, email="ichiro.new@city.test", primary=True)
    User.objects.filter(pk=hanako.pk).update(email="ichiro.new@city.test")
    rows = roster(
        "40001,真岡,花子,モオカ,ハナコ,410,係長,\r\n",  # promoted, no address in the file
        "40002,真岡,一郎,モオカ,イチロウ,410,主事,ichiro.new@city.test\r\n",
    )

    result = roster_import(rows=rows, full_roster=False, dry_run=False, by=hr_admin)

    assert result.ok, result.errors
    hanako.refresh_from_db()
    ichiro.refresh_from_db()
    assert (hanako.email, hanako.grade, ichiro.email) == ("", 3, "ichiro.new@city.test")
