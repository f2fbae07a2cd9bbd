"""Refusals of the projects app. Each carries a translatable Japanese message that views
show with `messages.error`."""

from django.utils.translation import gettext_lazy as _

from accounts.exceptions import DomainError


class ProjectError(DomainError):
    """Base class of every refusal in the projects app."""


class WrongState(ProjectError):
    """The project, team or membership is not in a state that allows this."""


class OutsideRecruitmentWindow(ProjectError):
    pass


class GradeAboveLimit(ProjectError):
    pass


class AlreadyInTeam(ProjectError):
    def __init__(self, message=None, **kwargs):
        super().__init__(
            message or _("このプロジェクトでは既に別のチームに参加しています。"), **kwargs
        )


class TeamFull(ProjectError):
    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("このチームは定員に達しています。"), **kwargs)


class LeaderExists(ProjectError):
    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("このチームには既にリーダーがいます。"), **kwargs)


class NotAllowed(ProjectError):
    """The person may not do this to this object (e.g. not a member of the team)."""


class InvalidData(ProjectError):
    """The submitted values break a rule of the model (carries the first message)."""
