"""Every change to projects, teams, memberships, worksheets and workshops.

Conventions: keyword-only, typed; each function owns its transaction, locks the row it
changes (`select_for_update`), returns early when the object is already in the target
state, and refuses with a `projects.exceptions.ProjectError` carrying a Japanese message.
Database constraints back the rules that races could otherwise break (one live
membership per person and project, one leader per team, a team never above its maximum
size); an `IntegrityError` from one of them becomes the same clear refusal.

Places in a team: `Team.member_count` counts live memberships (applied or approved). A
place is held from the moment someone applies (under a row lock on the team) and is
released when the membership is rejected or withdrawn, or the team is rejected or
withdrawn.

Services that depend on "today" (the recruitment window) take an optional keyword-only
`today`; the default is `timezone.localdate()`. The demo passes past dates explicitly.

A package split by what a reader looks for: `projects`, `teams`, `memberships`,
`worksheets`, `workshops`, activity `hours`, leave / early end / leader change in `absences`, the
recruitment rules in `eligibility`, shared helpers in `_common`; 所属長の承認 in
`consent_step` (inside applying and approving) and `head_consent` (the head's decisions
and the e-mail to heads). Callers import from `projects.services`; the names below are
its public face.
"""

from __future__ import annotations

from .absences import (
    leader_change,
    membership_end,
    membership_leave_add,
    membership_leave_end,
    project_span,
)
from .consent_step import check_head_consent, consent_pending
from .eligibility import check_eligible, check_recruitment_open, recruitment_is_open
from .head_consent import consent_requests_send, head_consent, head_decline
from .hours import (
    activity_log_create,
    activity_log_delete,
    activity_log_update,
    hours_notices_send,
)
from .memberships import (
    membership_apply,
    membership_approve,
    membership_reject,
    membership_withdraw,
)
from .projects import (
    PROJECT_FIELDS,
    TRANSITIONS,
    project_create,
    project_transition,
    project_update,
)
from .teams import team_approve, team_propose, team_reject, team_withdraw
from .worksheets import (
    WORKSHEET_FIELDS,
    check_can_edit_worksheet,
    measured_effect_add,
    measured_effect_delete,
    measured_effect_update,
    worksheet_update,
)
from .workshops import attendance_record, workshop_create

__all__ = [
    "PROJECT_FIELDS",
    "TRANSITIONS",
    "WORKSHEET_FIELDS",
    "activity_log_create",
    "activity_log_delete",
    "activity_log_update",
    "attendance_record",
    "check_head_consent",
    "consent_pending",
    "consent_requests_send",
    "head_consent",
    "head_decline",
    "check_can_edit_worksheet",
    "check_eligible",
    "check_recruitment_open",
    "leader_change",
    "hours_notices_send",
    "measured_effect_add",
    "measured_effect_delete",
    "measured_effect_update",
    "membership_apply",
    "membership_end",
    "membership_leave_add",
    "membership_leave_end",
    "membership_approve",
    "membership_reject",
    "membership_withdraw",
    "project_create",
    "project_span",
    "project_transition",
    "project_update",
    "recruitment_is_open",
    "team_approve",
    "team_propose",
    "team_reject",
    "team_withdraw",
    "worksheet_update",
    "workshop_create",
]
