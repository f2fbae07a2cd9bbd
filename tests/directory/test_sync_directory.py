"""`manage.py sync_directory` against a real OpenLDAP server: the roster import's rules."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Grade, User

from .conftest import configure_ldap, ldap_env


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("sync_directory", *args, stdout=out)
    return out.getvalue()


def people():
    return {
        u.employee_number: (u.grade, u.department.code if u.department else None, u.is_active)
        for u in User.objects.exclude(employee_number=None).select_related("department")
    }


def test_the_preview_lists_the_changes_and_changes_nothing(directory, roster):
    before = people()

    out = run()

    assert "確認のみです" in out
    assert "70001" in out  # 主事 → 主任
    assert people() == before


def test_apply_updates_grades_and_deactivates_who_is_disabled_or_gone(directory, roster):
    run("--apply")

    after = people()
    assert after["70001"] == (Grade.SHUNIN, "D-SOMU", True)
    assert after["70004"][2] is False  # locked in the directory: not in the list


def test_a_person_missing_from_the_directory_is_deactivated_not_deleted(directory, roster):
    from tests import factories

    gone = factories.UserFactory(employee_number="79999", department=roster["70001"].department)

    run("--apply")

    assert User.objects.get(pk=gone.pk).is_active is False


def test_one_bad_entry_means_nothing_is_applied(directory, roster, departments):
    departments["D-JINJI"].delete()  # 70003's department code is now unknown to the portal
    before = people()

    with pytest.raises(CommandError):
        run("--apply")

    assert people() == before


def test_running_it_again_changes_nothing(directory, roster):
    run("--apply")
    before = people()

    out = run("--apply")

    assert people() == before
    assert "変更 0" in out


def test_an_unreachable_directory_is_a_clear_error(slapd, settings, db):
    configure_ldap(settings, ldap_env(slapd))
    slapd.stop()

    with pytest.raises(CommandError, match="庁内ディレクトリを読み取れませんでした"):
        run()


def test_without_a_directory_the_command_says_so(settings, db):
    settings.DIRECTORY_LDAP_ENABLED = False

    with pytest.raises(CommandError, match="LDAP_SERVER_URI"):
        run()
