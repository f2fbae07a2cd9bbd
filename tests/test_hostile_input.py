"""Hostile input against every form of the portal (issue 6, section 3).

Hypothesis posts random, oversized (10× max_length), full-width, emoji, NUL, negative,
huge-integer and forged-id values to every form (the table FORMS below). For each example:

- never a 500 (the test client re-raises a view's exception, so an exception fails);
- a refused request (no success message: a re-rendered form, a 4xx, or a redirect with
  an error) changed nothing: every table of our apps (rows, history, many-to-many) hashes
  the same before and after;
- an accepted request wrote only the tables the form may write, and each row of those
  models passes its model's validation again (a whole, coherent object) with no NUL.

Each example runs inside `transaction.atomic()` and is rolled back, so examples do not see
each other's writes. `test_every_post_url_has_a_hostile_input_entry` fails when a new URL
appears that is neither in FORMS nor in GET_ONLY.

XSS, CSV/XLSX formula injection, CSRF, uploads and NUL characters have their own tests
at the end of the module.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.models import Department, User
from certification.models import Certification, DecisionLine, Level
from evaluations.models import Criterion, Evaluation, Perspective, Presentation, ReportMeeting
from projects.models import ActivityLog, MeasuredEffect, Project, Team
from tests.hostile.support import (
    OMIT,
    PDF,
    Form,
    assert_coherent,
    changed_tables,
    choice,
    date,
    decimal,
    file_payload,
    form_data,
    has_success,
    hostile,
    hostile_world,
    ids,
    integer,
    many,
    mixed,
    new_messages,
    odd_text,
    roster_file,
    snapshot,
    tables_of,
    text,
    upload,
)
from tests.test_permission_matrix import _url_names

pytestmark = pytest.mark.postgres

# --- the table ------------------------------------------------------------------------


def _pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


def _all_user_pks(w):
    return list(User.objects.values_list("pk", flat=True))


def _criteria(rubric):
    return list(Criterion.objects.filter(rubric=rubric).values_list("pk", flat=True))


def _scores(w, rubric):
    fields = {f"score_{pk}": choice(range(1, 6)) for pk in _criteria(rubric)}
    fields["score_forged"] = mixed(st.just(OMIT), hostile())
    fields[f"score_{2**40}"] = mixed(st.just(OMIT), choice(range(1, 6)))
    fields["comment"] = text(2000)
    return fields


def _project_fields(w):
    return {
        "fiscal_year": integer(2000, 2100),
        "title": text(100),
        "description": text(4000),
        "recruitment_starts_on": date(),
        "recruitment_ends_on": date(),
        "max_grade": choice(range(1, 9)),
        "team_size_min": integer(1, 10),
        "team_size_max": integer(1, 10),
        "coaching_vendor": text(100),
        "requires_head_consent": st.one_of(st.just("on"), st.just(OMIT), hostile()),
        "weekly_hours_cap": decimal(-10, 200, places=1),
    }


def _hours_fields(w):
    return {
        "worked_on": date(),
        "hours": decimal(-30, 30, places=2),
        "note": text(200),
    }


def _effect_fields(w):
    return {
        "label": text(100),
        "unit": text(20),
        "before": decimal(-(10**10), 10**10),
        "after": decimal(-(10**10), 10**10),
    }


def _criterion_fields(prefix=""):
    def fields(w):
        p = f"{prefix}-" if prefix else ""
        result = {
            f"{p}label_ja": text(60),
            f"{p}label_en": text(60),
            f"{p}description": text(300),
            f"{p}weight": decimal(0, 99, places=2),
        }
        result.update({f"{p}point_{i}": text(40) for i in range(1, 6)})
        return result

    return fields


def _odd_criterion(prefix=""):
    def fields(w):
        p = f"{prefix}-" if prefix else ""
        return [
            {
                f"{p}label_ja": odd_text(60),
                f"{p}label_en": odd_text(60),
                f"{p}description": odd_text(300),
                f"{p}weight": "1.25",
                **{f"{p}point_{i}": f"{i}点😀" for i in range(1, 6)},
            }
        ]

    return fields


def _reason_action(action, *, decision=False):
    def fields(w):
        result = {
            "_selected_action": many(
                list(Certification.objects.values_list("pk", flat=True)) + [2**40]
            ),
            "reason": text(2000),
            "confirm": st.one_of(st.just("1"), st.just(OMIT)),
        }
        if decision:
            result["decision"] = choice(["keep", "revoke"])
        return result

    def odd(w):
        selected = w.flagged if decision else w.certification
        result = {"_selected_action": [selected.pk], "reason": odd_text(2000), "confirm": "1"}
        return [{**result, "decision": "keep"} if decision else result]

    return Form(
        "admin:certification_certification_changelist",
        "hr_admin",
        fields,
        static=lambda w: {"action": action, "index": "0"},
        # Revocations are proposals (認定決裁); "keep" changes the certification at once.
        writes=(
            "certification.Certification",
            "certification.DecisionBatch",
            "certification.DecisionLine",
            "accounts.AuditEntry",
        ),
        odd=odd,
        note=f"admin action {action}",
    )


def _language_switched(response) -> bool:
    cookie = response.cookies.get(django_settings.LANGUAGE_COOKIE_NAME)
    return response.status_code == 302 and cookie is not None and cookie.value in ("ja", "en")


def _odd_roster(w) -> SimpleUploadedFile:
    """A valid roster (a new person and the staff member renamed) with odd names."""
    department = w.staff.department.code
    rows = [
        "職員番号,姓,名,セイ,メイ,所属コード,職位,メールアドレス",
        f"H-0001,𠮷野😀,<script>,ヨシノ,タロウ,{department},主事,h0001@city.test",
        f'{w.staff.employee_number},"=1+1",髙橋,タカハシ,はなこ,{department},主事,',
    ]
    return SimpleUploadedFile("roster.csv", ("\r\n".join(rows) + "\r\n").encode("utf-8-sig"))


def _confirm_roster(client, url, response):
    """The roster's second step: confirm the previewed rows with the one-time token."""
    token = (response.context or {}).get("token")
    if token:
        return client.post(url, {"action": "confirm", "token": token})
    return None


def _grant(url_name):
    return Form(
        url_name,
        "hr_admin",
        lambda w: {
            "employee_number": ids(
                [u.employee_number for u in (w.staff, w.member, w.leader)] + ["99999"]
            ),
            "level": choice(Level.values),
            "fiscal_year": integer(2000, 2100),
            "reason": text(2000),
        },
        # A grant is a proposal (認定決裁): nothing is published until decided.
        writes=("certification.DecisionBatch", "certification.DecisionLine", "accounts.AuditEntry"),
        odd=lambda w: [
            {
                # (the world's staff member already has a pending Advisor grant)
                "employee_number": w.member.employee_number,
                "level": str(Level.SPECIALIST.value),
                "fiscal_year": "2024",
                "reason": odd_text(2000),
            }
        ],
    )


FORMS: dict[str, Form] = {
    # --- projects: staff ---
    "projects:team_propose": Form(
        "projects:team_propose",
        "staff",
        lambda w: {
            "name": text(60),
            "theme": text(200),
            "target_department": ids(Department.objects.values_list("pk", flat=True)),
        },
        kwargs=_pk("recruiting"),
        writes=("projects.Team", "projects.Membership", "projects.HeadConsent"),
        odd=lambda w: [
            {
                "name": odd_text(60),
                "theme": odd_text(200),
                "target_department": w.staff.department_id,
            }
        ],
    ),
    "projects:membership_apply": Form(
        "projects:membership_apply",
        "staff",
        lambda w: {"team": ids([w.team.pk])},
        kwargs=_pk("proposed_team"),
        writes=("projects.Membership", "projects.Team", "projects.HeadConsent"),
        examples=8,
        note="no fields: the team comes from the URL; a posted id is ignored",
        some_refused=False,
    ),
    "projects:membership_withdraw": Form(
        "projects:membership_withdraw",
        "recruit",
        lambda w: {"membership": ids([w.applicant.pk])},
        kwargs=_pk("recruit_membership"),
        writes=("projects.Membership", "projects.Team"),
        examples=8,
        some_refused=False,
        note="no fields: the membership comes from the URL (an application, still open)",
    ),
    "projects:worksheet_edit": Form(
        "projects:worksheet_edit",
        "member",
        lambda w: {
            name: text(4000)
            for name in ("problem", "cause", "solution", "effect", "as_is", "to_be", "can_be")
        },
        kwargs=_pk("team"),
        writes=("projects.Worksheet",),
        odd=lambda w: [
            {
                name: odd_text(4000)
                for name in ("problem", "cause", "solution", "effect", "as_is", "to_be", "can_be")
            }
        ],
    ),
    "projects:effect_add": Form(
        "projects:effect_add",
        "member",
        _effect_fields,
        kwargs=_pk("team"),
        writes=("projects.MeasuredEffect", "projects.Worksheet"),
        odd=lambda w: [
            {"label": odd_text(100), "unit": "時間😀", "before": "120.50", "after": "30"}
        ],
    ),
    "projects:effect_edit": Form(
        "projects:effect_edit",
        "member",
        _effect_fields,
        kwargs=_pk("effect"),
        writes=("projects.MeasuredEffect",),
        odd=lambda w: [{"label": odd_text(100), "unit": "ｈ", "before": "-5", "after": "0"}],
    ),
    "projects:effect_delete": Form(
        "projects:effect_delete",
        "member",
        lambda w: {"effect": ids([w.effect.pk])},
        kwargs=_pk("effect"),
        writes=("projects.MeasuredEffect",),
        examples=8,
        some_refused=False,
    ),
    # --- projects: 所属長 (issue 12) ---
    "projects:consent_decide": Form(
        "projects:consent_decide",
        "department_head",
        lambda w: {
            "decision": choice(["consent", "decline"]),
            "coverage": text(1000),
            "reason": text(1000),
        },
        kwargs=_pk("consent"),
        # A decline ends the application: its membership is rejected and the place freed.
        writes=(
            "projects.HeadConsent",
            "projects.Membership",
            "projects.Team",
            "accounts.AuditEntry",
        ),
        odd=lambda w: [
            {"decision": "consent", "coverage": odd_text(1000), "reason": ""},
            {"decision": "decline", "coverage": "", "reason": odd_text(1000)},
        ],
    ),
    # --- projects: activity hours (issue 12) ---
    "projects:hours_mine": Form(
        "projects:hours_mine",
        "member",
        lambda w: {"team": ids([w.team.pk, w.proposed_team.pk]), **_hours_fields(w)},
        writes=("projects.ActivityLog", "projects.HoursNotice"),
        odd=lambda w: [
            # 24 hours on a day without entries: the week goes over the cap (a notice).
            {"team": w.team.pk, "worked_on": "2024-06-30", "hours": "24", "note": odd_text(200)}
        ],
    ),
    "projects:hours_edit": Form(
        "projects:hours_edit",
        "member",
        _hours_fields,
        kwargs=_pk("activity_log"),
        writes=("projects.ActivityLog", "projects.HoursNotice"),
        odd=lambda w: [{"worked_on": "2024-05-28", "hours": "0.5", "note": odd_text(200)}],
    ),
    "projects:hours_delete": Form(
        "projects:hours_delete",
        "member",
        lambda w: {"log": ids([w.activity_log.pk])},
        kwargs=_pk("activity_log"),
        writes=("projects.ActivityLog",),
        examples=8,
        some_refused=False,
        note="no fields: the entry comes from the URL (the author's own)",
    ),
    # --- projects: organiser ---
    "projects:organiser_project_create": Form(
        "projects:organiser_project_create",
        "organiser",
        _project_fields,
        writes=("projects.Project",),
        odd=lambda w: [
            {
                "fiscal_year": "2031",
                "title": odd_text(100),
                "description": odd_text(4000),
                "recruitment_starts_on": "2031-04-01",
                "recruitment_ends_on": "2031-05-31",
                "max_grade": "5",
                "team_size_min": "2",
                "team_size_max": "5",
                "coaching_vendor": odd_text(100),
                "weekly_hours_cap": "4.5",
            }
        ],
    ),
    "projects:organiser_project_edit": Form(
        "projects:organiser_project_edit",
        "organiser",
        _project_fields,
        kwargs=_pk("project"),
        writes=("projects.Project",),
        odd=lambda w: [
            {
                "fiscal_year": "2024",
                "title": odd_text(100),
                "description": odd_text(4000),
                "recruitment_starts_on": "2024-04-01",
                "recruitment_ends_on": "2024-05-31",
                "max_grade": "5",
                "team_size_min": "2",
                "team_size_max": "5",
                "coaching_vendor": odd_text(100),
                "weekly_hours_cap": "4.5",
            }
        ],
    ),
    "projects:organiser_project_transition": Form(
        "projects:organiser_project_transition",
        "organiser",
        lambda w: {"to": choice(Project.Status.values)},
        kwargs=_pk("draft"),
        writes=("projects.Project",),
        odd=lambda w: [{"to": Project.Status.RECRUITING}],
    ),
    "projects:organiser_workshop_list": Form(
        "projects:organiser_workshop_list",
        "organiser",
        lambda w: {"held_on": date(), "topic": text(200), "hours": decimal(0, 999, places=1)},
        kwargs=_pk("project"),
        writes=("projects.Workshop",),
        odd=lambda w: [{"held_on": "2024-07-01", "topic": odd_text(200), "hours": "2.5"}],
    ),
    "projects:organiser_team_approve": Form(
        "projects:organiser_team_approve",
        "organiser",
        lambda w: {"team": ids([w.team.pk])},
        kwargs=_pk("proposed_team"),
        writes=(
            "projects.Team",
            "projects.Membership",
            "projects.Worksheet",
            "accounts.AuditEntry",
        ),
        examples=8,
        some_refused=False,
    ),
    "projects:organiser_team_reject": Form(
        "projects:organiser_team_reject",
        "organiser",
        lambda w: {"team": ids([w.team.pk])},
        kwargs=_pk("proposed_team"),
        writes=("projects.Team", "projects.Membership", "accounts.AuditEntry"),
        examples=8,
        some_refused=False,
    ),
    "projects:organiser_membership_approve": Form(
        "projects:organiser_membership_approve",
        "organiser",
        lambda w: {"membership": ids([w.membership.pk])},
        kwargs=_pk("applicant"),
        writes=("projects.Membership", "accounts.AuditEntry"),
        examples=8,
        some_refused=False,
    ),
    "projects:organiser_membership_reject": Form(
        "projects:organiser_membership_reject",
        "organiser",
        lambda w: {"membership": ids([w.membership.pk])},
        kwargs=_pk("applicant"),
        writes=("projects.Membership", "projects.Team", "accounts.AuditEntry"),
        examples=8,
        some_refused=False,
    ),
    "projects:organiser_leave_end": Form(
        "projects:organiser_leave_end",
        "organiser",
        lambda w: {"ends_on": date()},
        kwargs=_pk("leave"),
        writes=("projects.MembershipLeave", "accounts.AuditEntry"),
        odd=lambda w: [{"ends_on": "2024-06-15"}],
    ),
    "projects:organiser_attendance": Form(
        "projects:organiser_attendance",
        "organiser",
        lambda w: {"attended": many([w.member.pk, w.leader.pk, w.staff.pk, w.applicant.user_id])},
        kwargs=_pk("workshop"),
        # A workshop counts in its week's activity hours: it may push a week over the cap.
        writes=("projects.Attendance", "projects.HoursNotice"),
        odd=lambda w: [{"attended": [w.member.pk, w.leader.pk]}],
    ),
    "projects:organiser_team_members": Form(
        "projects:organiser_team_members",
        "organiser",
        lambda w: {
            "action": choice(["leave", "end", "leader"]),
            "leave-membership": ids([w.membership.pk, w.applicant.pk, w.recruit_membership.pk]),
            "leave-kind": choice(["childcare", "sick", "other"]),
            "leave-starts_on": date(),
            "leave-ends_on": date(),
            "leave-reason": text(200),
            "end-membership": ids([w.membership.pk, w.applicant.pk]),
            "end-ended_on": date(),
            "leader-membership": ids([w.membership.pk, w.recruit_membership.pk]),
            "leader-on": date(),
        },
        kwargs=_pk("team"),
        writes=(
            "projects.MembershipLeave",
            "projects.Membership",
            "projects.LeaderTerm",
            "accounts.AuditEntry",
        ),
        odd=lambda w: [
            {
                "action": "leave",
                "leave-membership": str(w.membership.pk),
                "leave-kind": "sick",
                "leave-starts_on": "2024-10-01",
                "leave-ends_on": "2024-10-31",
                "leave-reason": odd_text(200),
            },
            {"action": "end", "end-membership": str(w.membership.pk), "end-ended_on": "2024-12-01"},
            {
                "action": "leader",
                "leader-membership": str(w.membership.pk),
                "leader-on": "2024-12-01",
            },
        ],
    ),
    # --- evaluations: raters and staff ---
    "evaluations:presentation_evaluate": Form(
        "evaluations:presentation_evaluate",
        "executive",
        lambda w: {
            "perspective": mixed(st.just("policy"), choice(Perspective.values)),
            **_scores(w, w.rubric),
        },
        kwargs=_pk("presentation"),
        writes=("evaluations.Evaluation", "evaluations.CriterionScore"),
        examples=40,
        odd=lambda w: [
            {
                "perspective": "policy",
                "comment": odd_text(2000),
                **{f"score_{pk}": "3" for pk in _criteria(w.rubric)},
            }
        ],
    ),
    "evaluations:leadership_evaluate": Form(
        "evaluations:leadership_evaluate",
        "member",
        lambda w: _scores(w, w.leadership_rubric),
        kwargs=lambda w: {"team_pk": w.team.pk},
        writes=("evaluations.Evaluation", "evaluations.CriterionScore"),
        examples=40,
        odd=lambda w: [
            {
                "comment": odd_text(2000),
                **{f"score_{pk}": "5" for pk in _criteria(w.leadership_rubric)},
            }
        ],
    ),
    # --- evaluations: organiser ---
    "evaluations:organiser_meeting_create": Form(
        "evaluations:organiser_meeting_create",
        "organiser",
        lambda w: {
            "project": ids(Project.objects.values_list("pk", flat=True)),
            "title": text(100),
            "held_on": date(),
            "place": text(100),
        },
        writes=("evaluations.ReportMeeting", "evaluations.Rubric", "evaluations.Criterion"),
        odd=lambda w: [
            {
                "project": w.project.pk,
                "title": odd_text(100),
                "held_on": "2025-01-20",
                "place": odd_text(100),
            }
        ],
    ),
    "evaluations:organiser_presentation_add": Form(
        "evaluations:organiser_presentation_add",
        "organiser",
        lambda w: {
            "team": ids(Team.objects.values_list("pk", flat=True)),
            "title": text(200),
            "materials": upload(),
        },
        kwargs=_pk("meeting"),
        writes=("evaluations.Presentation",),
        odd=lambda w: [
            {
                "team": w.third_team.pk,
                "title": odd_text(200),
                "materials": SimpleUploadedFile("スライド😀.pdf", PDF),
            }
        ],
    ),
    "evaluations:organiser_presentation_materials": Form(
        "evaluations:organiser_presentation_materials",
        "organiser",
        lambda w: {"materials": upload()},
        kwargs=_pk("presentation"),
        writes=("evaluations.Presentation",),
        odd=lambda w: [{"materials": SimpleUploadedFile("slides.pdf", PDF)}],
    ),
    "evaluations:organiser_presentation_move": Form(
        "evaluations:organiser_presentation_move",
        "organiser",
        lambda w: {"direction": choice(["up", "down"])},
        kwargs=_pk("presentation"),
        writes=("evaluations.Presentation",),
        examples=10,
        some_refused=False,
    ),
    "evaluations:organiser_meeting_open": Form(
        "evaluations:organiser_meeting_open",
        "organiser",
        lambda w: {"meeting": ids([w.meeting.pk])},
        kwargs=_pk("meeting"),
        writes=("evaluations.ReportMeeting",),
        examples=5,
        some_refused=False,
    ),
    "evaluations:organiser_meeting_close": Form(
        "evaluations:organiser_meeting_close",
        "organiser",
        lambda w: {"meeting": ids([w.meeting.pk])},
        kwargs=_pk("meeting"),
        odd=lambda w: [{"reason": odd_text(2000)}],
        writes=("evaluations.ReportMeeting", "accounts.AuditEntry"),
        examples=5,
        some_refused=False,
    ),
    "evaluations:organiser_window_open": Form(
        "evaluations:organiser_window_open",
        "organiser",
        lambda w: {"closes_on": date()},
        kwargs=lambda w: {"project_pk": w.project.pk},
        writes=("evaluations.LeadershipWindow", "evaluations.Rubric", "evaluations.Criterion"),
        odd=lambda w: [{"closes_on": "2099-03-31"}],
    ),
    "evaluations:organiser_window_close": Form(
        "evaluations:organiser_window_close",
        "organiser",
        lambda w: {"window": ids([w.window.pk])},
        kwargs=lambda w: {"project_pk": w.project.pk},
        writes=("evaluations.LeadershipWindow", "accounts.AuditEntry"),
        examples=5,
        some_refused=False,
    ),
    "evaluations:organiser_invitation_add": Form(
        "evaluations:organiser_invitation_add",
        "organiser",
        lambda w: {f"t{w.team.pk}-user": ids(_all_user_pks(w))},
        kwargs=lambda w: {"team_pk": w.team.pk},
        writes=("evaluations.LeadershipInvitation",),
        odd=lambda w: [{f"t{w.team.pk}-user": w.colleague2.pk}],
    ),
    "evaluations:organiser_invitation_remove": Form(
        "evaluations:organiser_invitation_remove",
        "organiser",
        lambda w: {"invitation": ids([w.invitation.pk])},
        kwargs=_pk("invitation"),
        writes=("evaluations.LeadershipInvitation",),
        examples=5,
        some_refused=False,
    ),
    "evaluations:organiser_rubric_defaults": Form(
        "evaluations:organiser_rubric_defaults",
        "organiser",
        lambda w: {"fiscal_year": integer(1990, 2110)},
        writes=("evaluations.Rubric", "evaluations.Criterion"),
        odd=lambda w: [{"fiscal_year": "2031"}],
    ),
    "evaluations:organiser_rubric_copy": Form(
        "evaluations:organiser_rubric_copy",
        "organiser",
        lambda w: {"fiscal_year": integer(1990, 2110)},
        kwargs=lambda w: {"pk": w.rubric.pk},
        writes=("evaluations.Rubric", "evaluations.Criterion"),
        odd=lambda w: [{"fiscal_year": "2031"}],
    ),
    "evaluations:organiser_criterion_add": Form(
        "evaluations:organiser_criterion_add",
        "organiser",
        _criterion_fields("new"),
        kwargs=lambda w: {"pk": w.rubric.pk},
        writes=("evaluations.Criterion",),
        odd=_odd_criterion("new"),
    ),
    "evaluations:organiser_criterion_edit": Form(
        "evaluations:organiser_criterion_edit",
        "organiser",
        lambda w: {
            **_criterion_fields()(w),
            "delete": st.one_of(st.just(OMIT), st.just(OMIT), st.just("1")),
        },
        kwargs=lambda w: {"pk": w.criterion.pk},
        writes=("evaluations.Criterion",),
        odd=_odd_criterion(),
    ),
    # --- showcase: staff ---
    "showcase:case_interest": Form(
        "showcase:case_interest",
        "member",
        # One text field: the hostile values that must be refused (too long, NUL) are
        # drawn as often as the rest, so that some always are.
        lambda w: {
            "note": mixed(
                text(500), st.one_of(hostile(500), st.sampled_from(["あ" * 501, "a\x00b"]))
            )
        },
        kwargs=_pk("case"),
        writes=("showcase.AdoptionInterest",),
        odd=lambda w: [{"note": odd_text(500)}, {}],
    ),
    "showcase:name_consent": Form(
        "showcase:name_consent",
        "member",
        lambda w: {"show_name": mixed(st.just("on"), hostile())},
        kwargs=lambda w: {"team_pk": w.team.pk},
        writes=("showcase.NameConsent",),
        examples=10,
        some_refused=False,
        note="a checkbox: anything but a true value means 「表示しない」",
    ),
    # --- showcase: organiser ---
    "showcase:organiser_case_publish": Form(
        "showcase:organiser_case_publish",
        "organiser",
        lambda w: {"tags": many([w.tag.pk, 2**40])},
        kwargs=lambda w: {"team_pk": w.ready_team.pk},
        writes=("showcase.ShowcaseCase", "accounts.AuditEntry"),
        odd=lambda w: [{"tags": [w.tag.pk]}, {}],
    ),
    "showcase:organiser_case_unpublish": Form(
        "showcase:organiser_case_unpublish",
        "organiser",
        lambda w: {"case": ids([w.hidden_case.pk])},
        kwargs=_pk("case"),
        writes=("showcase.ShowcaseCase", "accounts.AuditEntry"),
        examples=5,
        some_refused=False,
        note="no fields: the case comes from the URL",
    ),
    "showcase:organiser_tag_add": Form(
        "showcase:organiser_tag_add",
        "organiser",
        lambda w: {"name": text(30), "name_en": text(40)},
        writes=("showcase.ThemeTag",),
        odd=lambda w: [{"name": odd_text(30), "name_en": odd_text(40)}],
    ),
    "showcase:organiser_adoption_status": Form(
        "showcase:organiser_adoption_status",
        "organiser",
        lambda w: {"status": choice(["interested", "considering", "adopted", "dropped"])},
        kwargs=_pk("interest"),
        writes=("showcase.AdoptionInterest", "accounts.AuditEntry"),
        odd=lambda w: [{"status": "adopted"}],
    ),
    # --- accounts and the language switch ---
    "set_language": Form(
        "set_language",
        "staff",
        lambda w: {"language": choice(["ja", "en", "fr"]), "next": choice(["/", "//evil/"])},
        examples=15,
        accepted=_language_switched,
        note="writes a cookie, never the database",
        odd=lambda w: [{"language": "en", "next": "/"}],
    ),
    "account_login": Form(
        "account_login",
        "anonymous",
        lambda w: {"login": ids([w.staff.employee_number]), "password": text(128)},
        examples=15,
        writes=("accounts.User",),
        note="a successful login writes the user's last_login",
        odd=lambda w: [{"login": w.staff.employee_number, "password": "pass-word-123"}],
    ),
    "admin:accounts_user_roster_import": Form(
        "admin:accounts_user_roster_import",
        "hr_admin",
        lambda w: {
            "file": roster_file(),
            "full_roster": st.one_of(st.just(OMIT), st.just("on")),
            "action": st.one_of(st.just(OMIT), st.just("confirm"), hostile()),
            "token": hostile(),
        },
        examples=40,
        # A confirmed import may move people (dated transfers) and rename them.
        writes=(
            "accounts.User",
            "accounts.AuditEntry",
            "accounts.DepartmentAssignment",
            "accounts.NameChange",
        ),
        odd=lambda w: [{"file": _odd_roster(w)}, {"file": _odd_roster(w), "full_roster": "on"}],
        follow_up=_confirm_roster,
        note="upload is a dry run (preview); confirm needs the session's one-time token",
    ),
    # --- accounts: HR records a name change (issue #14) ---
    "admin:accounts_user_name_change": Form(
        "admin:accounts_user_name_change",
        "hr_admin",
        lambda w: {
            "last_name": text(50),
            "first_name": text(50),
            "last_name_kana": mixed(st.sampled_from(["ハガ", "はが", "ニノミヤ"]), hostile(50)),
            "first_name_kana": mixed(st.sampled_from(["ハナコ", "はなこ"]), hostile(50)),
            "changed_on": date(),
            "uses_maiden_name_at_work": st.one_of(st.just(OMIT), st.just("on"), hostile()),
        },
        kwargs=lambda w: {"object_id": w.member.pk},
        writes=("accounts.NameChange", "accounts.User", "accounts.AuditEntry"),
        odd=lambda w: [
            {
                "last_name": "髙橋",
                "first_name": "花子😀",
                "last_name_kana": "たかはし",
                "first_name_kana": "ハナコ",
                "changed_on": "2025-04-01",
                "uses_maiden_name_at_work": "on",
            }
        ],
        note="dates after today are refused with a message; kana may be hiragana",
    ),
    # --- evaluations: HR's reasoned reopening (the world's meeting and window are open,
    # so an accepted reason changes nothing; closed ones are in test_closed_is_closed) ---
    "admin:evaluations_reportmeeting_reopen": Form(
        "admin:evaluations_reportmeeting_reopen",
        "hr_admin",
        lambda w: {"reason": text(2000)},
        kwargs=_pk("meeting"),
        odd=lambda w: [{"reason": odd_text(2000)}],
        writes=("evaluations.ReportMeeting", "accounts.AuditEntry"),
    ),
    "admin:evaluations_leadershipwindow_reopen": Form(
        "admin:evaluations_leadershipwindow_reopen",
        "hr_admin",
        lambda w: {"reason": text(2000)},
        kwargs=_pk("window"),
        odd=lambda w: [{"reason": odd_text(2000)}],
        writes=("evaluations.LeadershipWindow", "accounts.AuditEntry"),
    ),
    # --- certification (HR, in the admin) ---
    "admin:certification_certification_grant": _grant("admin:certification_certification_grant"),
    "admin:certification_certification_add": _grant("admin:certification_certification_add"),
    "admin:certification_certification_changelist#revoke": _reason_action("revoke_action"),
    "admin:certification_certification_changelist#resolve": _reason_action(
        "resolve_flag_action", decision=True
    ),
    "admin:certification_certification_changelist#recompute": Form(
        "admin:certification_certification_changelist",
        "hr_admin",
        lambda w: {
            "_selected_action": many(list(Certification.objects.values_list("pk", flat=True)))
        },
        static=lambda w: {"action": "recompute_action", "index": "0"},
        # Queued as a run; in approval mode (the default) the run proposes.
        writes=(
            "certification.RecomputeRun",
            "certification.StaleUser",
            "certification.DecisionBatch",
            "certification.DecisionLine",
        ),
        examples=8,
        odd=lambda w: [{"_selected_action": [w.certification.pk, w.flagged.pk]}],
        some_refused=False,
    ),
    "admin:certification_decisionbatch_change": Form(
        "admin:certification_decisionbatch_change",
        "hr_admin",
        lambda w: {
            "decided_on": date(),
            "decision_number": text(50),
            "reject": many(list(DecisionLine.objects.values_list("pk", flat=True)) + [2**40]),
            "reject_reason": text(2000),
        },
        kwargs=lambda w: {"object_id": w.decision_line.batch_id},
        odd=lambda w: [{"decided_on": "2025-05-20", "decision_number": odd_text(50)}],
        writes=(
            "certification.Certification",
            "certification.DecisionBatch",
            "certification.DecisionLine",
            "accounts.AuditEntry",
        ),
        note="the preparer may approve (no second HR admin in this world)",
    ),
    "admin:certification_certification_change": Form(
        "admin:certification_certification_change",
        "hr_admin",
        lambda w: {"status": choice(Certification.Status.values), "reason": text(2000)},
        kwargs=lambda w: {"object_id": w.certification.pk},
        examples=5,
        accepts=False,
        note="read-only: a POST is refused (403)",
    ),
    "admin:certification_ruleset_add": Form(
        "admin:certification_ruleset_add",
        "hr_admin",
        lambda w: {
            "fiscal_year": integer(2000, 2100),
            "report_threshold": decimal(0, 100),
            "leadership_threshold": decimal(0, 100),
            "policy_weight": decimal(0, 10),
            "technical_weight": decimal(0, 10),
            "min_policy_raters": integer(1, 10),
            "min_technical_raters": integer(1, 10),
            "min_leadership_raters": integer(1, 10),
            "score_basis": choice(["raw", "normalised"]),
        },
        writes=("certification.RuleSet",),
        odd=lambda w: [
            {
                "fiscal_year": "2031",
                "report_threshold": "60.5",
                "leadership_threshold": "59.99",
                "policy_weight": "0.05",
                "technical_weight": "0.15",
                "min_policy_raters": "3",
                "min_technical_raters": "1",
                "min_leadership_raters": "2",
                "score_basis": "normalised",
            }
        ],
    ),
    "admin:certification_recomputerun_start": Form(
        "admin:certification_recomputerun_start",
        "hr_admin",
        lambda w: {"confirm": hostile()},
        writes=("certification.RecomputeRun",),
        accepted=lambda r: r.status_code == 302 and "progress" in r.url,
        examples=5,
        some_refused=False,
    ),
    # --- training (issue 12: 職員研修 and qualifications) ---
    "training:qualification_register": Form(
        "training:qualification_register",
        "staff",
        lambda w: {
            "qualification-qualification": ids([w.qualification.pk, w.other_qualification.pk]),
            "qualification-obtained_on": date(),
            "qualification-certificate": upload(),
        },
        writes=("training.QualificationRecord",),
        odd=lambda w: [
            {
                "qualification-qualification": w.other_qualification.pk,
                "qualification-obtained_on": "2024-11-01",
                "qualification-certificate": SimpleUploadedFile("合格証書😀.pdf", PDF),
            }
        ],
    ),
    "training:course_register": Form(
        "training:course_register",
        "staff",
        lambda w: {
            "course-course": ids([w.external_course.pk, w.course.pk]),
            "course-completed_on": date(),
            "course-certificate": upload(),
        },
        writes=("training.CourseRecord",),
        odd=lambda w: [
            {"course-course": w.external_course.pk, "course-completed_on": "2020-02-29"}
        ],
    ),
    "training:record_verify": Form(
        "training:record_verify",
        "hr_admin",
        lambda w: {"reason": hostile()},
        kwargs=lambda w: {"kind": "qualification", "pk": w.qualification_record.pk},
        writes=("training.QualificationRecord", "accounts.AuditEntry"),
        examples=5,
        some_refused=False,
    ),
    "training:record_return": Form(
        "training:record_return",
        "hr_admin",
        lambda w: {"reason": text(500)},
        kwargs=lambda w: {"kind": "course", "pk": w.course_record.pk},
        writes=("training.CourseRecord", "accounts.AuditEntry"),
        odd=lambda w: [{"reason": odd_text(500)}],
    ),
    "training:organiser_courses": Form(
        "training:organiser_courses",
        "organiser",
        lambda w: {
            "fiscal_year": integer(2000, 2100),
            "kind": choice(["internal", "external", "executive"]),
            "title": text(200),
            "provider": text(100),
            "hours": decimal(0, 999, places=1),
            "held_on": date(),
            "code": text(40),
        },
        writes=("training.Course",),
        odd=lambda w: [
            {
                "fiscal_year": str(w.project.fiscal_year),
                "kind": "executive",
                "title": odd_text(200),
                "provider": odd_text(100),
                "hours": "0.5",
                "held_on": "2024-07-01",
                "code": "ishiki-kaikaku",
            }
        ],
    ),
    "training:organiser_attendance": Form(
        "training:organiser_attendance",
        "organiser",
        lambda w: {"attended": many([w.member.pk, w.leader.pk, w.external_expert.pk])},
        kwargs=lambda w: {"pk": w.course.pk},
        writes=("training.CourseRecord",),
        odd=lambda w: [{"attended": [w.member.pk, w.leader.pk]}],
    ),
}

# URLs that only answer GET (lists, details, downloads, exports); a POST changes nothing.
GET_ONLY = {
    "home",
    "healthz",
    "account_signup",
    "projects:project_list",
    "projects:my_projects",
    "projects:my_attendance",
    "projects:consent_list",
    "projects:project_detail",
    "projects:team_detail",
    "projects:organiser_project_list",
    "projects:organiser_project_manage",
    "projects:hours_staff",
    "projects:organiser_hours",
    "projects:organiser_hours_export_csv",
    "projects:organiser_hours_export_xlsx",
    "evaluations:meeting_list",
    "evaluations:meeting_detail",
    "evaluations:presentation_materials",
    "evaluations:leadership_list",
    "evaluations:my_results",
    "evaluations:team_results",
    "evaluations:organiser_meeting_list",
    "evaluations:organiser_meeting_detail",
    "evaluations:organiser_meeting_board",
    "evaluations:organiser_meeting_results",
    "evaluations:organiser_meeting_export_csv",
    "evaluations:organiser_meeting_export_xlsx",
    "evaluations:organiser_window_detail",
    "evaluations:organiser_rubric_list",
    "evaluations:organiser_rubric_detail",
    "certification:my_certification",
    "certification:certificate_pdf",
    "certification:verify",
    "certification:credential_jwt",
    "certification:credential_json",
    "certification:credential_jwks",
    "certification:credential_issuer",
    "certification:credential_status_list",
    "certification:dashboard",
    "certification:journey",
    "certification:talent_ledger",
    "training:my_training",
    "training:certificate_download",
    "training:review_list",
    "showcase:library",
    "showcase:my_showcase",
    "showcase:year_showcase",
    "showcase:case_detail",
    "showcase:case_slides",
    "showcase:organiser_showcase",
    "showcase:organiser_adoption_list",
    "showcase:organiser_adoption_export_csv",
    "admin:certification_certification_export_csv",
    "admin:certification_certification_export_xlsx",
    "admin:accounts_auditentry_export",
    # read-only: every POST (add, remove, make primary) is refused and changes nothing
    "account_email",
    "admin:certification_recomputerun_progress",
    "admin:certification_recomputerun_progress_json",
}

# The admin's standard model pages (Django's own forms); our custom admin views are listed.
_STANDARD_ADMIN = ("_changelist", "_add", "_change", "_delete", "_history")
_OUR_ADMIN_PREFIXES = tuple(
    f"admin:{app}_" for app in ("accounts", "projects", "evaluations", "training", "showcase", "certification")
)


def _admin_names(patterns=None, namespace=None):
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            names |= _admin_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace == "admin":
            names.add(f"admin:{pattern.name}")
    return {n for n in names if n.startswith(_OUR_ADMIN_PREFIXES)}


def _custom_admin_names():
    return {n for n in _admin_names() if not n.endswith(_STANDARD_ADMIN)}


def test_every_post_url_has_a_hostile_input_entry():
    covered = {form.url_name for form in FORMS.values()}
    wanted = _url_names() | _custom_admin_names() | {"set_language"}
    missing = wanted - covered - GET_ONLY
    assert not missing, f"URLs with neither a hostile-input entry nor a GET_ONLY line: {missing}"
    stale = (covered | GET_ONLY) - wanted - {"account_login"} - _admin_names()
    assert not stale, f"entries for URLs that no longer exist: {stale}"


def test_a_get_only_url_writes_nothing_when_posted_to(client, db):
    from tests.test_permission_matrix import ROWS

    world = hostile_world()
    for name in sorted(GET_ONLY):
        row = ROWS.get(name)
        kwargs = row[0].kwargs(world) if row else {}
        if name.startswith("admin:"):
            kwargs = {"pk": world.recompute_run.pk} if "progress" in name else {}
        client.force_login(world.hr_admin if name.startswith("admin:") else world.organiser)
        before = snapshot()
        response = client.post(reverse(name, kwargs=kwargs), {"title": "<script>", "x": "\x00"})
        assert response.status_code < 500, name
        assert snapshot() == before, name


# --- the hypothesis run per form ------------------------------------------------------


def _post(client, url, payload):
    files = {k: v for k, v in payload.items() if isinstance(v, SimpleUploadedFile)}
    data = {k: v for k, v in payload.items() if k not in files}
    return client.post(url, {**data, **{k: file_payload(v) for k, v in files.items()}})


@pytest.mark.parametrize("name", sorted(FORMS))
def test_hostile_post_is_never_a_500_nor_a_partial_write(client, db, name, record_property):
    spec = FORMS[name]
    world = hostile_world()
    actor = getattr(world, spec.actor, None)
    url = reverse(spec.url_name, kwargs=spec.kwargs(world))
    strategy = form_data(spec.fields(world))
    allowed = tables_of(spec.writes)
    seen = {"accepted": 0, "refused": 0}

    def run(fields):
        with transaction.atomic():
            client.cookies.clear()
            if actor is not None:
                client.force_login(actor)
            payload = {k: v for k, v in fields.items() if v is not OMIT}
            payload.update(spec.static(world))
            before = snapshot()
            response = _post(client, url, payload)
            assert response.status_code < 500, response.status_code
            if spec.follow_up is not None:
                response = spec.follow_up(client, url, response) or response
                assert response.status_code < 500, response.status_code
            after = snapshot()
            changed = changed_tables(before, after)
            accepted = has_success(response) or bool(spec.accepted and spec.accepted(response))
            if accepted:
                seen["accepted"] += 1
                assert changed <= allowed, f"wrote outside {spec.writes}: {changed - allowed}"
                assert_coherent(spec.writes, changed)
            else:
                seen["refused"] += 1
                assert not changed, (
                    f"refused ({response.status_code}, {new_messages(response)}) "
                    f"but changed {sorted(changed)}"
                )
            transaction.set_rollback(True)

    test = given(fields=strategy)(run)
    for odd in spec.odd(world):
        test = example(fields=odd)(test)
    settings(
        max_examples=spec.examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )(test)()

    record_property("hostile_input", {"form": name, **seen})
    print(f"{name}: {seen['accepted']} accepted, {seen['refused']} refused")
    assert seen["refused"] or not spec.some_refused, (
        "no example was refused: the hostile values never reached the form"
    )
    if spec.accepts:
        assert seen["accepted"], "no example was accepted: the writes were never checked"
    else:
        assert not seen["accepted"], "a form said never to accept a POST accepted one"


def test_every_form_that_can_accept_a_post_has_an_explicit_odd_example(db):
    world = hostile_world()
    missing = sorted(
        name
        for name, spec in FORMS.items()
        if spec.accepts and spec.some_refused and not spec.odd(world)
    )
    assert not missing, f"forms without a valid-but-odd example: {missing}"


def test_a_forged_huge_id_in_the_url_is_refused_not_a_500(client, db):
    world = hostile_world()
    for name, spec in sorted(FORMS.items()):
        kwargs = spec.kwargs(world)
        if not kwargs:
            continue
        forged = {k: 2**63 if isinstance(v, int) else v for k, v in kwargs.items()}
        client.logout()
        actor = getattr(world, spec.actor, None)
        if actor is not None:
            client.force_login(actor)
        before = snapshot()
        response = client.post(reverse(spec.url_name, kwargs=forged), spec.static(world))
        assert response.status_code in (302, 403, 404), name
        assert snapshot() == before, name


# --- XSS: what people typed comes back escaped ----------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{IMG}"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _poison(world):
    """Put the payload into every text people type that pages show."""
    Project.objects.filter(pk=world.project.pk).update(title=f"P{PAYLOAD}")
    Team.objects.filter(pk=world.team.pk).update(name=f"T{PAYLOAD}", theme=f"H{PAYLOAD}")
    world.worksheet.problem = f"W{PAYLOAD}"
    world.worksheet.save()
    MeasuredEffect.objects.filter(pk=world.effect.pk).update(label=f"E{PAYLOAD}")
    ActivityLog.objects.filter(pk=world.activity_log.pk).update(note=f"N{PAYLOAD}")
    Presentation.objects.filter(pk=world.presentation.pk).update(title=f"S{PAYLOAD}")
    Criterion.objects.filter(pk=world.criterion.pk).update(
        label_ja=f"C{PAYLOAD}", point_labels=[f"L{PAYLOAD}"] * 5
    )
    ReportMeeting.objects.filter(pk=world.meeting.pk).update(title=f"M{PAYLOAD}")
    scores = {str(c.pk): "3" for c in world.rubric.criteria.all()}
    from evaluations import services as evaluation_services

    evaluation_services.evaluation_submit(
        evaluator=world.executive,
        perspective=Perspective.POLICY,
        presentation=world.presentation,
        scores=scores,
        comment=f"K{PAYLOAD}",
    )
    from certification import services as certification_services

    line = certification_services.certification_revoke_propose(
        certification=world.certification, reason=f"R{PAYLOAD}", by=world.hr_admin
    )
    from tests.certification.helpers import approve

    approve(line)


XSS_PAGES = [
    ("projects:project_list", "staff", lambda w: {}),
    ("projects:team_detail", "member", lambda w: {"pk": w.team.pk}),
    ("projects:worksheet_edit", "member", lambda w: {"pk": w.team.pk}),
    ("projects:effect_edit", "member", lambda w: {"pk": w.effect.pk}),
    ("projects:my_projects", "member", lambda w: {}),
    ("projects:organiser_project_manage", "organiser", lambda w: {"pk": w.project.pk}),
    ("projects:hours_mine", "member", lambda w: {}),
    ("projects:hours_edit", "member", lambda w: {"pk": w.activity_log.pk}),
    ("projects:hours_staff", "department_head", lambda w: {}),
    ("projects:organiser_hours", "organiser", lambda w: {}),
    ("evaluations:meeting_detail", "executive", lambda w: {"pk": w.meeting.pk}),
    ("evaluations:presentation_evaluate", "executive", lambda w: {"pk": w.presentation.pk}),
    ("evaluations:organiser_meeting_detail", "organiser", lambda w: {"pk": w.meeting.pk}),
    ("evaluations:organiser_meeting_results", "organiser", lambda w: {"pk": w.meeting.pk}),
    ("evaluations:organiser_rubric_detail", "organiser", lambda w: {"pk": w.rubric.pk}),
    ("evaluations:organiser_criterion_edit", "organiser", lambda w: {"pk": w.criterion.pk}),
    ("evaluations:team_results", "organiser", lambda w: {"team_pk": w.team.pk}),
    (
        "admin:certification_certification_change",
        "hr_admin",
        lambda w: {"object_id": w.certification.pk},
    ),
    (
        "admin:certification_certification_history",
        "hr_admin",
        lambda w: {"object_id": w.certification.pk},
    ),
]


def test_payloads_typed_by_people_come_back_escaped_on_every_page(client, db):
    world = hostile_world()
    _poison(world)
    shown = 0
    for name, actor, kwargs in XSS_PAGES:
        client.force_login(getattr(world, actor))
        response = client.get(reverse(name, kwargs=kwargs(world)))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert SCRIPT not in html, f"{name} shows a raw <script>"
        assert "<img src=x" not in html, f"{name} shows a raw <img>"
        if ESCAPED_SCRIPT in html:
            shown += 1
    assert shown >= len(XSS_PAGES) - 2, "the payload should appear, escaped, on the pages"


# --- CSV / XLSX exports: formula injection ------------------------------------------


def test_the_meeting_exports_keep_a_formula_as_text(client, db):
    from openpyxl import load_workbook

    world = hostile_world()
    Team.objects.filter(pk=world.team.pk).update(name='=HYPERLINK("http://evil.example/")')
    from evaluations import services as evaluation_services

    evaluation_services.evaluation_submit(
        evaluator=world.executive,
        perspective=Perspective.POLICY,
        presentation=world.presentation,
        scores={str(c.pk): "4" for c in world.rubric.criteria.all()},
        comment="@SUM(1+1)",
    )
    client.force_login(world.organiser)
    kwargs = {"pk": world.meeting.pk}
    body = client.get(reverse("evaluations:organiser_meeting_export_csv", kwargs=kwargs))
    rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil.example/")' in cells
    assert "'@SUM(1+1)" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    body = client.get(reverse("evaluations:organiser_meeting_export_xlsx", kwargs=kwargs))
    workbook = load_workbook(io.BytesIO(body.content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "@")), cell.value


def test_the_certification_exports_keep_a_formula_as_text(client, db):
    from openpyxl import load_workbook

    world = hostile_world()
    User.objects.filter(pk=world.member.pk).update(last_name="=1+2", first_name="-3")
    client.force_login(world.hr_admin)
    body = client.get(reverse("admin:certification_certification_export_csv"))
    cells = [c for row in csv.reader(io.StringIO(body.content.decode("utf-8-sig"))) for c in row]
    assert "'=1+2 -3" in cells or any(c.startswith("'=1+2") for c in cells)
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    body = client.get(reverse("admin:certification_certification_export_xlsx"))
    for sheet in load_workbook(io.BytesIO(body.content)).worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"


def test_the_adoption_export_keeps_a_formula_as_text(client, db):
    from showcase.models import AdoptionInterest, ShowcaseCase

    world = hostile_world()
    ShowcaseCase.objects.filter(pk=world.case.pk).update(title="=HYPERLINK(1)")
    AdoptionInterest.objects.filter(pk=world.interest.pk).update(note="@SUM(1+1)")
    User.objects.filter(pk=world.staff.pk).update(last_name="+1", first_name="-2")
    client.force_login(world.organiser)
    body = client.get(reverse("showcase:organiser_adoption_export_csv"))
    cells = [c for row in csv.reader(io.StringIO(body.content.decode("utf-8-sig"))) for c in row]
    assert "'=HYPERLINK(1)" in cells
    assert "'@SUM(1+1)" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


# --- CSRF ---------------------------------------------------------------------------


def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(db):
    world = hostile_world()
    client = Client(enforce_csrf_checks=True)
    scores = {f"score_{c.pk}": "5" for c in world.rubric.criteria.all()}
    cases = [
        (None, reverse("account_login"), {"login": world.staff.employee_number, "password": "x"}),
        (
            world.staff,
            reverse("projects:membership_apply", kwargs={"pk": world.proposed_team.pk}),
            {},
        ),
        (
            world.executive,
            reverse("evaluations:presentation_evaluate", kwargs={"pk": world.presentation.pk}),
            {"perspective": "policy", **scores},
        ),
        (
            world.hr_admin,
            reverse("admin:certification_certification_changelist"),
            {
                "action": "revoke_action",
                "_selected_action": [world.certification.pk],
                "confirm": "1",
                "reason": "CSRF",
            },
        ),
    ]
    for user, url, data in cases:
        client.logout()
        if user is not None:
            client.force_login(user)
        before = snapshot()
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert snapshot() == before, url


# --- uploads ------------------------------------------------------------------------


def _followed_text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "PDFファイルとして読み込めません。"),
        ("image.pptx", b"\x89PNG\r\n\x1a\n\x00\x00", "PowerPointファイルとして読み込めません。"),
        ("slides.exe", PDF, "PDFまたはPowerPoint"),
        ("big.pdf", PDF + b"0" * 2048, "発表資料のサイズは"),
    ],
)
def test_materials_of_the_wrong_type_or_size_are_refused_with_a_message(
    client, db, settings, name, content, message
):
    settings.MATERIALS_MAX_BYTES = 1024
    world = hostile_world()
    client.force_login(world.organiser)
    before = snapshot()
    response = client.post(
        reverse(
            "evaluations:organiser_presentation_materials", kwargs={"pk": world.presentation.pk}
        ),
        {"materials": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert message in _followed_text(response)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("roster.csv", bytes(range(256)) * 4, "文字コードを判別できません"),
        ("roster.xlsx", b"PK\x03\x04garbage", "Excelファイル（.xlsx）として読み取れません。"),
        (
            "roster.exe",
            b"MZ\x90\x00",
            "CSV（.csv）または Excel（.xlsx）のファイルを選んでください。",
        ),
        (
            "roster.csv",
            "職員番号,姓,名,セイ,メイ,所属コード,職位,メールアドレス\r\n1\x00,a,b,ア,イ,,,\r\n".encode(),
            "NUL文字",
        ),
        (
            "roster.csv",
            "職員番号,姓,名,セイ,メイ,所属コード,職位,メールアドレス\r\n1,a,b,ア,イ,,1e400,\r\n".encode(),
            "職位「1e400」が分かりません。",
        ),
    ],
)
def test_a_bad_roster_file_is_refused_with_a_message(client, db, name, content, message):
    world = hostile_world()
    client.force_login(world.hr_admin)
    before = snapshot()
    response = client.post(
        reverse("admin:accounts_user_roster_import"),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


# --- NUL characters -----------------------------------------------------------------

NUL_TEXT = "改善\x00テーマ"


def _nul_cases(w):
    """(actor, URL name, kwargs, data) with a NUL in a text input, for every form whose
    page shows the form's own errors."""
    return [
        (
            "staff",
            "projects:team_propose",
            {"pk": w.recruiting.pk},
            {"name": NUL_TEXT, "theme": "t"},
        ),
        ("member", "projects:worksheet_edit", {"pk": w.team.pk}, {"problem": NUL_TEXT}),
        (
            "member",
            "projects:effect_edit",
            {"pk": w.effect.pk},
            {"label": NUL_TEXT, "unit": "時間", "before": "1", "after": "2"},
        ),
        (
            "member",
            "projects:effect_add",
            {"pk": w.team.pk},
            {"label": NUL_TEXT, "unit": "時間", "before": "1", "after": "2"},
        ),
        (
            "organiser",
            "projects:organiser_project_create",
            {},
            {
                "fiscal_year": "2030",
                "title": NUL_TEXT,
                "recruitment_starts_on": "2030-04-01",
                "recruitment_ends_on": "2030-05-01",
                "max_grade": "5",
                "team_size_min": "3",
                "team_size_max": "5",
            },
        ),
        (
            "organiser",
            "projects:organiser_workshop_list",
            {"pk": w.project.pk},
            {"held_on": "2024-06-01", "topic": NUL_TEXT, "hours": "2"},
        ),
        (
            "organiser",
            "evaluations:organiser_meeting_create",
            {},
            {"project": w.project.pk, "title": NUL_TEXT, "held_on": "2025-01-20"},
        ),
        (
            "organiser",
            "evaluations:organiser_criterion_edit",
            {"pk": w.criterion.pk},
            {"label_ja": NUL_TEXT, "weight": "1", **{f"point_{i}": "x" for i in range(1, 6)}},
        ),
        (
            "hr_admin",
            "admin:certification_certification_grant",
            {},
            {
                "employee_number": w.staff.employee_number,
                "level": "1",
                "fiscal_year": "2024",
                "reason": NUL_TEXT,
            },
        ),
        (
            "hr_admin",
            "admin:certification_certification_changelist",
            {},
            {
                "action": "revoke_action",
                "_selected_action": [w.certification.pk],
                "confirm": "1",
                "reason": NUL_TEXT,
            },
        ),
        ("anonymous", "account_login", {}, {"login": NUL_TEXT, "password": "x"}),
    ]


def test_every_text_input_refuses_a_nul_character_with_a_japanese_message(client, db):
    from accounts.validators import NUL_MESSAGE

    world = hostile_world()
    for actor, name, kwargs, data in _nul_cases(world):
        client.logout()
        if actor != "anonymous":
            client.force_login(getattr(world, actor))
        before = snapshot()
        response = client.post(reverse(name, kwargs=kwargs), data, follow=True)
        assert response.status_code == 200, name
        assert str(NUL_MESSAGE) in response.content.decode(), name
        assert snapshot() == before, name


def test_an_evaluation_comment_with_a_nul_is_refused_with_a_japanese_message(client, db):
    world = hostile_world()
    client.force_login(world.executive)
    scores = {f"score_{c.pk}": "3" for c in world.rubric.criteria.all()}
    before = snapshot()
    response = client.post(
        reverse("evaluations:presentation_evaluate", kwargs={"pk": world.presentation.pk}),
        {"perspective": "policy", "comment": NUL_TEXT, **scores},
    )
    assert "コメントに使用できない文字が含まれています。" in response.content.decode()
    assert snapshot() == before
    assert not Evaluation.objects.exists()


def test_the_admin_refuses_a_forged_selection_with_a_message(client, db):
    world = hostile_world()
    client.force_login(world.hr_admin)
    before = snapshot()
    response = client.post(
        reverse("admin:certification_certification_changelist"),
        {"action": "revoke_action", "_selected_action": ["abc"], "confirm": "1", "reason": "x"},
        follow=True,
    )
    assert "選択した項目が正しくありません。" in response.content.decode()
    assert snapshot() == before
    assert Certification.objects.filter(status=Certification.Status.ACTIVE).exists()
