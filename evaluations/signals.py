"""Signals other apps listen to. Evaluations never imports them (apps depend one way).

Both are sent by the closing services *after* the closing transaction has committed
(`transaction.on_commit`), so a receiver always sees the closed state.

- ``report_meeting_closed(sender=ReportMeeting, meeting_id: int, user_ids: list[int])``:
  a report meeting was closed; ``user_ids`` are the members and leaders of its teams.
- ``leadership_window_closed(sender=LeadershipWindow, window_id: int, user_ids: list[int])``:
  a leadership-evaluation window was closed; ``user_ids`` are the leaders evaluated in it.
- ``report_meeting_reopened`` / ``leadership_window_reopened`` (same arguments): HR
  reopened a closed meeting or window to correct it (`services.meeting_reopen`,
  `services.window_reopen`); what was judged on its facts must be recomputed.
"""

from django.dispatch import Signal

report_meeting_closed = Signal()
leadership_window_closed = Signal()
report_meeting_reopened = Signal()
leadership_window_reopened = Signal()
