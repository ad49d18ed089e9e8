"""The subject secret and the web secret (issue 17.6): created whole with the ledger, never silently replaced,
refused when others may read them, one winner when processes race to create one."""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
import os
from pathlib import Path

import pytest
from ledger_support.backends import initialised_ledger, sqlite_settings
from test_cli import Cli

from ledger.config import Settings
from ledger.keys import KeyStore, KeyStoreError
from ledger.secret_files import SecretFileError, create_secret_file, read_secret_file
from web.security import secret_key


def test_a_new_ledger_gets_its_subject_secret_once_as_a_private_file(tmp_path: Path) -> None:
    app = initialised_ledger(sqlite_settings(tmp_path))
    try:
        path = app.keystore.subject_secret_path()
        assert path.stat().st_mode & 0o777 == 0o600 and len(app.keystore.subject_secret()) == 32
        first = app.keystore.subject_secret()
        assert app.keystore.create_subject_secret() is False and app.keystore.subject_secret() == first
    finally:
        app.close()
    again = initialised_ledger(sqlite_settings(tmp_path))  # initialising an existing ledger keeps it
    try:
        assert again.keystore.subject_secret() == first
    finally:
        again.close()


def test_a_missing_subject_secret_is_an_error_and_is_not_regenerated(tmp_path: Path) -> None:
    initialised_ledger(sqlite_settings(tmp_path)).close()
    store = KeyStore(tmp_path / "keys")
    store.subject_secret_path().unlink()
    with pytest.raises(KeyStoreError, match="restore it from the keys backup"):
        store.subject_secret()
    assert not store.subject_secret_path().exists()
    again = initialised_ledger(sqlite_settings(tmp_path))  # not even `init` on the existing ledger makes one
    again.close()
    assert not store.subject_secret_path().exists()


def test_cli_commands_needing_the_secret_refuse_with_one_clear_line(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    initialised_ledger(settings, ("nt-tax-bureau",)).close()
    (settings.keys_dir / "subject.secret").unlink()
    line = Cli(settings, tmp_path).user_error("demo", "--seed", "1")
    assert "subject secret" in line and "restore" in line


@pytest.mark.parametrize("content, mode, problem", [
    ("ab" * 32 + "\n", 0o644, "readable by others"),
    ("", 0o600, "expected 64 hex digits"),  # what a reader racing a non-atomic writer used to see
    ("zz" * 32, 0o600, "expected 64 hex digits"),
])
def test_unsafe_or_malformed_secret_files_are_refused(tmp_path: Path, content: str, mode: int, problem: str) -> None:
    path = tmp_path / "subject.secret"
    path.write_text(content)
    os.chmod(path, mode)
    with pytest.raises(SecretFileError, match=problem):
        read_secret_file(path)
    settings = Settings(f"sqlite:///{tmp_path}/l.sqlite3", tmp_path, "test.example/ledger")
    (tmp_path / "web.secret").write_text(content)
    os.chmod(tmp_path / "web.secret", mode)
    with pytest.raises(SecretFileError, match=problem):
        secret_key(settings)


def _race(path: str, barrier: multiprocessing.synchronize.Barrier, results: multiprocessing.Queue) -> None:
    barrier.wait()
    created = create_secret_file(Path(path))
    results.put((created, read_secret_file(Path(path)).hex()))


def test_processes_racing_to_create_one_secret_agree_on_it(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(8), context.Queue()
    path = tmp_path / "keys" / "web.secret"
    workers = [context.Process(target=_race, args=(str(path), barrier, results)) for _ in range(8)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert sum(created for created, _ in outcomes) == 1
    assert len({secret for _, secret in outcomes}) == 1
    assert sorted(p.name for p in path.parent.iterdir()) == ["web.secret"]  # no temporary file left behind
