"""Reading a certification's evidence (the JSON `rules.decide` wrote, enriched with team
names by the recompute). Shape, per level:

    advisor:    {"level", "fiscal_year", "teams": [TEAM, ...]}
    expert:     {"level", "fiscal_year", "advisor_fiscal_year", "advisor_basis",
                 "teams": [TEAM, ...]}
    specialist: {"level", "fiscal_year", "years": [{"fiscal_year", "teams": [TEAM]}, x2]}
    manual:     {"level", "fiscal_year", "manual": true, "reason"}

    TEAM = {"team": id, "team_name", "project_title", "fiscal_year", "role",
            "policy_mean", "policy_raters", "technical_mean", "technical_raters",
            "report_score", ["leadership_mean", "leadership_raters", "leadership_score",
            ["leader_at_meeting"]],
            "rules": {"fiscal_year", "report_threshold", "leadership_threshold",
                      "policy_weight", "technical_weight", "min_policy_raters",
                      "min_technical_raters", "min_leadership_raters"}}
"""

import datetime

from django.utils.translation import gettext as _

from accounts.fiscal import date_label, score_label


def evidence_teams(evidence: dict) -> list[dict]:
    """Every team entry of an evidence dict, flattened (specialist years included)."""
    if not isinstance(evidence, dict):
        return []
    teams = [t for t in evidence.get("teams", []) if isinstance(t, dict)]
    for year in evidence.get("years", []) or []:
        if isinstance(year, dict):
            teams += [t for t in year.get("teams", []) if isinstance(t, dict)]
    return teams


def number(value) -> str:
    return "—" if value is None else score_label(value)


def role_label(role: str) -> str:
    return _("リーダー") if role == "leader" else _("メンバー")


def team_role_label(team: dict) -> str:
    """The role of a TEAM entry; a leader evaluated after a leader change (issue 14) says
    at which report meeting they led, e.g. 「リーダー（報告会 令和6年2月1日 時点）」."""
    label = role_label(team.get("role", ""))
    led_on = team.get("leader_at_meeting")
    if team.get("role") == "leader" and isinstance(led_on, str):
        try:
            day = datetime.date.fromisoformat(led_on)
        except ValueError:
            return label
        label = _("%(role)s（報告会 %(date)s 時点）") % {"role": label, "date": date_label(day)}
    return label


def summary(evidence: dict, *, leadership_min_raters: int = 0) -> str:
    """One line per team, e.g. 「チームA（リーダー）報告会 72.4点 / リーダーシップ 70点」.

    A leadership score is included only when at least `leadership_min_raters` answered
    (the leader's own page passes the anonymity threshold)."""
    if isinstance(evidence, dict) and evidence.get("manual"):
        return _("人事担当による付与：%(reason)s") % {"reason": evidence.get("reason", "")}
    parts = []
    for team in evidence_teams(evidence):
        text = _("%(team)s（%(role)s）報告会 %(score)s点") % {
            "team": team.get("team_name") or team.get("team"),
            "role": team_role_label(team),
            "score": number(team.get("report_score")),
        }
        if (
            team.get("leadership_score") is not None
            and (team.get("leadership_raters") or 0) >= leadership_min_raters
        ):
            text += _(" / リーダーシップ %(score)s点") % {
                "score": number(team.get("leadership_score"))
            }
        parts.append(text)
    return "、".join(parts)
