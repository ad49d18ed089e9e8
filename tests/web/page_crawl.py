"""A bounded crawl of the UI as one logged-in user (issue 16.3): every same-origin page reachable by links from the
role's home, every form on them submitted empty; the visible text of each page, for the language checks."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from flask.testing import FlaskClient

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SKIPPED = re.compile(r"^/(logout|lang/|static/|api/)|/(export|download|bundle)\b|\.(json|csv|zip|pdf|txt)$")
SKIPPED_FORMS = re.compile(r"^/(logout|lang/|login)")
HIDDEN_TAGS = {"script", "style", "template"}


@dataclass
class Form:
    """A POST form: where it goes and its hidden fields (the step it takes, the item it is about)."""

    action: str
    hidden: dict[str, str] = field(default_factory=dict)


class _Reader(HTMLParser):
    """Collects visible text, link targets and POST forms of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag in HIDDEN_TAGS:
            self._hidden_depth += 1
        elif tag == "a" and found.get("href"):
            self.links.append(found["href"])
        elif tag == "form" and found.get("method", "get").lower() == "post":
            self.forms.append(Form(found.get("action", "")))
        elif tag == "input" and self.forms and found.get("type") == "hidden":
            if found.get("name"):
                self.forms[-1].hidden[found["name"]] = found.get("value", "")
        elif tag == "input" and found.get("type") in ("submit", "button") and found.get("value"):
            self.text.append(found["value"])
        for name in ("placeholder", "title", "aria-label", "alt"):
            if found.get(name):
                self.text.append(found[name])

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth and data.strip():
            self.text.append(data.strip())


@dataclass(frozen=True)
class Page:
    """One page the crawl saw: how it was reached, its status and its visible text."""

    how: str
    status: int
    text: str


def _shape(path: str) -> str:
    """The page's kind: its path with ids replaced (a crawl visits only a few pages of each kind)."""
    return UUID_RE.sub("{id}", urlsplit(path).path)


def crawl(client: FlaskClient, home: str, *, max_pages: int = 80, per_shape: int = 2) -> Iterator[Page]:
    """Visit `home` and the pages its links reach (GET, same origin, bounded), submitting every form empty."""
    queue, seen, shapes, posted = [home], {home}, Counter[str](), set[str]()
    visited = 0
    while queue and visited < max_pages:
        path = queue.pop(0)
        shape = _shape(path)
        if shapes[shape] >= per_shape:
            continue
        shapes[shape] += 1
        visited += 1
        response = client.get(path, follow_redirects=True)
        html = response.get_data(as_text=True)
        reader = _read(html)
        yield Page(f"GET {path}", response.status_code, " ".join(reader.text))
        for href in reader.links:
            target = _same_origin(path, href)
            if target and target not in seen and not SKIPPED.search(target):
                seen.add(target)
                queue.append(target)
        for form in reader.forms:
            action = _same_origin(path, form.action or path)
            key = f"{_shape(action or '')} {form.hidden.get('step', '')}"
            if not action or SKIPPED_FORMS.search(action) or key in posted:
                continue
            posted.add(key)
            submitted = client.post(action, data=form.hidden, follow_redirects=True)
            yield Page(f"POST {action} (empty, from {path})", submitted.status_code,
                       " ".join(_read(submitted.get_data(as_text=True)).text))


def _read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    return reader


def _same_origin(base: str, href: str) -> str | None:
    """The path (and query) of a link on this site, None for other sites and other schemes."""
    url = urldefrag(urljoin(f"http://localhost{base}", href)).url
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.netloc != "localhost":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
