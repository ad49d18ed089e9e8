"""The rule ids of RULES.md's tables, expanded ('NT-PCI-15, 18' → NT-PCI-15, NT-PCI-18; '9..13' → each)."""

from __future__ import annotations

import re


def table_ids(text: str) -> list[str]:
    """The ids in the first column of every rule table of `text`, expanded, in order, without repeats."""
    found: list[str] = []
    for cell in re.findall(r"^\| ([A-Z][^|]*?) \|", text, flags=re.M):
        if cell == "id":
            continue
        prefix = ""
        for part in (p.strip() for p in cell.split(",")):
            if part[0].isalpha():
                prefix = part.rsplit("-", 1)[0] + "-"
            else:
                part = prefix + part
            span = re.fullmatch(r"(.*-)(\d+)\.\.(\d+)", part)
            found += [f"{span[1]}{n}" for n in range(int(span[2]), int(span[3]) + 1)] if span else [part]
    return list(dict.fromkeys(found))
