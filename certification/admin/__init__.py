"""HR's certification admin, by what a reader looks for: `certifications` (the list, its
actions and rule sets), `decisions` (認定決裁: review and approve proposals), `runs`
(recompute runs), `forms`, `evidence` (rendering) and `exports` (CSV / XLSX)."""

from . import certifications, decisions, reissue, runs  # noqa: F401  (register the admin classes)
