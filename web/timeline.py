"""What each step of an item said, for people (issue 16.4): the court report's words (ledger/bundle/describe.py,
names.py) in the page's language only, with the profiles' names; bookkeeping events are not shown."""

from __future__ import annotations

from dataclasses import dataclass
from ledger.bundle.describe import content
from ledger.bundle.names import EVENTS, Names, from_profiles
from web.context import services
from web.history import Step
from web.i18n import current_language

# Events that keep the ledger's own indexes and files in order: they state nothing a person decided.
BOOKKEEPING = {"ItemFiled", "ItemAdded", "DueSet", "ItemClosed", "Continued", "Advanced", "Swept"}


def one_language(bilingual: str) -> str:
    """'中文 English' as the page's language: the Chinese words before the first Latin letter, or the rest."""
    for i, ch in enumerate(bilingual):
        if ch.isascii() and ch.isalpha():
            zh, en = bilingual[:i].strip(), bilingual[i:].strip()
            return (en or zh) if current_language() == "en" else (zh or en)
    return bilingual


@dataclass(frozen=True)
class Said:
    """One step as a person reads it: its name and what it stated."""

    step: Step
    name: str
    content: list[tuple[str, str]]


def _names() -> Names:
    return from_profiles(p.to_content() for p in services().profiles.values())


def timeline(kind: str, steps: list[Step]) -> list[Said]:
    """The steps a person made or decided, each with its name and content in the page's language."""
    names, said = _names(), []
    for step in steps:
        if step.name in BOOKKEEPING:
            continue
        event = EVENTS.get(f"{kind}.{step.name}")
        said.append(Said(step, one_language(event) if event else step.name,
                         [(one_language(label), one_language(text)) for label, text in content(step.details, names)]))
    return said



def event_label(name: str) -> str:
    """An event's name in the page's language when its aggregate is not at hand (the subject page's timeline):
    the court report's words for the first kind of item with an event of that name, else the name itself."""
    found = next((words for key, words in EVENTS.items() if key.rsplit(".", 1)[-1] == name), None)
    return one_language(found) if found else name
