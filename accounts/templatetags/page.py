from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.filter(is_safe=True)
def page_title(value):
    """`{% filter page_title %}{% block head_title %}{% endblock %}{% endfilter %}` →
    「わたしの認定 | 真岡市 DX人材ポータル」, or the site's name alone on a page without
    a title of its own (a template cannot ask whether a child filled a block)."""
    site = _("真岡市 DX人材ポータル")
    title = " ".join(str(value).split())
    return format_html("{} | {}", value.strip(), site) if title else site
