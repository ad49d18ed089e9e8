"""Refusals in the page's language (issue 16.3): the field by its label and the rule by its id and title, from the
catalogs; the domain's English words only on an English page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.support import Translations
from flask import Flask
from ledger_support.rule_ids import table_ids
from web_helpers import event_count, login, post

from web.field_labels import FIELD_LABELS, field_label
from web.i18n import compile_catalogs
from web.rule_titles import RULE_TITLES, rule_title

ROOT = Path(__file__).resolve().parents[2]
RULES_MD = ROOT.parent / "shared" / "domain" / "RULES.md"
compile_catalogs()  # a fresh clone has only the .po files
ZH = Translations.load(str(ROOT / "web" / "translations"), ["zh"])
CJK = re.compile(r"[\u4e00-\u9fff]")


def rule_ids_of_rules_md() -> list[str]:
    """Every id of every table in RULES.md (sections 1-10a and the national appendix), expanded."""
    return table_ids(RULES_MD.read_text("utf-8"))


def fields_refused_in_code() -> set[str]:
    """The field names the domain and the web layer name in their refusals."""
    names: set[str] = set()
    for path in [*ROOT.glob("domain/*.py"), *ROOT.glob("web/**/*.py")]:
        text = path.read_text("utf-8")
        names |= set(re.findall(r'RuleViolation\(\s*[^,()]+,\s*"([a-z_]+)"', text))
        names |= set(re.findall(r'field: str = "([a-z_]+)"', text))
    return names


@pytest.mark.parametrize("rule_id", rule_ids_of_rules_md())
def test_every_rule_of_rules_md_has_a_chinese_title(rule_id: str) -> None:
    title = rule_title(rule_id)
    assert title is not None, f"{rule_id} has no title in web/rule_titles.py"
    assert CJK.search(ZH.gettext(title)), f"{rule_id}: {title!r} is not translated into Chinese"


def test_a_behaviour_sub_id_falls_back_to_its_article() -> None:
    assert rule_title("NT-PCI-12.3") == RULE_TITLES["NT-PCI-12"] and rule_title("XX-9") is None


def test_every_field_the_code_refuses_has_a_chinese_label() -> None:
    missing = sorted(f for f in fields_refused_in_code() if field_label(f) is None)
    assert missing == [], f"fields without a label in web/field_labels.py: {missing}"
    untranslated = sorted(name for name, label in FIELD_LABELS.items() if not CJK.search(ZH.gettext(label)))
    assert untranslated == [], f"labels without a Chinese translation: {untranslated}"


def _refusal(page: str) -> str:
    found = re.search(r'id="refusal"[^>]*>(.*?)</p>', page, re.S)
    assert found, page[-1500:]
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_a_refused_form_speaks_chinese_and_names_the_field_and_rule(app: Flask) -> None:
    client = app.test_client()
    login(client, "office")
    before = event_count(app)
    data = {"kind": "person", "name": "张三", "id_number": "320602198001021231"}  # wrong check digit (NT-PCI-15)
    page = post(client, "/recording/subjects/new", data).get_data(as_text=True)
    banner = _refusal(page)
    assert "NT-PCI-15" in banner and "身份证号码" in banner, banner
    leftover = re.sub(r"NT-PCI-15", "", banner)
    assert not re.search(r"[A-Za-z]{3,}", leftover), f"English left in a Chinese refusal: {banner}"
    note = re.search(r'id="error-id_number" data-rule="NT-PCI-15">([^<]*)<', page)
    assert note and CJK.search(note.group(1)) and not re.search(r"[A-Za-z]{3,}", note.group(1).replace("NT-PCI-15", ""))
    assert event_count(app) == before


def test_the_same_refusal_in_english_adds_the_domains_own_words(app: Flask) -> None:
    client = app.test_client()
    login(client, "office")
    client.get("/lang/en")
    data = {"kind": "person", "name": "张三", "id_number": "320602198001021231"}
    banner = _refusal(post(client, "/recording/subjects/new", data).get_data(as_text=True))
    assert "does not meet rule NT-PCI-15" in banner and not CJK.search(banner.replace("张三", "")), banner


def test_an_error_page_has_a_chinese_heading(app: Flask) -> None:
    client = app.test_client()
    login(client, "auditor")
    response = client.get("/subjects/00000000-0000-8000-8000-000000000000")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "未找到" in page
