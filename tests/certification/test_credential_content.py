"""The Open Badges 3.0 credential of a certification: what it says, decoded with an
independent library (PyJWT), checked against OB 3.0's required properties, and expanded
as JSON-LD over the contexts vendored from the npm registry (no network)."""

import datetime
import json

import jwt
import pytest
from django.urls import reverse

from certification.credentials import build
from certification.credentials.models import STATUS_LIST_LENGTH, CredentialStatus
from certification.models import Certification, RuleSet
from tests import factories
from tests.certification.credential_support import (
    advisor,
    expand,
    key_dir,  # noqa: F401  (fixture)
    relative_iris,
    revoke,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("key_dir")]


def fetch(client, name, **kwargs):
    response = client.get(reverse(f"certification:{name}", kwargs=kwargs))
    assert response.status_code == 200, response.content
    return response


def decoded(client, cert) -> dict:
    """The credential.jwt, verified by PyJWT with the key the JWK Set publishes."""
    token = fetch(client, "credential_jwt", public_id=cert.public_id).content.decode()
    header = jwt.get_unverified_header(token)
    jwks = fetch(client, "credential_jwks").json()
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    key = jwt.PyJWK(jwk).key
    return jwt.decode(token, key, algorithms=["EdDSA"], options={"verify_aud": False})


def status_bit(client, index: int) -> bool:
    token = fetch(client, "credential_status_list", list_id=1).content.decode()
    jwks = fetch(client, "credential_jwks").json()
    key = jwt.PyJWK(jwks["keys"][0]).key
    document = jwt.decode(token, key, algorithms=["EdDSA"])
    import base64
    import gzip

    encoded = document["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 == STATUS_LIST_LENGTH
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


# --- the JOSE envelope ----------------------------------------------------------------


def test_the_jwt_header_names_eddsa_and_a_key_in_the_published_jwk_set(client):
    _member, cert = advisor()
    token = fetch(client, "credential_jwt", public_id=cert.public_id).content.decode()

    header = jwt.get_unverified_header(token)
    jwks = fetch(client, "credential_jwks").json()

    assert header["alg"] == "EdDSA"
    assert header["typ"] == "vc+jwt"
    assert header["kid"] in {k["kid"] for k in jwks["keys"]}
    assert header["kid"].startswith("http://127.0.0.1:8000/credentials/jwks.json#")
    assert "jwk" not in header  # the key comes from the issuer, never from the token


def test_the_jwk_set_publishes_no_private_part(client):
    jwks = fetch(client, "credential_jwks").json()

    assert [set(k) for k in jwks["keys"]] == [{"kty", "crv", "x", "kid", "alg", "use"}]
    assert jwks["keys"][0]["crv"] == "Ed25519"


def test_the_json_is_the_decoded_jwt_payload(client):
    _member, cert = advisor()

    payload = decoded(client, cert)
    readable = fetch(client, "credential_json", public_id=cert.public_id)

    assert readable["Content-Type"].startswith("application/json")
    assert readable.json() == payload


def test_the_jwt_claims_mirror_the_credential(client):
    _member, cert = advisor()
    payload = decoded(client, cert)

    assert payload["iss"] == payload["issuer"]["id"]
    assert payload["jti"] == payload["id"] == f"urn:uuid:{cert.public_id}"
    assert payload["nbf"] == int(datetime.datetime.fromisoformat(payload["validFrom"]).timestamp())
    assert "sub" not in payload  # the subject has no id: nothing to mirror


def test_the_credential_is_the_same_bytes_on_every_request(client):
    _member, cert = advisor()
    first = fetch(client, "credential_jwt", public_id=cert.public_id).content
    second = fetch(client, "credential_jwt", public_id=cert.public_id).content

    assert first == second


# --- OB 3.0 required properties -------------------------------------------------------


def test_the_credential_has_every_property_ob3_requires(client):
    _member, cert = advisor()
    vc = decoded(client, cert)

    assert vc["@context"][:2] == [build.VC_CONTEXT, build.OB_CONTEXT]
    assert vc["id"].startswith("urn:uuid:")
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["name"] == "DXアドバイザー（令和6年度） / DX Advisor (FY2024)"
    assert isinstance(vc["issuer"], dict)
    datetime.datetime.fromisoformat(vc["validFrom"])
    assert isinstance(vc["credentialSubject"], dict)


def test_the_issuer_profile_is_the_city_with_its_url(client, settings):
    _member, cert = advisor()
    profile = decoded(client, cert)["issuer"]

    assert profile["id"] == "http://127.0.0.1:8000/credentials/issuer"
    assert profile["type"] == ["Profile"]
    assert profile["name"] == "真岡市 / Moka City"
    assert profile["url"] == settings.CITY_URL


def test_the_issuer_profile_is_served_at_its_id(client):
    _member, cert = advisor()
    profile = decoded(client, cert)["issuer"]

    served = fetch(client, "credential_issuer").json()

    assert {k: v for k, v in served.items() if k != "@context"} == profile


def test_the_achievement_has_every_property_ob3_requires_in_both_languages(client):
    _member, cert = advisor()
    achievement = decoded(client, cert)["credentialSubject"]["achievement"]

    assert achievement["id"] == "http://127.0.0.1:8000/credentials/achievements/advisor/2024"
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "Certification"
    assert achievement["name"] == "DXアドバイザー / DX Advisor"
    assert "DX人材" in achievement["description"] and "DX talent" in achievement["description"]
    assert achievement["criteria"]["narrative"]


def test_the_subject_is_the_holder_by_name_as_on_the_certificate(client):
    member, cert = advisor()
    subject = decoded(client, cert)["credentialSubject"]

    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": "芳賀 花子",
            "identityType": "name",
            "hashed": False,
        }
    ]
    assert "id" not in subject


def test_the_credential_holds_no_employee_number_and_no_email(client):
    # A number long enough never to turn up by chance in a random id or a timestamp.
    member, cert = advisor(employee_number="8642097531", email="hanako.haga@city.test")
    text = fetch(client, "credential_json", public_id=cert.public_id).content.decode()

    assert member.employee_number not in text
    assert member.email not in text
    assert "@" not in text.replace('"@context"', "")


# --- evidence and criteria ------------------------------------------------------------


def test_the_evidence_names_the_team_the_year_and_the_role(client):
    _member, cert = advisor(team_name="窓口改善チーム")
    vc = decoded(client, cert)

    (evidence,) = vc["evidence"]
    assert evidence["type"] == ["Evidence"]
    assert evidence["name"].startswith("窓口改善チーム")
    assert "令和6年度" in evidence["description"] and "FY2024" in evidence["description"]
    assert "メンバー / Member" in evidence["description"]
    assert vc["credentialSubject"]["role"] == "メンバー / Member"
    assert vc["credentialSubject"]["term"] == "令和6年度 / FY2024"


def test_the_report_score_is_a_result_with_its_threshold_in_the_result_description(client):
    # policy mean 75, technical 75 → report score 75
    _member, cert = advisor(policy=(70, 80), technical=(75,))
    vc = decoded(client, cert)

    (result,) = vc["credentialSubject"]["result"]
    (description,) = vc["credentialSubject"]["achievement"]["resultDescription"]
    assert result == {
        "type": ["Result"],
        "resultDescription": description["id"],
        "value": "75",
    }
    assert description["type"] == ["ResultDescription"]
    assert description["resultType"] == "ScaledScore"
    assert (description["valueMin"], description["valueMax"]) == ("0", "100")
    assert description["requiredValue"] == "60"
    assert "報告会評価" in description["name"] and "Report score" in description["name"]


def test_the_criteria_are_worded_from_the_years_rule_set_in_japanese_and_english(client):
    RuleSet.objects.create(
        fiscal_year=2024, report_threshold=65, policy_weight=0.7, technical_weight=0.3
    )
    _member, cert = advisor(policy=(70, 80), technical=(75,))

    narrative = decoded(client, cert)["credentialSubject"]["achievement"]["criteria"]["narrative"]

    assert "令和6年度のBPRプロジェクトに" in narrative
    assert "報告会評価が65点以上" in narrative
    assert "重み0.7" in narrative and "重み0.3" in narrative
    assert "at least 65 out of 100" in narrative
    assert "weight 0.7, at least 2 raters" in narrative
    assert "weight 0.3, at least 1 rater)" in narrative


def test_a_specialists_criteria_name_both_consecutive_years():
    cert = factories.CertificationFactory(level=3, fiscal_year=2024)
    narrative = build.achievement(cert, {})["criteria"]["narrative"]

    assert "令和5年度は報告会評価60点以上" in narrative
    assert "令和6年度は報告会評価60点以上" in narrative
    assert "FY2023: a report score of at least 60" in narrative
    assert "two consecutive fiscal years" in narrative


def test_an_experts_criteria_require_leading_after_the_advisor_year():
    cert = factories.CertificationFactory(level=2, fiscal_year=2025)
    narrative = build.achievement(cert, {})["criteria"]["narrative"]

    assert "DXアドバイザーに認定された後の年度（令和7年度）" in narrative
    assert "リーダーシップ評価60点以上" in narrative
    assert "After being certified DX Advisor" in narrative


def test_a_manual_grant_says_hr_certified_it_without_the_reason(client):
    cert = factories.CertificationFactory(
        source=Certification.Source.MANUAL,
        reason="個人的な事情を含む理由",
        evidence={
            "level": 1,
            "fiscal_year": 2024,
            "manual": True,
            "reason": "個人的な事情を含む理由",
        },
    )
    vc = decoded(client, cert)

    assert vc["evidence"][0]["name"].startswith("人事担当による認定")
    assert "result" not in vc["credentialSubject"]
    assert "個人的な事情" not in json.dumps(vc, ensure_ascii=False)


def test_valid_from_is_the_decision_date_at_midnight_in_tokyo(client):
    cert = factories.CertificationFactory()
    Certification.objects.filter(pk=cert.pk).update(decided_on=datetime.date(2025, 5, 20))

    vc = decoded(client, cert)

    assert vc["validFrom"] == "2025-05-20T00:00:00+09:00"
    assert vc["awardedDate"] == "2025-05-20T00:00:00+09:00"
    assert vc["nbf"] == int(datetime.datetime(2025, 5, 19, 15, 0, tzinfo=datetime.UTC).timestamp())


# --- JSON-LD: every term defined -----------------------------------------------------


def test_the_credential_expands_as_json_ld_with_no_undefined_term(client):
    _member, cert = advisor()
    vc = decoded(client, cert)

    expanded, dropped = expand(vc)

    assert dropped == []
    assert relative_iris(expanded) == []
    assert "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential" in json.dumps(
        expanded
    )


def test_the_json_ld_check_catches_an_undefined_term(client):
    _member, cert = advisor()
    vc = decoded(client, cert)
    vc["credentialSubject"]["shoeSize"] = 42

    _expanded, dropped = expand(vc)

    assert dropped == ["shoeSize"]


def test_the_status_list_expands_as_json_ld_with_no_undefined_term(client):
    token = fetch(client, "credential_status_list", list_id=1).content.decode()
    document = jwt.decode(token, options={"verify_signature": False})

    expanded, dropped = expand(document)

    assert dropped == []
    assert relative_iris(expanded) == []


# --- status ---------------------------------------------------------------------------


def test_the_credential_points_at_its_bit_in_the_status_list(client):
    _member, cert = advisor()
    status = decoded(client, cert)["credentialStatus"]
    index = CredentialStatus.objects.get(certification=cert).status_list_index

    assert status == {
        "id": f"http://127.0.0.1:8000/credentials/status/1#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": "http://127.0.0.1:8000/credentials/status/1",
    }


def test_a_held_certifications_bit_is_clear(client):
    _member, cert = advisor()
    index = int(decoded(client, cert)["credentialStatus"]["statusListIndex"])

    assert status_bit(client, index) is False


def test_revoking_a_certification_sets_its_bit(client, hr_admin):
    _member, cert = advisor()
    index = int(decoded(client, cert)["credentialStatus"]["statusListIndex"])

    revoke(cert, by=hr_admin)

    assert status_bit(client, index) is True


def test_a_flagged_certifications_bit_stays_clear(client):
    cert = factories.CertificationFactory(status=Certification.Status.FLAGGED, flag_reason="再計算")
    index = int(decoded(client, cert)["credentialStatus"]["statusListIndex"])

    assert status_bit(client, index) is False


def test_only_the_revoked_bit_is_set_among_several(client, hr_admin):
    certs = [factories.CertificationFactory() for _ in range(3)]
    indices = [int(decoded(client, c)["credentialStatus"]["statusListIndex"]) for c in certs]

    revoke(certs[1], by=hr_admin)

    assert [status_bit(client, i) for i in indices] == [False, True, False]


def test_the_status_list_index_is_drawn_once_and_kept(client):
    cert = factories.CertificationFactory()
    decoded(client, cert)
    first = CredentialStatus.objects.get(certification=cert).status_list_index

    decoded(client, cert)

    assert CredentialStatus.objects.filter(certification=cert).count() == 1
    assert CredentialStatus.objects.get(certification=cert).status_list_index == first


def test_two_certifications_never_share_an_index():
    from django.db import IntegrityError, transaction

    a, b = factories.CertificationFactory(), factories.CertificationFactory()
    CredentialStatus.objects.create(certification=a, status_list_index=7)

    with pytest.raises(IntegrityError), transaction.atomic():
        CredentialStatus.objects.create(certification=b, status_list_index=7)


def test_an_index_outside_the_list_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    cert = factories.CertificationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CredentialStatus.objects.create(certification=cert, status_list_index=STATUS_LIST_LENGTH)
    CredentialStatus.objects.create(certification=cert, status_list_index=STATUS_LIST_LENGTH - 1)


def test_the_endpoints_are_cacheable_for_a_few_minutes(client):
    _member, cert = advisor()

    for response in (
        fetch(client, "credential_jwt", public_id=cert.public_id),
        fetch(client, "credential_status_list", list_id=1),
        fetch(client, "credential_jwks"),
    ):
        assert response["Cache-Control"] == "public, max-age=300"


def test_without_a_signing_key_the_credential_is_unavailable_with_a_message(
    client, settings, tmp_path
):
    cert = factories.CertificationFactory()
    settings.CREDENTIAL_KEYS_DIR = tmp_path / "none"

    response = client.get(
        reverse("certification:credential_jwt", kwargs={"public_id": cert.public_id})
    )

    assert response.status_code == 503
    assert "デジタル証明書は現在発行できません" in response.content.decode()


def test_an_unknown_certification_has_no_credential(client):
    import uuid

    response = client.get(
        reverse("certification:credential_json", kwargs={"public_id": uuid.uuid4()})
    )

    assert response.status_code == 404


def test_only_status_list_1_exists(client):
    response = client.get(reverse("certification:credential_status_list", kwargs={"list_id": 2}))

    assert response.status_code == 404


# --- pages ----------------------------------------------------------------------------


def test_the_verify_page_links_the_credential(client):
    cert = factories.CertificationFactory()
    html = client.get(
        reverse("certification:verify", kwargs={"public_id": cert.public_id})
    ).content.decode()

    assert reverse("certification:credential_json", kwargs={"public_id": cert.public_id}) in html
    assert reverse("certification:credential_jwt", kwargs={"public_id": cert.public_id}) in html


def test_my_certification_offers_the_credential_for_download(client):
    member, cert = advisor()
    client.force_login(member)

    html = client.get(reverse("certification:my_certification")).content.decode()

    url = reverse("certification:credential_jwt", kwargs={"public_id": cert.public_id})
    assert f'href="{url}" download=' in html
    assert "デジタル証明書" in html


def _team(year: int, score: float, threshold: float) -> dict:
    return {
        "team": year,
        "team_name": f"チーム{year}",
        "project_title": f"{year}年度 BPRプロジェクト",
        "fiscal_year": year,
        "role": "leader",
        "report_score": score,
        "leadership_score": 87.65,
        "rules": {"fiscal_year": year, "report_threshold": threshold, "leadership_threshold": 60},
    }


def test_a_specialists_results_point_at_each_years_result_description(client):
    cert = factories.CertificationFactory(
        level=3,
        fiscal_year=2024,
        evidence={
            "level": 3,
            "fiscal_year": 2024,
            "years": [
                {"fiscal_year": 2023, "teams": [_team(2023, 71.25, 55)]},
                {"fiscal_year": 2024, "teams": [_team(2024, 80, 65)]},
            ],
        },
    )
    subject = decoded(client, cert)["credentialSubject"]

    descriptions = {d["id"]: d for d in subject["achievement"]["resultDescription"]}
    pairs = [
        (r["value"], descriptions[r["resultDescription"]]["requiredValue"])
        for r in subject["result"]
    ]
    assert pairs == [("71.2", "55"), ("80", "65")]
    assert subject["role"] == "リーダー / Leader"


def test_a_leadership_score_is_never_in_the_credential(client):
    cert = factories.CertificationFactory(
        level=2,
        fiscal_year=2024,
        evidence={"level": 2, "fiscal_year": 2024, "teams": [_team(2024, 80, 60)]},
    )
    text = json.dumps(decoded(client, cert), ensure_ascii=False)

    # (a decimal point: the random ids and key thumbprints never hold one)
    assert "87.6" not in text and "87.7" not in text
    assert "leadership_score" not in text
