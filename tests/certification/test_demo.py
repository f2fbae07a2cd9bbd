import io

import pytest
from django.core.management import call_command

from accounts.fiscal import fiscal_year_label
from certification import demo
from tests import factories
from tests.certification.helpers import Raters, scored_team

pytestmark = pytest.mark.django_db


def test_the_demo_step_is_idempotent_and_the_report_lists_holders(capsys, automatic_mode):
    raters = Raters()
    member = factories.UserFactory(last_name="荒井", first_name="美咲", employee_number="20042")
    team = scored_team(raters, members=[member], policy=(70, 70), technical=(60,))
    first = demo.seed()
    assert first["created"] == 2
    assert demo.seed() == {**first, "created": 0}
    call_command("certification_report", "--markdown")
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "20042" in line)
    assert "荒井 美咲" in line and "DXアドバイザー" in line and "令和6年度" in line
    assert f"{team.name}（メンバー）報告会 66点" in line


def test_the_seeded_demo_matches_docs_demo_certifications():
    """docs/demo-certifications.md states who holds what; the seeded demo must agree."""
    from pathlib import Path

    from django.conf import settings

    from certification.models import Certification

    call_command("seed_demo", stdout=io.StringIO())
    doc = (Path(settings.BASE_DIR) / "docs" / "demo-certifications.md").read_text()
    documented = set()
    for line in doc.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 8 and cells[0].isdigit():
            documented.add((cells[0], cells[3], cells[4]))
    held = {
        (c.user.employee_number, c.get_level_display(), fiscal_year_label(c.fiscal_year))
        for c in Certification.objects.filter(status__in=Certification.HELD).select_related("user")
    }
    assert held == documented
    assert len(held) == 29
