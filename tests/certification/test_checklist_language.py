from django.urls import reverse


def test_the_checklist_is_worded_in_japanese_with_the_numbers_that_apply(client, staff):
    client.force_login(staff)

    html = client.get(reverse("certification:my_certification")).content.decode()

    assert "報告会で60点以上の評価を得る" in html
    assert "未達" in html


def test_the_checklist_is_worded_in_english_after_the_switch(client, staff):
    client.force_login(staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    html = client.get(reverse("certification:my_certification")).content.decode()

    assert "score at least 60 points at the report meeting" in html
    assert "Not yet" in html
