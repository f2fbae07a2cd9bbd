"""What the project pages share: the role checks and how a service call is reported."""

from accounts.view_helpers import requires, run_service

from ..permissions import (
    can_manage_projects,
    can_see_staff_pages,
)

PAGE_SIZE = 20


#: City staff only: anonymous → login, external experts and others → 403.
staff_required = requires(can_see_staff_pages)
organiser_required = requires(can_manage_projects)
_run = run_service
