"""Codes shown in the UI (roles, statuses, tiers, lists, kinds): marked here so the catalogs translate them.

Templates show a code with `_(code)`; the Chinese catalog gives its Chinese name, the English one its words.
"""

from __future__ import annotations


def N_(code: str) -> str:  # noqa: N802  # the conventional gettext no-op marker
    """Mark a code for extraction into the catalogs; returns it unchanged."""
    return code


CODES: tuple[str, ...] = (
    # roles
    N_("recording_unit"), N_("credit_office"), N_("department"), N_("auditor"), N_("subject"), N_("public"),
    N_("admin"),
    # record, list entry, sanction, objection and repair statuses
    N_("in_force"), N_("repaired"), N_("expired"), N_("revoked"), N_("drafted"), N_("noticed"), N_("publicised"),
    N_("confirmed"), N_("exited"), N_("pushed"), N_("acknowledged"), N_("applied"), N_("fed_back"),
    N_("lift_pushed"), N_("lifted"), N_("filed"), N_("referred"), N_("upheld"), N_("rejected"), N_("corrected"),
    N_("declined"), N_("withdrawn"),
    N_("opinion_against"), N_("approved"), N_("refused"), N_("active"), N_("objection_pending"),
    # tiers, lists, disclosure classes
    N_("minor"), N_("general"), N_("more_serious"), N_("serious"), N_("black"), N_("red"), N_("key_attention"),
    N_("big_data_warning"), N_("government_shared"), N_("authorised_query"),
    # NT-PCI-9 information kinds
    N_("basic"), N_("positive"), N_("other"),
    # HA-4.2 leniency grounds
    N_("minor_subject"), N_("force_majeure"), N_("unintentional"), N_("minor_act"),
    # kinds of subjects, items and documents
    N_("person"), N_("organisation"), N_("legal_person"), N_("unincorporated"), N_("record"), N_("list_entry"),
    N_("legal_representative"), N_("principal"), N_("directly_responsible_person"), N_("senior_manager"),
    N_("administrative_penalty"), N_("court_judgment"), N_("arbitral_award"), N_("administrative_ruling"),
    N_("other_statutory"), N_("wrong_or_incomplete"), N_("forbidden_information"), N_("beyond_validity"),
    # appeal bodies (NT-PCI-33)
    N_("credit_authority"), N_("administrative_reconsideration"), N_("litigation"),
    # dashboard: open-item indexes, overdue kinds and steps
    N_("records"), N_("list_entries"), N_("objections"), N_("repairs"), N_("sanctions"), N_("Objection"),
    N_("RepairApplication"), N_("SanctionCase"), N_("DishonestyRecord"), N_("ListEntry"), N_("Subject"),
    N_("decision"), N_("provider_verification"), N_("correction"), N_("repair_decision"), N_("acknowledge"),
    N_("feed_back"), N_("confirm_lift"),
    # NT-GOV: government subjects, source kinds, consequences, self-correction grounds, file categories
    N_("government_body"), N_("civil_servant"), N_("disciplinary_sanction"), N_("accountability_decision"),
    N_("honours_restriction"), N_("public_criticism"), N_("rectification"), N_("loss_recovered"),
    N_("effect_removed"), N_("harm_prevented"), N_("lighter"), N_("exempt"), N_("lawful_administration"),
    N_("openness"), N_("social_integrity"), N_("satisfaction"), N_("performance"), N_("honours"), N_("integrity"),
    N_("violation"), N_("annual_assessment"), N_("personal_matters_sanction"), N_("negative"), N_("neutral"),
    # NT-JRP-3 key fields of the key attention list (the NT profile names no list fields)
    N_("tax"), N_("social_insurance"), N_("environment"),
)
