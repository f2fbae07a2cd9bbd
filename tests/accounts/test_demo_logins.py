import re

from django.conf import settings
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD, demo_logins, demo_people
from accounts.roles import Role


def _logins_of(role):
    return {p.employee_number or p.email for p in demo_people() if role in p.roles}


def test_every_demo_executive_and_expert_is_listed_since_the_rule_needs_two_and_one():
    listed = {login.login for login in demo_logins()}

    assert _logins_of(Role.EXECUTIVE) <= listed
    assert _logins_of(Role.EXTERNAL_EXPERT) <= listed
    assert len(_logins_of(Role.EXECUTIVE)) >= 2


def test_every_organiser_and_hr_admin_is_listed():
    listed = {login.login for login in demo_logins()}

    assert _logins_of(Role.ORGANISER) | _logins_of(Role.HR_ADMIN) <= listed


def test_the_printed_logins_name_the_role_and_the_person(capsys):
    call_command("demo_logins")

    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    assert "幹部職員" in out and "90002" in out and "小川 弘" in out
    assert "hasegawa@vendor.example.jp" in out


def _readme_logins() -> list[str]:
    """The logins in the README's "Demo logins" table, in order."""
    text = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    section = text.split("## Demo logins", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\|[^|]*\| `([^`]+)` \|", section, flags=re.MULTILINE)


def test_the_printed_logins_are_the_readmes():
    assert [login.login for login in demo_logins()] == _readme_logins()


def test_the_head_who_consents_in_the_demo_is_listed_as_a_head():
    (head,) = [login for login in demo_logins() if login.login == "20078"]
    assert "所属長" in head.role and head.name == "小林 誠"
