"""Hypothesis strategies for subject identifiers (valid by construction)."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from domain.identifiers import JIANGSU_AREAS, USCC_CHARSET, synthetic_resident_id, uscc_check_char


def resident_ids(min_birth: date = date(1930, 1, 1), max_birth: date = date(2012, 12, 31)) -> st.SearchStrategy[str]:
    """Valid 18-character resident ID numbers from Jiangsu areas, born in the given range."""
    return st.builds(synthetic_resident_id, st.randoms(use_true_random=False), st.dates(min_birth, max_birth))


def credit_codes() -> st.SearchStrategy[str]:
    """Valid unified social credit codes: any GB 32100 characters, digits for the area code."""
    head = st.text(USCC_CHARSET, min_size=2, max_size=2)
    area = st.sampled_from(JIANGSU_AREAS) | st.text("0123456789", min_size=6, max_size=6)
    org = st.text(USCC_CHARSET, min_size=9, max_size=9)
    return st.builds(lambda h, a, o: h + a + o + uscc_check_char(h + a + o), head, area, org)
