"""The encrypted store: real SQLCipher files, and every way opening one can go wrong."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from meetkit.errors import ErrorCode, MeetkitError
from meetkit.store import create_store, open_store
from meetkit.store.migrations import latest_version
from tests.conftest import PASSPHRASE


def _code(fn) -> ErrorCode:
    with pytest.raises(MeetkitError) as info:
        fn()
    return info.value.code


def test_store_file_is_encrypted_and_reopens(store_path):
    s = create_store(store_path, PASSPHRASE)
    s.execute("SELECT 1")
    s.close()
    head = store_path.read_bytes()[:16]
    assert head != b"SQLite format 3\x00"
    assert b"operators" not in store_path.read_bytes()
    again = open_store(store_path, PASSPHRASE)
    assert again.encrypted and again.schema_version == latest_version()
    assert again.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert again.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    again.close()


def test_wrong_passphrase_is_one_clear_error_and_writes_nothing(store_path):
    create_store(store_path, PASSPHRASE).close()
    before = store_path.read_bytes()
    assert _code(lambda: open_store(store_path, "not the passphrase")) == ErrorCode.WRONG_PASSPHRASE
    assert _code(lambda: open_store(store_path, None)) == ErrorCode.WRONG_PASSPHRASE
    assert store_path.read_bytes() == before


def test_not_a_store(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(os.urandom(4096))
    assert _code(lambda: open_store(junk, "x")) == ErrorCode.WRONG_PASSPHRASE
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert _code(lambda: open_store(empty, "x")) == ErrorCode.NOT_A_STORE
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (a)")
    conn.commit()
    conn.close()
    assert _code(lambda: open_store(other, None)) == ErrorCode.NOT_A_STORE
    assert _code(lambda: open_store(tmp_path / "missing.db", "x")) == ErrorCode.STORE_MISSING


def test_newer_store_is_refused(store_path):
    s = create_store(store_path, PASSPHRASE)
    s.execute(f"PRAGMA user_version = {latest_version() + 1}")
    s.close()
    assert _code(lambda: open_store(store_path, PASSPHRASE)) == ErrorCode.NEWER_STORE


def test_read_only_store_is_refused(store_path):
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    create_store(store_path, PASSPHRASE).close()
    store_path.chmod(stat.S_IRUSR)
    assert _code(lambda: open_store(store_path, PASSPHRASE)) == ErrorCode.STORE_READ_ONLY


def test_read_only_folder_is_refused_even_for_root(tmp_path):
    # A folder that cannot be written makes SQLite fail to create the WAL: refused cleanly.
    path = tmp_path / "ro" / "m.db"
    path.parent.mkdir()
    create_store(path, PASSPHRASE).close()
    for suffix in ("-wal", "-shm"):
        (path.parent / (path.name + suffix)).unlink(missing_ok=True)
    os.chmod(path.parent, stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(path.parent, os.W_OK):
            pytest.skip("this user can write any folder")
        assert _code(lambda: open_store(path, PASSPHRASE)) == ErrorCode.STORE_READ_ONLY
    finally:
        os.chmod(path.parent, stat.S_IRWXU)


def test_locked_store_gives_a_clear_error(store_path, monkeypatch):
    import meetkit.store.db as db

    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 100)
    first = create_store(store_path, PASSPHRASE)
    second = open_store(store_path, PASSPHRASE)
    second.execute("PRAGMA busy_timeout = 100")
    with first.transaction():
        with pytest.raises(MeetkitError) as info:
            with second.transaction():
                pass
        assert info.value.code == ErrorCode.STORE_LOCKED
    first.close()
    second.close()


def test_existing_file_is_never_overwritten(store_path):
    store_path.write_bytes(b"precious")
    assert _code(lambda: create_store(store_path, PASSPHRASE)) == ErrorCode.STORE_EXISTS
    assert store_path.read_bytes() == b"precious"


def test_unencrypted_store_says_so(tmp_path):
    path = tmp_path / "plain.db"
    create_store(path, None).close()
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    s = open_store(path, None)
    assert not s.encrypted
    s.close()


def test_transaction_rolls_back_change_and_audit_together(store, clock, team):
    from meetkit import audit

    before = audit.verify(store).entries
    with pytest.raises(RuntimeError):
        with store.transaction():
            audit.append(store, clock, "admin", "test.action", "x", {})
            raise RuntimeError("boom")
    assert audit.verify(store).entries == before
