"""The whole role × model × add/change/delete/view table, pinned (issue #9).

Each row is a model that has permissions; each column a role; each cell the actions its
group holds, as `vacd` with `-` for what it does not hold. A new model appears here with
no permission for anyone until this table says otherwise."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.roles import Role

TABLE = """
model                                   staff executive external_expert organiser hr_admin
account.emailaddress                    ----  ----      ----            ----      ----
account.emailconfirmation               ----  ----      ----            ----      ----
accounts.auditentry                     ----  ----      ----            ----      ----
accounts.department                     ----  ----      ----            ----      vac-
accounts.departmentassignment           ----  ----      ----            ----      v---
accounts.historicaldepartment           ----  ----      ----            ----      ----
accounts.historicaldepartmentassignment ----  ----      ----            ----      ----
accounts.historicalnamechange           ----  ----      ----            ----      ----
accounts.historicaluser                 ----  ----      ----            ----      ----
accounts.namechange                     ----  ----      ----            ----      v---
accounts.user                           ----  ----      ----            ----      vac-
admin.logentry                          ----  ----      ----            ----      ----
auth.group                              ----  ----      ----            ----      ----
auth.permission                         ----  ----      ----            ----      ----
certification.certificatereissue        ----  ----      ----            ----      ----
certification.certification             ----  ----      ----            v---      vac-
certification.credentialstatus          ----  ----      ----            ----      ----
certification.decisionbatch             ----  ----      ----            ----      ----
certification.decisionline              ----  ----      ----            ----      ----
certification.historicalcertificatereissue ----  ----  ----            ----      ----
certification.historicaldecisionbatch   ----  ----      ----            ----      ----
certification.historicaldecisionline    ----  ----      ----            ----      ----
certification.historicalcertification   ----  ----      ----            ----      ----
certification.historicalruleset         ----  ----      ----            ----      ----
certification.recomputerun              ----  ----      ----            v---      v---
certification.ruleset                   ----  ----      ----            v---      vac-
certification.staleuser                 ----  ----      ----            ----      ----
contenttypes.contenttype                ----  ----      ----            ----      ----
evaluations.criterion                   ----  ----      ----            v---      v---
evaluations.criterionscore              ----  ----      ----            v---      v---
evaluations.evaluation                  ----  ----      ----            v---      v---
evaluations.historicalcriterion         ----  ----      ----            ----      ----
evaluations.historicalevaluation        ----  ----      ----            ----      ----
evaluations.historicalleadershipwindow  ----  ----      ----            ----      ----
evaluations.historicalpresentation      ----  ----      ----            ----      ----
evaluations.historicalreportmeeting     ----  ----      ----            ----      ----
evaluations.historicalrubric            ----  ----      ----            ----      ----
evaluations.leadershipinvitation        ----  ----      ----            v---      v---
evaluations.leadershipwindow            ----  ----      ----            v---      v---
evaluations.presentation                ----  ----      ----            v---      v---
evaluations.reminderlog                 ----  ----      ----            v---      v---
evaluations.reportmeeting               ----  ----      ----            v---      v---
evaluations.rubric                      ----  ----      ----            v---      v---
mfa.authenticator                       ----  ----      ----            ----      ----
projects.activitylog                    ----  ----      ----            v---      v---
projects.attendance                     ----  ----      ----            v---      v---
projects.headconsent                    ----  ----      ----            v---      v---
projects.historicalactivitylog          ----  ----      ----            ----      ----
projects.historicalheadconsent          ----  ----      ----            ----      ----
projects.historicalhoursnotice          ----  ----      ----            ----      ----
projects.historicalleaderterm           ----  ----      ----            ----      ----
projects.historicalmeasuredeffect       ----  ----      ----            ----      ----
projects.historicalmembership           ----  ----      ----            ----      ----
projects.historicalmembershipleave      ----  ----      ----            ----      ----
projects.historicalproject              ----  ----      ----            ----      ----
projects.historicalteam                 ----  ----      ----            ----      ----
projects.historicalworksheet            ----  ----      ----            ----      ----
projects.hoursnotice                    ----  ----      ----            v---      v---
projects.leaderterm                     ----  ----      ----            v---      v---
projects.measuredeffect                 ----  ----      ----            v---      v---
projects.membership                     ----  ----      ----            v---      v---
projects.membershipleave                ----  ----      ----            v---      v---
projects.project                        ----  ----      ----            v---      v---
projects.team                           ----  ----      ----            v---      v---
projects.worksheet                      ----  ----      ----            v---      v---
projects.workshop                       ----  ----      ----            v---      v---
showcase.adoptioninterest               ----  ----      ----            v---      v---
showcase.historicaladoptioninterest     ----  ----      ----            ----      ----
showcase.historicalnameconsent          ----  ----      ----            ----      ----
showcase.historicalshowcasecase         ----  ----      ----            ----      ----
showcase.historicalthemetag             ----  ----      ----            ----      ----
showcase.nameconsent                    ----  ----      ----            v---      v---
showcase.showcasecase                   ----  ----      ----            v---      v---
showcase.themetag                       ----  ----      ----            v---      v---
socialaccount.socialaccount             ----  ----      ----            ----      ----
socialaccount.socialapp                 ----  ----      ----            ----      ----
socialaccount.socialtoken               ----  ----      ----            ----      ----
sessions.session                        ----  ----      ----            ----      ----
training.course                         ----  ----      ----            v---      v---
training.courserecord                   ----  ----      ----            v---      v---
training.historicalcourse               ----  ----      ----            ----      ----
training.historicalcourserecord         ----  ----      ----            ----      ----
training.historicalqualification        ----  ----      ----            ----      ----
training.historicalqualificationrecord  ----  ----      ----            ----      ----
training.qualification                  ----  ----      ----            v---      vac-
training.qualificationrecord            ----  ----      ----            ----      v---
"""

ACTIONS = "vacd"
NAMES = {"v": "view", "a": "add", "c": "change", "d": "delete"}


def _expected():
    lines = [line.split() for line in TABLE.strip().splitlines()]
    roles = lines[0][1:]
    return roles, {row[0]: dict(zip(roles, row[1:], strict=True)) for row in lines[1:]}


def _cell(codenames: set[str], model: str) -> str:
    return "".join(a if f"{NAMES[a]}_{model}" in codenames else "-" for a in ACTIONS)


@pytest.mark.django_db
def test_each_role_holds_exactly_the_permissions_of_the_table():
    roles, expected = _expected()
    assert sorted(roles) == sorted(r.value for r in Role)
    models = {
        f"{app}.{model}"
        for app, model in Permission.objects.values_list(
            "content_type__app_label", "content_type__model"
        )
    }
    held = {
        role: {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=role).permissions.select_related("content_type")
        }
        for role in roles
    }
    actual = {}
    for label in sorted(models):
        app, model = label.split(".")
        actual[label] = {
            role: _cell({c.split(".", 1)[1] for c in held[role] if c.startswith(f"{app}.")}, model)
            for role in roles
        }
    assert actual == expected
