"""The reviewed allow-list of Latin-letter words a Chinese page may show (issue 16.3, the zh crawl).

Everything else in Latin letters on a Chinese page is an untranslated string (a catalog entry or a name from the
profiles is missing). Each entry: where it applies (a path prefix; "" everywhere), the pattern of the whole word,
and why it is not a translation gap. Keep it small; add an entry only with a reason a reviewer accepts.
"""

from __future__ import annotations

import re

from domain.demo import ACTORS, ADMIN, CLERK

_DEMO_USERS = "|".join(sorted({a.user for a in ACTORS} | {ADMIN.user, CLERK}))

ALLOWED: tuple[tuple[str, str, str], ...] = (
    # ids: UUIDs, their shortened forms (…), hashes and key fingerprints; at least one digit
    ("", r"(?=[0-9a-f-]*\d)[0-9a-f]+(?:-[0-9a-f]+)*", "ids and hashes (hex)"),
    # rule ids, measure ids and ranges of RULES.md and the profiles: NT-PCI-32, NT-GOV-2.2a, LYG-M-13a.1, NT-JRP-Q
    ("", r"(?:NT|JY|HA|LYG|CS|NAT)(?:-[A-Z]+)*-(?:\d+[a-z]?|[A-Z])(?:\.{1,2}\d+[a-z]?)*", "rule and measure ids"),
    ("", r"NT|JY|HA|LYG|CS", "profile ids (each city's code, the prefix of its rule ids)"),
    ("", r"v\d+", "profile versions (v1, v2), as NT-PCI-36 numbers them"),
    ("", r"YYYY(?:-MM(?:-DD)?|-Qn)?", "date formats a field expects (the input is typed in these digits)"),
    ("", r"English", "the language switch link names its language in that language"),
    ("", r"RFC", "'RFC 6962', the name of the standard the inclusion proofs follow"),
    ("", r"[A-Za-z0-9]*\*[A-Za-z0-9*]*", "masked names and numbers (HA-3.2): what is left of personal data"),
    ("", rf"(?:{_DEMO_USERS})", "user names of the demo's made-up clerks (who signed, on timelines)"),
    ("/admin/units", r"[a-z]+(?:-[a-z]+)*(?::[0-9a-f]+)?", "the admin's unit table: unit ids and key ids "
                                                            "next to the names (what `ledger keys` takes)"),
    ("/admin/users", r"[a-z][a-z0-9_.-]*", "login names of the accounts (typed at the login form)"),
    ("/admin/checkpoint", r"[A-Za-z0-9+/=_:.-]{3,}", "the signed checkpoint: origin, key ids, base64 signatures"),
)
_COMPILED = [(where, re.compile(pattern), why) for where, pattern, why in ALLOWED]
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+/=*:\-]*")


def latin_words(text: str) -> list[str]:
    """The words of `text` with Latin letters (trailing punctuation dropped)."""
    words = (w.rstrip(".:-/") for w in WORD.findall(text))
    return [w for w in words if re.search(r"[A-Za-z]", w)]


def allowed(word: str, path: str) -> bool:
    """Whether `word` may stand on the Chinese page at `path`."""
    return any(path.startswith(where) and pattern.fullmatch(word) for where, pattern, _why in _COMPILED)
