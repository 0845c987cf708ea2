"""Opening, creating and migrating the encrypted store."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3
import sqlite_utils

from meetkit.errors import ErrorCode, MeetkitError
from meetkit.store.migrations import apply_migrations, latest_version

log = logging.getLogger(__name__)

APPLICATION_ID = 0x4D4B5431  # "MKT1": marks a file as a meetkit store
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000

# sqlcipher3 logs decryption failures to stderr; a wrong passphrase is reported by us instead.
_QUIET_SQLCIPHER = "PRAGMA cipher_log_level = NONE"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Store:
    """An open store: a sqlite-utils Database on an SQLCipher connection."""

    def __init__(self, conn: Any, path: Path, encrypted: bool) -> None:
        self.conn = conn
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self.path = path
        self.encrypted = encrypted

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """A write transaction. The outermost one takes the write lock at once
        (BEGIN IMMEDIATE), so two desks writing at the same moment queue instead of
        failing half-way; nested ones are savepoints."""
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlcipher3.OperationalError as err:
            raise _translate_operational(err, self.path) from err
        try:
            yield self.db
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlcipher3.OperationalError as err:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise _translate_operational(err, self.path) from err

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        """Rows as dicts. Straight on the connection: sqlite-utils' query() wraps every read
        in a savepoint (two more statements), which the sign-in path cannot afford."""
        cursor = self.conn.execute(sql, params)
        columns = [d[0] for d in cursor.description or ()]
        return [dict(zip(columns, row)) for row in cursor]

    def query_one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        cursor = self.conn.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description], row))

    def execute(self, sql: str, params: Any = ()) -> Any:
        return self.conn.execute(sql, params)

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()


def _translate_operational(err: Exception, path: Path) -> MeetkitError:
    text = str(err).lower()
    if "locked" in text or "busy" in text:
        return MeetkitError(
            ErrorCode.STORE_LOCKED,
            f"the store {path} is locked by another program; try again in a moment",
            f"数据库文件 {path} 正被其他程序占用，请稍后再试",
        )
    if "readonly" in text or "read-only" in text:
        return MeetkitError(
            ErrorCode.STORE_READ_ONLY,
            f"the store {path} is read-only; nothing was written",
            f"数据库文件 {path} 为只读，未写入任何内容",
        )
    return MeetkitError(ErrorCode.NOT_A_STORE, f"cannot use the store {path}: {err}", f"无法使用数据库文件 {path}：{err}")


def _connect(path: Path, passphrase: str | None, read_only: bool) -> Any:
    uri = f"file:{path}?mode={'ro' if read_only else 'rw'}"
    conn = sqlcipher3.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    with contextlib.suppress(Exception):
        conn.execute(_QUIET_SQLCIPHER)
    if passphrase is not None:
        conn.execute(f"PRAGMA key = {_quote(passphrase)}")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _read_header(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(16)


def open_store(path: str | os.PathLike[str], passphrase: str | None, *, migrate: bool = True) -> Store:
    """Open an existing store. Every failure is a MeetkitError with one clear line and
    nothing written to the file."""
    path = Path(path)
    if not path.exists():
        raise MeetkitError(
            ErrorCode.STORE_MISSING,
            f"no store at {path}; create one with 'meetkit init --admin NAME'",
            f"{path} 处没有数据库；请先运行 'meetkit init --admin 用户名' 创建",
        )
    if path.is_dir() or path.stat().st_size == 0:
        raise _not_a_store(path)
    try:
        header = _read_header(path)
    except PermissionError as err:
        raise MeetkitError(
            ErrorCode.STORE_READ_ONLY, f"cannot read the store {path}: permission denied", f"无法读取数据库文件 {path}：权限不足"
        ) from err
    plaintext = header == SQLITE_HEADER
    if not plaintext and not passphrase:
        raise MeetkitError(
            ErrorCode.WRONG_PASSPHRASE,
            f"the store {path} is encrypted: give its passphrase (prompt, MEETKIT_PASSPHRASE or --passphrase-file)",
            f"数据库文件 {path} 已加密，请提供口令（交互输入、MEETKIT_PASSPHRASE 或 --passphrase-file）",
        )
    writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    conn = _connect(path, None if plaintext else passphrase, read_only=not writable)
    try:
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlcipher3.DatabaseError as err:
            if "not a database" in str(err).lower() or "encrypted" in str(err).lower():
                if plaintext:
                    raise _not_a_store(path) from err
                raise MeetkitError(
                    ErrorCode.WRONG_PASSPHRASE,
                    f"cannot open {path}: wrong passphrase, or the file is not a meetkit store",
                    f"无法打开 {path}：口令错误，或该文件不是 meetkit 数据库",
                ) from err
            raise _translate_operational(err, path) from err
        if app_id != APPLICATION_ID:
            raise _not_a_store(path)
        if version > latest_version():
            raise MeetkitError(
                ErrorCode.NEWER_STORE,
                f"the store {path} was written by a newer meetkit (schema {version}, this one knows {latest_version()}); upgrade meetkit",
                f"数据库文件 {path} 由更新版本的 meetkit 写入（结构版本 {version}，本程序支持 {latest_version()}），请升级 meetkit",
            )
        if not writable:
            raise MeetkitError(
                ErrorCode.STORE_READ_ONLY,
                f"the store {path} (or its folder) is read-only; nothing was written",
                f"数据库文件 {path}（或其所在目录）为只读，未写入任何内容",
            )
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        store = Store(conn, path, encrypted=not plaintext)
        if migrate and version < latest_version():
            apply_migrations(store)
        return store
    except MeetkitError:
        conn.close()
        raise
    except (sqlcipher3.OperationalError, sqlite3.OperationalError) as err:
        conn.close()
        raise _translate_operational(err, path) from err


def _not_a_store(path: Path) -> MeetkitError:
    return MeetkitError(ErrorCode.NOT_A_STORE, f"{path} is not a meetkit store", f"{path} 不是 meetkit 数据库文件")


def create_store(path: str | os.PathLike[str], passphrase: str | None) -> Store:
    """Create a new store; ``passphrase=None`` creates an unencrypted one."""
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        raise MeetkitError(
            ErrorCode.STORE_EXISTS, f"a file already exists at {path}; nothing was changed", f"{path} 已存在文件，未做任何更改"
        )
    if passphrase is not None and not passphrase:
        raise MeetkitError(ErrorCode.INVALID_INPUT, "the passphrase must not be empty", "口令不能为空")
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlcipher3.connect(str(path), check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000)
    with contextlib.suppress(Exception):
        conn.execute(_QUIET_SQLCIPHER)
    if passphrase is not None:
        conn.execute(f"PRAGMA key = {_quote(passphrase)}")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)
    store = Store(conn, path, encrypted=passphrase is not None)
    apply_migrations(store)
    return store
