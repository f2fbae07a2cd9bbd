"""The all-staff showcase in a real browser (Debian's Chromium, Japanese first):

the organiser publishes a team's results after its report meeting closed → a member of
staff of another 課 searches 「保育所」 in the case library, opens the case and registers
「自分の課でも取り入れたい」 → the team's leader sees who asked → the organiser moves it
to 検討中 and then 導入済み → the certification dashboard shows 横展開の効果; the same
pages in English. Screenshots: artifacts/screenshots/showcase-<step>.png.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from projects.models import Membership
from showcase import services
from showcase.models import AdoptionInterest, ShowcaseCase
from tests import factories
from tests.browser.menu import follow_menu
from tests.showcase.matrix import closed_project_with_teams

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THEME = "保育所入所選考の効率化"


def _world():
    organiser = factories.UserFactory(
        roles=[Role.STAFF, Role.ORGANISER], last_name="石崎", first_name="努"
    )
    _project, (team, other) = closed_project_with_teams(themes=(THEME, "工事書類の電子化"))
    effect = team.worksheet.effects.get()
    effect.label, effect.unit, effect.before, effect.after = (
        "選考作業時間",
        "時間",
        Decimal(600),
        Decimal(200),
    )
    effect.save()
    services.theme_tag_add(name="子育て・福祉", name_en="Childcare and welfare", by=organiser)
    staff = factories.UserFactory(
        last_name="伊藤",
        first_name="誠",
        department=factories.DepartmentFactory(name="学童保育課"),
    )
    leader = Membership.objects.get(team=team, role="leader").user
    return organiser, team, staff, leader


def test_the_showcase_from_publishing_to_an_adopted_effect(live_server, sign_in, shoot):
    organiser, team, staff, leader = _world()

    # 1. The organiser publishes the team's results with a theme tag.
    org = sign_in(organiser)
    org.goto("/organiser/showcase/")
    expect(org.get_by_role("heading", level=1, name="発表会の運営")).to_be_visible()
    row = org.get_by_role("row").filter(has_text=team.name)
    row.get_by_label("子育て・福祉").check()
    row.get_by_role("button", name="全職員に公開").click()
    expect(org.get_by_text(f"「{team.name}」の成果を全職員に公開しました。")).to_be_visible()
    shoot(org, "showcase", "01-organiser-published")
    case = ShowcaseCase.objects.get(team=team)
    assert case.is_published and list(case.tags.values_list("name", flat=True)) == ["子育て・福祉"]

    # 2. A member of staff of another 課 finds it by 「保育所」 and registers interest.
    page = sign_in(staff)
    follow_menu(page, "事例ライブラリ")
    expect(page.get_by_role("heading", level=1, name="事例ライブラリ")).to_be_visible()
    page.get_by_label("キーワード").fill("保育所")
    page.get_by_role("button", name="検索").click()
    expect(page.get_by_role("link", name=THEME)).to_be_visible()
    expect(page.get_by_role("link", name="工事書類の電子化")).to_have_count(0)
    shoot(page, "showcase", "02-staff-searched")
    page.get_by_role("link", name=THEME).click()
    expect(page.get_by_role("heading", level=1, name=THEME)).to_be_visible()
    expect(page.get_by_text("選考作業時間")).to_be_visible()
    page.get_by_label("ひとこと（任意）").fill("学童保育の入所選考でも使いたい")
    page.get_by_role("button", name="自分の課でも取り入れたい").click()
    expect(
        page.get_by_text("「自分の課でも取り入れたい」を登録しました。", exact=False)
    ).to_be_visible()
    expect(page.get_by_text("学童保育課として登録済み（関心あり）")).to_be_visible()
    shoot(page, "showcase", "03-staff-registered")

    # 3. The team's leader sees who asked.
    lead = sign_in(leader)
    lead.goto(f"/showcase/cases/{case.pk}/")
    interests = lead.get_by_role("table").filter(has_text="学童保育課")
    expect(interests).to_contain_text("伊藤 誠")
    expect(interests).to_contain_text("学童保育の入所選考でも使いたい")
    shoot(lead, "showcase", "04-team-sees-who-asked")

    # 4. The organiser moves it to 検討中, then 導入済み.
    org.goto("/organiser/showcase/adoptions/")
    for status in ("検討中", "導入済み"):
        row = org.get_by_role("row").filter(has_text="学童保育課")
        row.get_by_label("状況").select_option(label=status)
        row.get_by_role("button", name="更新").click()
        expect(org.get_by_text(f"導入状況を「{status}」にしました。", exact=False)).to_be_visible()
    shoot(org, "showcase", "05-organiser-adopted")
    assert AdoptionInterest.objects.get().status == AdoptionInterest.Status.ADOPTED

    # 5. The dashboard shows the adopted case's measured effect as 横展開の効果.
    org.goto("/organiser/certification/")
    section = org.locator("section").filter(
        has=org.get_by_role("heading", name=re.compile("横展開の効果"))
    )
    expect(section.get_by_role("row").filter(has_text="時間")).to_contain_text("400")
    shoot(org, "showcase", "06-dashboard-adoption-effect")

    # 6. The same pages in English.
    page.get_by_role("button", name="English").click()
    page.goto("/showcase/?q=保育所")
    expect(page.get_by_role("heading", level=1, name="Case library")).to_be_visible()
    expect(page.get_by_role("list", name="Theme tags")).to_contain_text("Childcare and welfare")
    page.get_by_role("link", name=THEME).click()
    expect(page.get_by_text("Registered for 学童保育課 (Adopted)")).to_be_visible()
    shoot(page, "showcase", "07-staff-english")
    assert sign_in.problems == []
