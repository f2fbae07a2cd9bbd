import ast
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

ENGLISH_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
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
