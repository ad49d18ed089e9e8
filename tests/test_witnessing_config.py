"""Witness configuration: LEDGER_WITNESSES, LEDGER_WITNESSES_FILE, the quorum and the checkpoint interval."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from nacl.signing import SigningKey

from ledger.config import ConfigError, Settings
from ledger.cosignature import witness_vkey
from ledger.witness_config import WitnessingSettings

A = witness_vkey("a.example/witness", SigningKey(bytes(range(32))).verify_key)
B = witness_vkey("b.example/witness", SigningKey(bytes(range(1, 33))).verify_key)


def settings(**env: str) -> Settings:
    return Settings.from_env(env)


def test_defaults_no_witnesses_and_the_checkpointer_on() -> None:
    config = settings().witnessing
    assert config == WitnessingSettings() and config.witnesses == () and config.quorum == 0
    assert config.checkpointer_enabled and (config.every_events, config.every_seconds) == (1000, 60.0)


def test_witnesses_from_the_variable_default_quorum_is_all_of_them() -> None:
    config = settings(LEDGER_WITNESSES=f"{A} http://127.0.0.1:7001/ ;\n{B} https://b.example").witnessing
    assert [(w.name, w.url) for w in config.witnesses] == [("a.example/witness", "http://127.0.0.1:7001"),
                                                            ("b.example/witness", "https://b.example")]
    assert config.quorum == 2
    assert bytes(config.trusted()["a.example/witness"]) == bytes(SigningKey(bytes(range(32))).verify_key)


def test_witnesses_from_a_toml_file_with_its_quorum_and_the_variable_overriding_it(tmp_path: Path) -> None:
    path = tmp_path / "witnesses.toml"
    path.write_text(f'quorum = 1\n[[witness]]\nname = "a.example/witness"\nurl = "http://a:1"\nvkey = "{A}"\n'
                    f'[[witness]]\nurl = "http://b:2"\nvkey = "{B}"\n')
    assert settings(LEDGER_WITNESSES_FILE=str(path)).witnessing.quorum == 1
    assert settings(LEDGER_WITNESSES_FILE=str(path), LEDGER_WITNESS_QUORUM="2").witnessing.quorum == 2


@pytest.mark.parametrize(("env", "names"), [
    ({"LEDGER_WITNESSES": f"{A} http://a:1", "LEDGER_WITNESS_QUORUM": "2"}, ("LEDGER_WITNESS_QUORUM", "between 0")),
    ({"LEDGER_WITNESS_QUORUM": "two"}, ("LEDGER_WITNESS_QUORUM", "whole number")),
    ({"LEDGER_WITNESSES": f"{A}"}, ("LEDGER_WITNESSES", "VKEY URL")),
    ({"LEDGER_WITNESSES": f"{A[:-3]}xyz http://a:1"}, ("LEDGER_WITNESSES", "verifier key")),
    ({"LEDGER_WITNESSES": f"{A} ftp://a"}, ("LEDGER_WITNESSES", "http(s)")),
    ({"LEDGER_WITNESSES": f"{A} http://a:1;{A} http://b:1"}, ("LEDGER_WITNESSES", "listed twice")),
    ({"LEDGER_WITNESSES_FILE": "/nonexistent/w.toml"}, ("LEDGER_WITNESSES_FILE", "cannot read")),
    ({"LEDGER_CHECKPOINT_EVERY_EVENTS": "-1"}, ("LEDGER_CHECKPOINT_EVERY_EVENTS", "0 or more")),
    ({"LEDGER_CHECKPOINT_EVERY_SECONDS": "soon"}, ("LEDGER_CHECKPOINT_EVERY_SECONDS", "seconds")),
    ({"LEDGER_WITNESS_TIMEOUT": "0"}, ("LEDGER_WITNESS_TIMEOUT", "more than 0")),
])
def test_bad_configuration_is_one_error_naming_the_variable(env: dict[str, str], names: tuple[str, str]) -> None:
    with pytest.raises(ConfigError) as caught:
        settings(**env)
    assert str(caught.value).startswith(names[0] + ":") and names[1] in str(caught.value)


def test_a_file_whose_name_does_not_match_the_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.toml"
    path.write_text(f'[[witness]]\nname = "other"\nurl = "http://a:1"\nvkey = "{A}"\n')
    with pytest.raises(ConfigError, match="^LEDGER_WITNESSES_FILE: witness name 'other' does not match"):
        settings(LEDGER_WITNESSES_FILE=str(path))


def test_both_triggers_zero_disable_the_checkpointer() -> None:
    config = settings(LEDGER_CHECKPOINT_EVERY_EVENTS="0", LEDGER_CHECKPOINT_EVERY_SECONDS="0").witnessing
    assert not config.checkpointer_enabled


def test_the_cli_prints_one_line_naming_the_variable_and_exits_2(tmp_path: Path) -> None:
    env = {**os.environ, "LEDGER_DATABASE_URL": f"sqlite:///{tmp_path}/l.sqlite3",
           "LEDGER_KEYS_DIR": str(tmp_path / "k"),
           "LEDGER_WITNESSES": f"{A} http://a:1", "LEDGER_WITNESS_QUORUM": "3"}
    done = subprocess.run([sys.executable, "-m", "ledger.cli", "checkpoint"], env=env, capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("ledger: error: LEDGER_WITNESS_QUORUM:")
    assert not (tmp_path / "l.sqlite3").exists()  # nothing stored
