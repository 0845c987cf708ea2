"""What every CLI handler gets: the chosen language, the store, the acting operator, a clock,
and a JSON printer. The store and the operator are resolved only when a handler asks."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from meetkit.clock import Clock, SystemClock
from meetkit.errors import ErrorCode, MeetkitError


def default_store_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("meetkit", appauthor=False)) / "meetkit.db"


def resolve_store_path(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    env = os.environ.get("MEETKIT_DB")
    return Path(env) if env else default_store_path()


def read_secret(env_name: str, prompt: str, file_path: str | None = None) -> str | None:
    """A secret from a file, the environment or an interactive prompt, in that order."""
    if file_path:
        try:
            return Path(file_path).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as err:
            raise MeetkitError(ErrorCode.INVALID_INPUT, f"cannot read {file_path}: {err.strerror}", f"无法读取 {file_path}：{err.strerror}") from err
    value = os.environ.get(env_name)
    if value is not None:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    return None


class CliContext:
    def __init__(self, args: argparse.Namespace, clock: Clock | None = None) -> None:
        self.args = args
        self.lang = getattr(args, "lang", None) or os.environ.get("MEETKIT_LANG") or "zh"
        if self.lang not in ("zh", "en"):
            self.lang = "zh"
        self.clock: Clock = clock or SystemClock()
        self._store: Any = None
        self._actor: Any = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> CliContext:
        return cls(args)

    @property
    def store_path(self) -> Path:
        return resolve_store_path(getattr(self.args, "db", None))

    def passphrase(self, prompt: str = "Store passphrase (数据库口令): ") -> str | None:
        return read_secret("MEETKIT_PASSPHRASE", prompt, getattr(self.args, "passphrase_file", None))

    def store(self) -> Any:
        """The open store (opened on first use)."""
        if self._store is None:
            from meetkit.store import open_store

            path = self.store_path
            passphrase = None
            if path.exists() and path.stat().st_size > 0:
                with path.open("rb") as fh:
                    plaintext = fh.read(16) == b"SQLite format 3\x00"
                if not plaintext:
                    passphrase = self.passphrase()
            self._store = open_store(path, passphrase)
        return self._store

    def actor(self) -> Any:
        """The authenticated operator acting in this command."""
        if self._actor is None:
            from meetkit.operators import authenticate

            name = getattr(self.args, "operator", None) or os.environ.get("MEETKIT_OPERATOR")
            if not name:
                raise MeetkitError(
                    ErrorCode.AUTH_FAILED,
                    "say who is acting: --operator NAME or MEETKIT_OPERATOR",
                    "请指明操作员：--operator 用户名 或 MEETKIT_OPERATOR",
                )
            password = read_secret("MEETKIT_OPERATOR_PASSWORD", f"Password for {name} (操作员密码): ")
            if password is None:
                raise MeetkitError(
                    ErrorCode.AUTH_FAILED,
                    "no operator password: set MEETKIT_OPERATOR_PASSWORD or run in a terminal",
                    "缺少操作员密码：请设置 MEETKIT_OPERATOR_PASSWORD 或在终端中运行",
                )
            self._actor = authenticate(self.store(), self.clock, name, password)
        return self._actor

    def out(self, obj: Any) -> None:
        """Print one JSON document (UTF-8, Chinese unescaped)."""
        sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=None, default=str) + "\n")
        sys.stdout.flush()

    def say(self, en: str, zh: str) -> None:
        print(zh if self.lang == "zh" else en)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
