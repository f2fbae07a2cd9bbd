"""A certification as an Open Badges 3.0 `OpenBadgeCredential` (W3C VC Data Model 2.0).

Plain data in, a JSON-ready dict out; no query here (the selector gathers the row, its
holder, its status-list index and the rule sets). What goes in is what the 認定証 PDF
shows (name, level, 年度, date, issuer) plus the evidence the issue asks for (team, 年度,
role, the team's report score and its threshold): never the 職員番号, the e-mail or a
leadership score (a person's evaluation).

Text is bilingual in one string, Japanese first ("DXアドバイザー / DX Advisor"): OB 3.0
types `name`, `description` and `narrative` as plain strings, so language maps would break
its JSON Schema; `inLanguage` says the primary language.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from accounts.fiscal import wareki_fiscal_year

from .. import rules
from ..evidence import evidence_teams
from ..models import Certification

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
TOKYO = ZoneInfo("Asia/Tokyo")

LEVELS = {
    1: ("advisor", "DXアドバイザー", "DX Advisor"),
    2: ("expert", "DXエキスパート", "DX Expert"),
    3: ("specialist", "DXスペシャリスト", "DX Specialist"),
}

DESCRIPTIONS = {
    1: (
        "業務改革（BPR）プロジェクトに参加し、報告会で一定以上の評価を得た職員として、"
        "{city}が認定するDX人材の第1段階です。",
        "The first level of {city_en}'s DX talent certification: a member of staff who "
        "took part in a business process re-engineering (BPR) project whose team was "
        "scored at or above the threshold at the report meeting.",
    ),
    2: (
        "DXアドバイザーに認定された後、BPRプロジェクトのチームを率いて報告会とリーダーシップの"
        "評価で一定以上を得た職員として、{city}が認定するDX人材の第2段階です。",
        "The second level of {city_en}'s DX talent certification: a certified DX Advisor "
        "who then led a BPR project team that was scored at or above the thresholds for "
        "its report and for the leader's leadership.",
    ),
    3: (
        "2年度続けてBPRプロジェクトのチームを率い、報告会とリーダーシップの評価で一定以上を"
        "得た職員として、{city}が認定するDX人材の最上位の段階です。",
        "The highest level of {city_en}'s DX talent certification: a member of staff who "
        "led BPR project teams in two consecutive fiscal years, each scored at or above "
        "the thresholds for its report and for the leader's leadership.",
    ),
}


def base_url() -> str:
    return settings.SITE_URL.rstrip("/")


def issuer_id() -> str:
    return base_url() + reverse("certification:credential_issuer")


def status_list_url() -> str:
    return base_url() + reverse("certification:credential_status_list", kwargs={"list_id": 1})


def credential_valid_from(certification: Certification) -> datetime.datetime:
    """The credential's `validFrom`: the start (00:00 Tokyo) of the 認定日, which is the HR
    decision date (決裁日, `decided_on`)."""
    return datetime.datetime.combine(certification.decided_on, datetime.time(0, 0), tzinfo=TOKYO)


def _number(value) -> str:
    return rules.format_number(round(float(value), 1))


def fiscal_year_en(year: int) -> str:
    return f"FY{year}"


def _rule_set(year: int, evidence_rules: dict | None, rule_sets: dict[int, rules.RuleSet]):
    """The rule set a 年度 was judged with: the one recorded in the evidence, else the
    year's current rule set (manual grants), else the defaults."""
    if isinstance(evidence_rules, dict):
        known = {
            k: evidence_rules[k] for k in rules.RuleSet.__dataclass_fields__ if k in evidence_rules
        }
        known["fiscal_year"] = year
        try:
            return rules.RuleSet(**known)
        except TypeError:
            pass
    return rule_sets.get(year) or rules.RuleSet(fiscal_year=year)


def _raters(count: int) -> str:
    return f"{count} rater" if count == 1 else f"{count} raters"


def _report_rule_ja(rs: rules.RuleSet) -> str:
    return (
        f"報告会評価は、幹部職員による政策的観点（重み{_number(rs.policy_weight)}、"
        f"評価者{rs.min_policy_raters}人以上）と外部専門家による技術的観点"
        f"（重み{_number(rs.technical_weight)}、評価者{rs.min_technical_raters}人以上）の"
        "評価を重み付きで平均した100点満点の点数です。"
    )


def _report_rule_en(rs: rules.RuleSet) -> str:
    return (
        "The report score is the weighted mean, out of 100, of the policy perspective "
        f"scored by executives (weight {_number(rs.policy_weight)}, at least "
        f"{_raters(rs.min_policy_raters)}) and the technical perspective scored by external "
        f"experts (weight {_number(rs.technical_weight)}, at least "
        f"{_raters(rs.min_technical_raters)})."
    )


def criteria_narrative(level: int, year_rules: list[rules.RuleSet]) -> str:
    """The criteria in plain words, Japanese then English, from the rule set(s) the level
    was judged with (`year_rules`: the earned 年度's, and for a Specialist the year
    before it first)."""
    rs = year_rules[-1]
    year_ja, year_en = wareki_fiscal_year(rs.fiscal_year), fiscal_year_en(rs.fiscal_year)
    if level == 1:
        ja = (
            f"{year_ja}のBPRプロジェクトに、チームのメンバーまたはリーダーとして参加し、"
            f"チームの報告会評価が{_number(rs.report_threshold)}点以上であること。"
        )
        en = (
            f"Took part in the {year_en} BPR project as a member or the leader of a team "
            f"whose report score was at least {_number(rs.report_threshold)} out of 100."
        )
    elif level == 2:
        ja = (
            f"DXアドバイザーに認定された後の年度（{year_ja}）に、チームのリーダーとして、"
            f"報告会評価{_number(rs.report_threshold)}点以上、かつチームのメンバー等による"
            f"リーダーシップ評価{_number(rs.leadership_threshold)}点以上"
            f"（評価者{rs.min_leadership_raters}人以上）を得ること。"
        )
        en = (
            f"After being certified DX Advisor, led a team in a later fiscal year ({year_en}) "
            f"whose report score was at least {_number(rs.report_threshold)} out of 100, "
            f"with a leadership score from the team's members of at least "
            f"{_number(rs.leadership_threshold)} (at least {_raters(rs.min_leadership_raters)})."
        )
    else:
        parts_ja = "、".join(
            f"{wareki_fiscal_year(r.fiscal_year)}は報告会評価{_number(r.report_threshold)}点以上・"
            f"リーダーシップ評価{_number(r.leadership_threshold)}点以上"
            f"（評価者{r.min_leadership_raters}人以上）"
            for r in year_rules
        )
        parts_en = "; ".join(
            f"{fiscal_year_en(r.fiscal_year)}: a report score of at least "
            f"{_number(r.report_threshold)} and a leadership score of at least "
            f"{_number(r.leadership_threshold)} (at least {_raters(r.min_leadership_raters)})"
            for r in year_rules
        )
        ja = (
            "連続する2年度に、それぞれチームのリーダーとして、その年度の基準以上の"
            f"報告会評価とリーダーシップ評価を得ること（{parts_ja}）。"
        )
        en = (
            "Led a team in each of two consecutive fiscal years, each time with a report "
            f"score and a leadership score at or above that year's thresholds ({parts_en})."
        )
    return f"{ja}{_report_rule_ja(rs)}\n\n{en} {_report_rule_en(rs)}"


def _evidence_rules(certification: Certification) -> dict[int, dict]:
    found = {}
    for team in evidence_teams(certification.evidence):
        year = team.get("fiscal_year")
        if isinstance(year, int) and isinstance(team.get("rules"), dict):
            found.setdefault(year, team["rules"])
    return found


def issuer_profile() -> dict:
    """The issuer: the city (OB 3.0 `Profile`)."""
    return {
        "id": issuer_id(),
        "type": ["Profile"],
        "name": f"{settings.CITY_NAME} / {settings.CITY_NAME_EN}",
        "url": settings.CITY_URL,
        "description": f"{settings.CITY_NAME} DX人材認定 / {settings.CITY_NAME_EN} DX talent "
        "certification",
    }


def achievement(certification: Certification, rule_sets: dict[int, rules.RuleSet]) -> dict:
    """The level as an OB 3.0 `Achievement` of the 年度 it was earned in."""
    slug, name_ja, name_en = LEVELS[certification.level]
    year = certification.fiscal_year
    achievement_id = f"{base_url()}/credentials/achievements/{slug}/{year}"
    recorded = _evidence_rules(certification)
    years = [year - 1, year] if certification.level == 3 else [year]
    year_rules = [_rule_set(y, recorded.get(y), rule_sets) for y in years]
    description_ja, description_en = DESCRIPTIONS[certification.level]
    city = {"city": settings.CITY_NAME, "city_en": settings.CITY_NAME_EN}
    return {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "Certification",
        "name": f"{name_ja} / {name_en}",
        "description": f"{description_ja.format(**city)}\n\n{description_en.format(**city)}",
        "criteria": {"narrative": criteria_narrative(certification.level, year_rules)},
        "inLanguage": "ja",
        "resultDescription": [_report_result_description(achievement_id, r) for r in year_rules],
    }


def _report_result_description(achievement_id: str, rs: rules.RuleSet) -> dict:
    return {
        "id": f"{achievement_id}#report-score-{rs.fiscal_year}",
        "type": ["ResultDescription"],
        "name": f"報告会評価（{wareki_fiscal_year(rs.fiscal_year)}） / Report score "
        f"({fiscal_year_en(rs.fiscal_year)})",
        "resultType": "ScaledScore",
        "valueMin": "0",
        "valueMax": "100",
        "requiredValue": _number(rs.report_threshold),
    }


ROLES = {"leader": ("リーダー", "Leader"), "member": ("メンバー", "Member")}


def _role(role: str) -> str:
    ja, en = ROLES.get(role, ROLES["member"])
    return f"{ja} / {en}"


def _evidence_and_results(certification, achievement_id, rule_sets) -> tuple[list, list]:
    if isinstance(certification.evidence, dict) and certification.evidence.get("manual"):
        return [
            {
                "type": ["Evidence"],
                "name": "人事担当による認定 / Certified by the personnel division",
                "narrative": "人事担当が根拠を確認して認定しました。 / The personnel division "
                "reviewed the grounds and certified this level.",
            }
        ], []
    recorded = _evidence_rules(certification)
    # A Result points at a ResultDescription of the achievement: the years it describes.
    described = {certification.fiscal_year}
    if certification.level == 3:
        described.add(certification.fiscal_year - 1)
    evidence, results = [], []
    for team in evidence_teams(certification.evidence):
        year = team.get("fiscal_year") or certification.fiscal_year
        rs = _rule_set(year, recorded.get(year), rule_sets)
        score = team.get("report_score")
        name = team.get("team_name") or str(team.get("team", ""))
        project = team.get("project_title") or ""
        score_text = "—" if score is None else _number(score)
        evidence.append(
            {
                "type": ["Evidence"],
                "name": f"{name}（{project}）" if project else name,
                "description": (
                    f"{wareki_fiscal_year(year)} / {fiscal_year_en(year)} — "
                    f"{_role(team.get('role', ''))} — "
                    f"報告会評価 {score_text}点（基準 {_number(rs.report_threshold)}点） / "
                    f"report score {score_text} (threshold {_number(rs.report_threshold)})"
                ),
                "genre": "BPRプロジェクト / BPR project",
            }
        )
        if score is not None and year in described:
            results.append(
                {
                    "type": ["Result"],
                    "resultDescription": f"{achievement_id}#report-score-{year}",
                    "value": _number(score),
                }
            )
    return evidence, results


def credential(
    certification: Certification,
    *,
    holder_name: str,
    status_list_index: int,
    rule_sets: dict[int, rules.RuleSet],
) -> dict:
    """The unsigned `OpenBadgeCredential` of a certification, with the JWT registered
    claims (`iss`, `jti`, `nbf`) that VC-JOSE puts beside the credential's members.
    Deterministic: the same row, key and rules give the same bytes."""
    slug, name_ja, name_en = LEVELS[certification.level]
    valid_from = credential_valid_from(certification)
    ach = achievement(certification, rule_sets)
    evidence, results = _evidence_and_results(certification, ach["id"], rule_sets)
    teams = evidence_teams(certification.evidence)
    in_year = [t for t in teams if t.get("fiscal_year") == certification.fiscal_year] or teams
    subject = {
        "type": ["AchievementSubject"],
        # The holder has no DID and we publish no e-mail: the name, as on the 認定証.
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": holder_name,
                "identityType": "name",
                "hashed": False,
            }
        ],
        "achievement": ach,
        "term": f"{wareki_fiscal_year(certification.fiscal_year)} / "
        f"{fiscal_year_en(certification.fiscal_year)}",
    }
    if in_year:
        roles = {t.get("role") for t in in_year}
        subject["role"] = _role("leader" if "leader" in roles else "member")
    if results:
        subject["result"] = results
    credential_id = f"urn:uuid:{certification.public_id}"
    status_url = status_list_url()
    document = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id,
        "type": CREDENTIAL_TYPES,
        "name": f"{name_ja}（{wareki_fiscal_year(certification.fiscal_year)}） / {name_en} "
        f"({fiscal_year_en(certification.fiscal_year)})",
        "issuer": issuer_profile(),
        "validFrom": valid_from.isoformat(),
        "awardedDate": valid_from.isoformat(),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{status_url}#{status_list_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_list_index),
            "statusListCredential": status_url,
        },
    }
    if evidence:
        document["evidence"] = evidence
    # VC-JOSE / OB 3.0 §8.2: the registered claims mirror the credential's members.
    document["iss"] = document["issuer"]["id"]
    document["jti"] = credential_id
    document["nbf"] = int(valid_from.timestamp())
    return document
