"""Evidence rendering for HR: a certification's (or a proposal's) evidence as a table."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.fiscal import fiscal_year_label

from .. import evidence


def evidence_table(data: dict | None):
    """The evidence as an escaped HTML table: teams, scores (mean and raters), and the
    thresholds and weights of the rule set used."""
    data = data or {}
    if data.get("manual"):
        return format_html("<p>{}</p>", evidence.summary(data))
    teams = evidence.evidence_teams(data)
    if not teams:
        return _("（根拠の記録はありません）")
    header = format_html_join(
        "",
        "<th>{}</th>",
        (
            (h,)
            for h in (
                _("年度"),
                _("チーム"),
                _("役割"),
                _("政策的観点（平均・人数）"),
                _("技術的観点（平均・人数）"),
                _("報告会の評価"),
                _("リーダーシップ（平均・人数）"),
                _("基準点（報告会・リーダーシップ）"),
                _("重み（政策・技術）"),
                _("最少評価者数（政策・技術・リーダーシップ）"),
            )
        ),
    )

    def row(team):
        rules = team.get("rules", {})
        # The evidence is what the decision saw: an Advisor decided before the leadership
        # window closed recorded no leadership answers, although the holder's own page
        # (live data) now shows the mean. Say so rather than 「—（0）」.
        if team.get("role") != "leader":
            leadership = "—"
        elif not team.get("leadership_raters"):
            leadership = _("認定時点では未集計")
        else:
            leadership = (
                f"{evidence.number(team.get('leadership_mean'))}（{team.get('leadership_raters')}）"
            )
        return (
            fiscal_year_label(team.get("fiscal_year")),
            f"{team.get('team_name', team.get('team'))} / {team.get('project_title', '')}",
            evidence.team_role_label(team),
            f"{evidence.number(team.get('policy_mean'))}（{team.get('policy_raters', 0)}）",
            f"{evidence.number(team.get('technical_mean'))}（{team.get('technical_raters', 0)}）",
            evidence.number(team.get("report_score")),
            leadership,
            f"{evidence.number(rules.get('report_threshold'))}・"
            f"{evidence.number(rules.get('leadership_threshold'))}",
            f"{rules.get('policy_weight', '')}・{rules.get('technical_weight', '')}",
            f"{rules.get('min_policy_raters', '')}・{rules.get('min_technical_raters', '')}・"
            f"{rules.get('min_leadership_raters', '')}",
        )

    body = format_html_join(
        "",
        "<tr>" + "<td>{}</td>" * 10 + "</tr>",
        (row(team) for team in teams),
    )
    extra = ""
    if data.get("advisor_fiscal_year"):
        extra = format_html(
            "<p>{}</p>",
            _("アドバイザー認定の年度：%(year)s")
            % {"year": fiscal_year_label(data["advisor_fiscal_year"])},
        )
    return format_html(
        '<div class="certification-evidence-wrap"><table class="certification-evidence">'
        "<thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>{}",
        header,
        body,
        extra,
    )


class FiscalYearFilter(admin.SimpleListFilter):
    """年度 shown as 令和N年度 rather than the bare year."""

    title = gettext_lazy("認定年度")
    parameter_name = "fiscal_year"

    def lookups(self, request, model_admin):
        years = (
            model_admin.get_queryset(request)
            .order_by("-fiscal_year")
            .values_list("fiscal_year", flat=True)
            .distinct()
        )
        return [(str(year), fiscal_year_label(year)) for year in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(fiscal_year=int(value))
        return queryset
