"""Signals other apps listen to. Training never imports them back (apps depend one way).

- ``credentials_changed(sender=Review, user_ids: list[int])``: sent after commit when
  people's verified qualifications or courses changed (HR verified a record, the
  organiser recorded or took back attendance). Certification recomputes those people
  when some 年度's rule set requires a verified qualification or course.
"""

from django.dispatch import Signal

credentials_changed = Signal()
