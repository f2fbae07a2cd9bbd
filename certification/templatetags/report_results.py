"""The 報告会 score certification decides with, for the evaluations results pages.

The combined score needs the 年度's rule set (weights, minimum raters, threshold), which
certification owns; evaluations' Python code never imports certification (apps depend
one way). The project-level templates, which sit above every app, load this library
and include `certification/_partials/report_result.html`: the read stays in
`certification.selectors.report_results`, the same computation as the recompute.
"""

from django import template

from projects.models import Team

from .. import selectors

register = template.Library()


@register.simple_tag
def report_result_of(team):
    """{% report_result_of team as r %}: the team's `ReportResult` (two queries)."""
    return selectors.report_results(teams=[team]).get(team.pk)


@register.simple_tag
def report_results_of_meeting(meeting):
    """{% report_results_of_meeting meeting as results %}: {team id: ReportResult} for
    the teams that presented at `meeting`, once it is closed, with the raw and the
    normalised score side by side (four queries)."""
    if meeting.status != meeting.Status.CLOSED:
        return {}
    teams = Team.objects.filter(presentations__meeting=meeting).select_related("project")
    return selectors.report_results(teams=teams.distinct(), compare=True)


@register.filter
def for_team(results, team_id):
    """{{ results|for_team:team.pk }}"""
    return (results or {}).get(team_id)
