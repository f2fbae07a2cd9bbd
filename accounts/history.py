"""One rule for the reasons kept in django-simple-history rows."""

#: simple-history stores `history_change_reason` in 100 characters; a longer reason (HR
#: may type 2,000) made PostgreSQL refuse the row and the request answer 500. The full
#: reason stays on the object itself (e.g. `Certification.reason`, a decision line's).
CHANGE_REASON_MAX = 100


def change_reason(text) -> str:
    """The reason as the history row can hold it: cut at 100 characters with "…"."""
    text = str(text)
    return text if len(text) <= CHANGE_REASON_MAX else text[: CHANGE_REASON_MAX - 1] + "…"
