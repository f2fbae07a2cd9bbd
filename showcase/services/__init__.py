"""Every write of the showcase app (see each module's docstrings)."""

from .adoptions import ADOPTION_TRANSITIONS, adoption_interest_register, adoption_status_set
from .consent import name_consent_set
from .publishing import case_publish, case_unpublish, publish_refusal, theme_tag_add

__all__ = [
    "ADOPTION_TRANSITIONS",
    "adoption_interest_register",
    "adoption_status_set",
    "case_publish",
    "case_unpublish",
    "name_consent_set",
    "publish_refusal",
    "theme_tag_add",
]
