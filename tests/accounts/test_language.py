import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ENGLISH_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
# Our Japanese overrides of Django's, the admin's and allauth's own Japanese (English msgids).
JAPANESE_CATALOGUES = sorted(
    (Path(settings.BASE_DIR) / "locale" / "ja" / "LC_MESSAGES").glob("*.po")
)
FORMAT_FIELD = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def read_catalogue(path):
    """The entries of a .po file as dicts: flags, msgid, msgid_plural, msgstr (a list).

    Obsolete entries (#~) are skipped. Only what the checks below need; no dependency.
    """
    entries, entry, field = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line or line.startswith("#~"):
            if entry is not None and "msgid" in entry:
                entries.append(entry)
                entry = None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if isinstance(field, int):
                entry["msgstr"][field] += text
            else:
                entry[field] += text
        else:
            keyword, _, literal = line.partition(" ")
            text = ast.literal_eval(literal)
            if keyword.startswith("msgstr"):
                field = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
                entry["msgstr"][field] = text
            else:
                field = keyword
                entry[field] = text
    return entries


def test_every_message_has_an_english_translation():
    entries = read_catalogue(ENGLISH_CATALOGUE)
    assert len(entries) > 100

    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in entries if e["msgid"] and not all(e["msgstr"].values())]
    plural_incomplete = [
        e["msgid"] for e in entries if "msgid_plural" in e and sorted(e["msgstr"]) != [0, 1]
    ]

    assert fuzzy == []
    assert untranslated == []
    assert plural_incomplete == []


def test_english_translations_keep_every_format_field():
    broken = []
    for e in read_catalogue(ENGLISH_CATALOGUE):
        sources = [e["msgid"], e.get("msgid_plural", e["msgid"])]
        for index, translation in e["msgstr"].items():
            source = sources[min(index, 1)]
            if sorted(FORMAT_FIELD.findall(source)) != sorted(FORMAT_FIELD.findall(translation)):
                broken.append((source, translation))

    assert broken == []


@pytest.mark.parametrize("path", JAPANESE_CATALOGUES, ids=lambda p: p.name)
def test_the_japanese_overrides_have_no_empty_or_fuzzy_entry_and_keep_format_fields(path):
    entries = [e for e in read_catalogue(path) if e["msgid"]]
    assert entries

    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []
    assert [e["msgid"] for e in entries if not all(e["msgstr"].values())] == []
    broken = [
        (e["msgid"], text)
        for e in entries
        for text in e["msgstr"].values()
        if sorted(FORMAT_FIELD.findall(e["msgid"])) != sorted(FORMAT_FIELD.findall(text))
    ]
    assert broken == []


def test_the_japanese_overrides_use_full_width_question_marks_and_one_word_for_two_factor():
    texts = [
        t for p in JAPANESE_CATALOGUES for e in read_catalogue(p) for t in e["msgstr"].values()
    ]

    assert not [t for t in texts if "?" in t]
    assert not [t for t in texts if "多要素" in t]


def test_the_admin_speaks_natural_japanese(client, db):
    from tests import factories

    client.force_login(factories.UserFactory(roles=["staff", "hr_admin"]))

    html = client.get(reverse("admin:accounts_user_changelist")).content.decode()

    assert "変更する職員を選択" in html
    assert "職員を追加" in html
    assert "変更する 職員 を選択" not in html
    assert "で絞り込む" in html and " で絞り込む" not in html
    assert ">管理メニュー<" in html  # the breadcrumb, as on the roster import page


def test_the_admin_javascript_counts_in_japanese(client, db):
    from django.utils import translation

    from tests import factories

    client.force_login(factories.UserFactory(roles=["staff", "hr_admin"]))
    with translation.override("ja"):
        js = client.get(reverse("admin:jsi18n")).content.decode()

    assert "%(cnt)s\\u4ef6\\u4e2d%(sel)s" in js or "%(cnt)s件中%(sel)s件を選択" in js


def test_pages_are_japanese_even_when_the_browser_asks_for_english(client, db):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "ja"
    assert "ログイン" in response.content.decode()


def test_the_language_switch_turns_the_site_english(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("account_login"))

    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Password" in html
    assert "Log in to the DX Talent Portal" in html
    assert "DX人材ポータルにログイン" not in html


def test_switching_back_to_japanese_is_kept(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})

    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en")

    assert response["Content-Language"] == "ja"


def test_an_unknown_language_cookie_falls_back_to_japanese(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"

    response = client.get(reverse("account_login"))

    assert response["Content-Language"] == "ja"
