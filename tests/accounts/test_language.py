from django.urls import reverse


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


def test_switching_back_to_japanese_is_kept(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})

    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en")

    assert response["Content-Language"] == "ja"


def test_an_unknown_language_cookie_falls_back_to_japanese(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"

    response = client.get(reverse("account_login"))

    assert response["Content-Language"] == "ja"
