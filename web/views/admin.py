"""Administration: user accounts and API tokens, units and their signing keys, profile versions, checkpoints."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from domain.errors import RuleViolation
from domain.profile_aggregate import PublishedProfile
from ledger.keyregistry import KeyRegistryError
from ledger.keys import KeyStoreError, check_unit_name
from ledger.transparency import create_checkpoint, latest_checkpoint
from web import forms
from web.context import services
from web.principal import current_principal
from web.roles import ACCOUNT_ROLES
from web.views.common import done, form_page

bp = Blueprint("admin", __name__, url_prefix="/admin")
USER_STEPS = ("add", "token", "revoke_token", "password", "grant", "deactivate", "activate")


def _user_step() -> ResponseReturnValue:
    accounts, by = services().accounts, current_principal().username or ""
    step = forms.choice("step", USER_STEPS, "HA-5.2")
    if step == "revoke_token":
        token_id = forms.choice("token_id", {str(t.token_id) for t in accounts.tokens() if t.active}, "HA-5.2")
        accounts.revoke_token(int(token_id), by=by)
        done(_("API token revoked:"), token_id)
        return redirect(url_for("admin.users"))
    username = forms.text("username", "HA-5.2")
    if step == "add":
        subject = forms.optional_text("subject_id")
        accounts.add_user(username, forms.text("password", "HA-5.2"), forms.choice("role", ACCOUNT_ROLES, "HA-5.2"),
                          unit=forms.optional_text("unit"),
                          subject_id=forms.ident("subject_id", "HA-5.2") if subject else None,
                          display_name=forms.text("display_name", "HA-5.2", required=False), by=by)
        if subject:
            services().credit.check_subject(UUID(subject))
        done(_("User added:"), username)
    elif step == "password":
        accounts.set_password(username, forms.text("password", "HA-5.2"), by=by)
        done(_("Password changed:"), username)
    elif step == "grant":
        accounts.grant_role(username, forms.choice("role", ACCOUNT_ROLES, "HA-5.2"), forms.optional_text("unit"), by=by)
        done(_("Role granted:"), username)
    elif step == "token":
        token = accounts.issue_token(username, forms.text("label", "HA-5.2"), by=by)
        done(_("API token (shown once, store it now):"), token)
    else:
        accounts.set_active(username, step == "activate", by=by)
        done(_("Account updated:"), username)
    return redirect(url_for("admin.users"))


@bp.route("/users", methods=["GET", "POST"])
def users() -> ResponseReturnValue:
    """Accounts: add, issue or revoke an API token, deactivate or activate (accounts are never deleted); every
    change is a signed event of the account registry."""
    accounts = services().accounts
    tokens = accounts.tokens()
    options = [(str(t.token_id), f"{t.token_id} — {t.username} — {t.label}") for t in tokens if t.active]
    return form_page("admin/users.html", _user_step, users=accounts.all(), roles=ACCOUNT_ROLES, tokens=tokens,
                     token_options=options)


def _unit_step() -> ResponseReturnValue:
    ledger = services().ledger
    step = forms.choice("step", ("register", "rotate"), "JY-5")
    try:
        unit = check_unit_name(forms.text("unit", "JY-5"))
        signer = ledger.register_key(unit) if step == "register" else ledger.rotate_key(unit)
    except (KeyStoreError, KeyRegistryError) as exc:
        raise RuleViolation("JY-5", "unit", str(exc)) from None
    done(_("Key registered:"), signer.key_id)
    return redirect(url_for("admin.units"))


@bp.route("/units", methods=["GET", "POST"])
def units() -> ResponseReturnValue:
    """Units named by the profiles and every key of the key history (register or rotate a unit's key)."""
    ledger = services().ledger
    ledger.refresh_keys(force=True)
    named = sorted({(u.id, u.name_zh) for p in services().profiles.values() for u in p.units.values()})
    active = {unit for unit, _name in named if ledger.keybook.active_for(unit) is not None}
    return form_page("admin/units.html", _unit_step, named=named, active=active,
                     keys=list(ledger.keybook.records.values()))


def _publish() -> ResponseReturnValue:
    profile_id = forms.choice("profile_id", services().profiles, "JY-16")
    known = {str(p.version): p.version for p in services().credit.versions_of(profile_id).versions}
    version = known[forms.choice("version", known, "NT-PCI-36")] if forms.optional_text("version") else None
    published = services().credit.publish_profile(current_principal().actor(), profile_id=profile_id, version=version)
    done(_("Profile version published:"), published)
    return redirect(url_for("admin.profiles"))


@bp.route("/profiles", methods=["GET", "POST"])
def profiles() -> ResponseReturnValue:
    """Loaded policy profiles, each version with its period (issue 15.9) and whether it is published in the ledger;
    publish one (JY-16, NT-PCI-36)."""
    ledger, credit = services().ledger, services().credit
    rows = [(pid, p, ledger.exists(PublishedProfile.id_for(p)), start, until, p is credit.profiles[pid])
            for pid in sorted(services().profiles) for p, start, until in credit.versions_of(pid).periods()]
    numbers = sorted({p.version for _pid, p, *_rest in rows})
    return form_page("admin/profiles.html", _publish, rows=rows, profiles=services().profiles,
                     version_options=[("", _("The loaded version"))] + [(str(n), f"v{n}") for n in numbers])


@bp.route("/checkpoint", methods=["GET", "POST"])
def checkpoint() -> ResponseReturnValue:
    """The latest signed checkpoint; sign and store a new one of the whole log (NT-PCI-37)."""
    ledger = services().ledger
    if request.method == "POST":
        signed = create_checkpoint(ledger)
        done(_("Checkpoint signed, tree size"), signed.checkpoint.size)
        return redirect(url_for("admin.checkpoint"))
    return render_template("admin/checkpoint.html", size=ledger.log.tree_size(), checkpoint=latest_checkpoint(ledger))
