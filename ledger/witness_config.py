"""Which witnesses cosign the ledger's checkpoints, how many must (the quorum), and how often to checkpoint.

`LEDGER_WITNESSES` lists witnesses as `VKEY URL` pairs separated by `;` or newlines (the witness's name is the
first field of its C2SP verifier key); `LEDGER_WITNESSES_FILE` names a TOML file with `[[witness]]` tables
(`url`, `vkey`, optional `name` that must match the key) and an optional `quorum`. Both may be used; a name
listed twice is an error. `LEDGER_WITNESS_QUORUM` (default: every listed witness) overrides the file's quorum.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlparse

from nacl.signing import VerifyKey

WITNESSES = "LEDGER_WITNESSES"
WITNESSES_FILE = "LEDGER_WITNESSES_FILE"
QUORUM = "LEDGER_WITNESS_QUORUM"
TIMEOUT = "LEDGER_WITNESS_TIMEOUT"
EVERY_EVENTS = "LEDGER_CHECKPOINT_EVERY_EVENTS"
EVERY_SECONDS = "LEDGER_CHECKPOINT_EVERY_SECONDS"
DEFAULT_TIMEOUT = 5.0
DEFAULT_EVERY_EVENTS = 1000
DEFAULT_EVERY_SECONDS = 60.0


class WitnessConfigError(ValueError):
    """A witness setting is malformed; the message starts with the variable's name."""


@dataclass(frozen=True)
class WitnessSpec:
    """One witness the ledger submits its checkpoints to."""

    name: str
    url: str
    vkey: str  # C2SP verifier key text `name+keyid+base64(0x04 || public key)`

    @property
    def verify_key(self) -> VerifyKey:
        """The witness's Ed25519 public key (the vkey was checked when the settings were read)."""
        from ledger.cosignature import parse_witness_vkey

        return parse_witness_vkey(self.vkey)[1]


@dataclass(frozen=True)
class WitnessingSettings:
    """Witnesses, quorum, request timeout and the automatic checkpointer's interval (0 disables a trigger)."""

    witnesses: tuple[WitnessSpec, ...] = ()
    quorum: int = 0
    timeout: float = DEFAULT_TIMEOUT
    every_events: int = DEFAULT_EVERY_EVENTS
    every_seconds: float = DEFAULT_EVERY_SECONDS

    @property
    def checkpointer_enabled(self) -> bool:
        """Whether `ledger serve` / `ledger follow` run the automatic checkpointer."""
        return self.every_events > 0 or self.every_seconds > 0

    def trusted(self) -> dict[str, VerifyKey]:
        """Witness name → public key, for checking cosignatures."""
        return {w.name: w.verify_key for w in self.witnesses}

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WitnessingSettings:
        """Read the witness variables (see the module docstring); WitnessConfigError names the bad one."""
        witnesses, file_quorum = _from_file(env.get(WITNESSES_FILE, "").strip())
        witnesses += _from_text(env.get(WITNESSES, ""))
        _check_unique(witnesses)
        quorum = _integer(env, QUORUM, file_quorum if file_quorum is not None else len(witnesses))
        if not 0 <= quorum <= len(witnesses):
            raise WitnessConfigError(f"{QUORUM}: quorum {quorum} must be between 0 and the {len(witnesses)} "
                                     f"listed witnesses")
        return cls(witnesses, quorum, _number(env, TIMEOUT, DEFAULT_TIMEOUT, positive=True),
                   _integer(env, EVERY_EVENTS, DEFAULT_EVERY_EVENTS),
                   _number(env, EVERY_SECONDS, DEFAULT_EVERY_SECONDS))


def parse_spec(vkey: str, url: str, variable: str, name: str | None = None) -> WitnessSpec:
    """One witness from its verifier key and URL; WitnessConfigError names `variable`."""
    from ledger.cosignature import parse_witness_vkey

    try:
        key_name, _ = parse_witness_vkey(vkey)
    except Exception as exc:  # any malformation of the key text: reported with the variable's name
        raise WitnessConfigError(f"{variable}: bad witness verifier key {vkey[:40]!r}: {exc}") from None
    if name is not None and name != key_name:
        raise WitnessConfigError(f"{variable}: witness name {name!r} does not match its verifier key's {key_name!r}")
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise WitnessConfigError(f"{variable}: witness {key_name} URL {url!r} is not an http(s) URL")
    return WitnessSpec(key_name, url.rstrip("/"), vkey)


def _from_text(text: str) -> tuple[WitnessSpec, ...]:
    entries = [e.strip() for e in text.replace("\n", ";").split(";") if e.strip()]
    specs = []
    for entry in entries:
        fields = entry.split()
        if len(fields) != 2:
            raise WitnessConfigError(f"{WITNESSES}: expected 'VKEY URL' entries separated by ';', found {entry[:60]!r}")
        specs.append(parse_spec(fields[0], fields[1], WITNESSES))
    return tuple(specs)


def _from_file(path: str) -> tuple[tuple[WitnessSpec, ...], int | None]:
    if not path:
        return (), None
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise WitnessConfigError(f"{WITNESSES_FILE}: cannot read {path}: {exc}") from None
    tables = data.get("witness", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise WitnessConfigError(f"{WITNESSES_FILE}: {path}: expected [[witness]] tables")
    specs = tuple(_file_spec(t, path) for t in tables)
    quorum = data.get("quorum")
    if quorum is not None and (not isinstance(quorum, int) or isinstance(quorum, bool)):
        raise WitnessConfigError(f"{WITNESSES_FILE}: {path}: quorum must be an integer, found {quorum!r}")
    return specs, quorum


def _file_spec(table: dict[str, Any], path: str) -> WitnessSpec:
    vkey, url, name = table.get("vkey"), table.get("url"), table.get("name")
    if not isinstance(vkey, str) or not isinstance(url, str) or not isinstance(name, (str, type(None))):
        raise WitnessConfigError(f"{WITNESSES_FILE}: {path}: each [[witness]] needs text 'vkey' and 'url'")
    return parse_spec(vkey, url, WITNESSES_FILE, name)


def _check_unique(witnesses: tuple[WitnessSpec, ...]) -> None:
    seen: set[str] = set()
    for w in witnesses:
        if w.name in seen:
            raise WitnessConfigError(f"{WITNESSES}: witness {w.name} is listed twice")
        seen.add(w.name)


def _integer(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise WitnessConfigError(f"{name}: expected a whole number, found {text!r}") from None
    if value < 0:
        raise WitnessConfigError(f"{name}: expected 0 or more, found {value}")
    return value


def _number(env: Mapping[str, str], name: str, default: float, *, positive: bool = False) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise WitnessConfigError(f"{name}: expected a number of seconds, found {text!r}") from None
    if value < 0 or (positive and value == 0) or value != value:
        raise WitnessConfigError(f"{name}: expected {'more than' if positive else 'at least'} 0, found {text}")
    return value
