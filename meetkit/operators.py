"""Operators, roles and authentication.

Passwords are hashed with scrypt (memory-hard; n=2**14, r=8, p=1, 16-byte salt). Every
service checks the role it needs with :func:`require_role`, which audits a refusal before
raising.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from meetkit import audit
from meetkit.clock import Clock, iso
from meetkit.errors import ErrorCode, InvalidInput, MeetkitError, NotFound, PermissionDenied
from meetkit.store import Store
from meetkit.store import operators as sql

ROLES = ("admin", "secretary", "chair", "technician", "inspector", "director")
ROLE_ZH = {
    "admin": "管理员",
    "secretary": "会务秘书",
    "chair": "主持领导",
    "technician": "技术人员",
    "inspector": "检查人员",
    "director": "办公室主任",
}
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class Actor:
    """An authenticated operator acting in a service call."""

    id: int
    name: str
    roles: frozenset[str]
    lang: str = "zh"

    def has(self, *roles: str) -> bool:
        return "admin" in self.roles or any(r in self.roles for r in roles)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    enc = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${enc(salt).decode()}${enc(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _validate_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name) or any(ord(c) < 32 for c in name):
        raise InvalidInput(
            "an operator name is 1–64 characters without spaces", "操作员用户名须为 1–64 个字符，不含空格"
        )
    return name


def _validate_roles(roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    unknown = [r for r in chosen if r not in ROLES]
    if unknown or not chosen:
        raise InvalidInput(
            f"roles must be among {', '.join(ROLES)} (got {', '.join(unknown) or 'none'})",
            f"角色须为 {', '.join(ROLES)} 之一（收到 {', '.join(unknown) or '空'}）",
        )
    return chosen


def _validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"a password needs at least {MIN_PASSWORD_LENGTH} characters", f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符"
        )


def _actor_from_row(row: dict[str, object]) -> Actor:
    return Actor(int(row["id"]), str(row["name"]), frozenset(json.loads(str(row["roles"]))), str(row["lang"]))


def create_first_admin(store: Store, clock: Clock, name: str, password: str, display_name: str = "") -> Actor:
    """Only on a store with no operators yet (``meetkit init``)."""
    name = _validate_name(name)
    _validate_password(password)
    with store.transaction():
        if sql.count(store) > 0:
            raise MeetkitError(ErrorCode.CONFLICT, "this store already has operators", "该数据库已有操作员")
        new_id = sql.insert(
            store,
            {
                "name": name,
                "display_name": display_name or name,
                "password_hash": hash_password(password),
                "roles": json.dumps(["admin"]),
                "lang": "zh",
                "created_at": iso(clock.now()),
            },
        )
        audit.append(store, clock, name, "operator.init_admin", f"operator:{name}", {"roles": ["admin"]})
    return Actor(new_id, name, frozenset({"admin"}))


def authenticate(store: Store, clock: Clock, name: str, password: str) -> Actor:
    row = sql.get_by_name(store, name)
    ok = row is not None and not row["disabled"] and check_password(password, str(row["password_hash"]))
    if not ok:
        audit.append(store, clock, name if row else "?", "auth.refused", f"operator:{name}" if row else "operator:?", {})
        raise MeetkitError(ErrorCode.AUTH_FAILED, "wrong operator name or password", "操作员用户名或密码错误")
    assert row is not None
    return _actor_from_row(row)


def require_role(store: Store, clock: Clock, actor: Actor, roles: Iterable[str], action: str, subject: str, meeting_id: int | None = None) -> None:
    """Refuse (and audit the refusal) unless the actor holds one of ``roles`` or is admin."""
    wanted = tuple(roles)
    if actor.has(*wanted):
        return
    audit.append(store, clock, actor.name, "refused." + action, subject, {"needed": list(wanted)}, meeting_id)
    raise PermissionDenied(
        f"{action} needs the role {' or '.join(wanted)}",
        f"此操作需要角色：{'或'.join(ROLE_ZH.get(r, r) for r in wanted)}",
        needed=list(wanted),
    )


def add_operator(store: Store, clock: Clock, actor: Actor, name: str, password: str, roles: Iterable[str], display_name: str = "") -> Actor:
    require_role(store, clock, actor, ["admin"], "operator.add", f"operator:{name}")
    name = _validate_name(name)
    chosen = _validate_roles(roles)
    _validate_password(password)
    with store.transaction():
        if sql.get_by_name(store, name) is not None:
            raise MeetkitError(ErrorCode.CONFLICT, f"an operator named {name} exists already", f"操作员 {name} 已存在")
        new_id = sql.insert(
            store,
            {
                "name": name,
                "display_name": display_name or name,
                "password_hash": hash_password(password),
                "roles": json.dumps(chosen),
                "lang": "zh",
                "created_at": iso(clock.now()),
            },
        )
        audit.append(store, clock, actor.name, "operator.add", f"operator:{name}", {"roles": chosen})
    return Actor(new_id, name, frozenset(chosen))


def list_operators(store: Store) -> list[dict[str, object]]:
    rows = sql.list_all(store)
    for row in rows:
        row["roles"] = json.loads(str(row["roles"]))
        row["disabled"] = bool(row["disabled"])
    return rows


def disable_operator(store: Store, clock: Clock, actor: Actor, name: str) -> None:
    require_role(store, clock, actor, ["admin"], "operator.disable", f"operator:{name}")
    if name == actor.name:
        raise InvalidInput("you cannot disable yourself", "不能停用自己的账号")
    with store.transaction():
        if sql.get_by_name(store, name) is None:
            raise NotFound(f"no operator named {name}", f"没有名为 {name} 的操作员")
        sql.set_disabled(store, name, True)
        audit.append(store, clock, actor.name, "operator.disable", f"operator:{name}", {})


def set_language(store: Store, clock: Clock, actor: Actor, lang: str) -> Actor:
    if lang not in ("zh", "en"):
        raise InvalidInput("language must be zh or en", "语言须为 zh 或 en")
    with store.transaction():
        sql.set_lang(store, actor.name, lang)
        audit.append(store, clock, actor.name, "operator.language", f"operator:{actor.name}", {"lang": lang})
    return Actor(actor.id, actor.name, actor.roles, lang)


def verify_password_of(store: Store, clock: Clock, name: str, password: str) -> Actor:
    """Check another operator's password (a witness or a countersigning inspector confirming
    in person). Same as authenticate; named for what callers mean."""
    return authenticate(store, clock, name, password)
