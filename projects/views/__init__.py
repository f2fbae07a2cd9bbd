"""Staff and organiser pages of the BPR projects. Views orchestrate: a form validates, one
service call changes things, a message says what happened. Refusals (`ProjectError`)
become `messages.error` and change nothing."""

from .organiser import (
    organiser_attendance,
    organiser_membership_approve,
    organiser_membership_reject,
    organiser_project_create,
    organiser_project_edit,
    organiser_project_list,
    organiser_project_manage,
    organiser_project_transition,
    organiser_team_approve,
    organiser_team_members,
    organiser_team_reject,
    organiser_workshop_list,
)
from .staff import (
    effect_add,
    effect_delete,
    effect_edit,
    membership_apply,
    membership_withdraw,
    my_attendance,
    my_projects,
    project_detail,
    project_list,
    team_detail,
    team_propose,
    worksheet_edit,
)

__all__ = [
    "effect_add",
    "effect_delete",
    "effect_edit",
    "membership_apply",
    "membership_withdraw",
    "my_attendance",
    "my_projects",
    "organiser_attendance",
    "organiser_membership_approve",
    "organiser_membership_reject",
    "organiser_project_create",
    "organiser_project_edit",
    "organiser_project_list",
    "organiser_project_manage",
    "organiser_project_transition",
    "organiser_team_approve",
    "organiser_team_members",
    "organiser_team_reject",
    "organiser_workshop_list",
    "project_detail",
    "project_list",
    "team_detail",
    "team_propose",
    "worksheet_edit",
]
