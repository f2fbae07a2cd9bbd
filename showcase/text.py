"""Search text: the one normalisation of what is stored and what is searched (no ORM).

NFKC folds full-width Latin and digits and half-width katakana (「ＢＰＲ」 → 「BPR」,
「ﾎｲｸ」 → 「ホイク」); casefold makes Latin case-blind. The stored `search_text` and every
query term go through `normalise`, so a substring test on the stored text is the search."""

import unicodedata

TERMS_MAX = 5
TERM_MAX = 50


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


def search_terms(query: str) -> list[str]:
    """The query's words (split on any space, full-width included), each at most
    TERM_MAX characters, at most TERMS_MAX of them; NUL characters dropped."""
    cleaned = normalise(query).replace("\x00", "")
    return [term[:TERM_MAX] for term in cleaned.split()][:TERMS_MAX]


def search_text_of(*parts: str) -> str:
    return normalise("\n".join(part for part in parts if part))
