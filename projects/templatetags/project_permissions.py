"""Predicates of `projects.permissions` that a page needs with arguments."""

from django import template

from .. import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def propose_refusal(context, project):
    """{% propose_refusal project as reason %}: why the person can neither propose nor
    join a team (the grade limit, the recruitment window), or ""."""
    return permissions.propose_refusal(context["request"].user, project)
