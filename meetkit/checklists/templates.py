"""Checklist templates: the built-in ones (``builtin.py``), library templates saved for reuse,
and each meeting's own edited copy. Templates are versioned: every save inserts a new
version and the newest wins, so an edit never rewrites what a checklist was made from."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from meetkit import audit
from meetkit.clock import Clock, iso
from meetkit.errors import InvalidInput, InvalidState, NotFound
from meetkit.operators import Actor, require_role
from meetkit.store import Store
from meetkit.store import checklists as sql

KINDS = ("pre", "post")
KIND_EN = {"pre": "pre-meeting", "post": "post-meeting"}
KIND_ZH = {"pre": "会前", "post": "会后"}
ROOM_KINDS = ("meeting", "side", "lodging")
FLAGS = ("sweep_ref", "high_only")
EDITORS = ("secretary", "inspector")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
NAME_RE = re.compile(r"^[\w\u4e00-\u9fff][\w\u4e00-\u9fff.-]{0,39}$")
MAX_TEXT = 300
MAX_ITEMS = 100


@dataclass(frozen=True)
class ItemDef:
    key: str
    en: str
    zh: str
    section_en: str = ""
    section_zh: str = ""
    room_kinds: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    def applies_to(self, room_kind: str, high_level: bool) -> bool:
        if self.room_kinds and room_kind not in self.room_kinds:
            return False
        return high_level or "high_only" not in self.flags

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["room_kinds"] = list(self.room_kinds)
        data["flags"] = list(self.flags)
        return data


@dataclass(frozen=True)
class Template:
    name: str
    kind: str
    title_en: str
    title_zh: str
    items: tuple[ItemDef, ...]
    source: str = "builtin"  # builtin | library | meeting
    id: int | None = None
    based_on: str = ""
    saved_at: str = ""
    saved_by: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "title_en": self.title_en,
            "title_zh": self.title_zh,
            "source": self.source,
            "id": self.id,
            "based_on": self.based_on,
            "saved_at": self.saved_at,
            "saved_by": self.saved_by,
            "items": [i.to_json() for i in self.items],
        }


# ---- parsing item definitions (people type these) -------------------------------------------


def _text(value: Any, what: str, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be text", f"{what} 须为文字")
    text = value.strip()
    if required and not text:
        raise InvalidInput(f"{what} must not be empty", f"{what} 不能为空")
    if len(text) > MAX_TEXT or any(ord(c) < 32 for c in text):
        raise InvalidInput(f"{what} must be one line of at most {MAX_TEXT} characters", f"{what} 须为不超过 {MAX_TEXT} 个字符的单行文字")
    return text


def parse_item(data: Any) -> ItemDef:
    """One item definition from JSON-like data; raises InvalidInput with a clear reason."""
    if not isinstance(data, dict):
        raise InvalidInput("an item must be an object with key, en and zh", "检查项须为包含 key、en、zh 的对象")
    key = data.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise InvalidInput(
            f"item key {key!r}: use 1–40 lower-case letters, digits or _ starting with a letter",
            f"检查项标识 {key!r} 须为以字母开头的 1–40 个小写字母、数字或下划线",
        )
    room_kinds = data.get("room_kinds") or []
    flags = data.get("flags") or []
    if not isinstance(room_kinds, list) or any(k not in ROOM_KINDS for k in room_kinds):
        raise InvalidInput(f"item {key}: room_kinds must be among {', '.join(ROOM_KINDS)}", f"检查项 {key}：房间类型须为 {', '.join(ROOM_KINDS)}")
    if not isinstance(flags, list) or any(f not in FLAGS for f in flags):
        raise InvalidInput(f"item {key}: flags must be among {', '.join(FLAGS)}", f"检查项 {key}：标志须为 {', '.join(FLAGS)}")
    return ItemDef(
        key=key,
        en=_text(data.get("en"), f"item {key} English text"),
        zh=_text(data.get("zh"), f"item {key} Chinese text"),
        section_en=_text(data.get("section_en"), "section", required=False),
        section_zh=_text(data.get("section_zh"), "section", required=False),
        room_kinds=tuple(dict.fromkeys(room_kinds)),
        flags=tuple(dict.fromkeys(flags)),
    )


def parse_items(data: Any) -> tuple[ItemDef, ...]:
    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    if not isinstance(data, list) or not data:
        raise InvalidInput("a template needs a non-empty list of items", "模板须包含至少一个检查项")
    if len(data) > MAX_ITEMS:
        raise InvalidInput(f"a template holds at most {MAX_ITEMS} items", f"模板最多包含 {MAX_ITEMS} 个检查项")
    parsed = tuple(parse_item(d) for d in data)
    seen: set[str] = set()
    for item in parsed:
        if item.key in seen:
            raise InvalidInput(f"item key {item.key} appears twice", f"检查项标识 {item.key} 重复")
        seen.add(item.key)
    return parsed


def parse_items_json(text: str | bytes) -> tuple[ItemDef, ...]:
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as err:
        raise InvalidInput(f"not valid JSON: {err}", f"不是有效的 JSON：{err}") from err
    return parse_items(data)


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput(f"checklist kind must be pre or post (got {kind!r})", "检查表类型须为 pre（会前）或 post（会后）")
    return kind


def _check_name(name: str) -> str:
    name = name.strip()
    if not NAME_RE.match(name):
        raise InvalidInput(
            "a template name is 1–40 letters, digits, '.', '-' or '_'", "模板名称须为 1–40 个字母、数字、汉字、“.”“-”或“_”"
        )
    return name


# ---- lookup ---------------------------------------------------------------------------------


def builtin_templates() -> tuple[Template, ...]:
    from meetkit.checklists.builtin import BUILTIN

    return BUILTIN


def builtin_for(kind: str) -> Template:
    _check_kind(kind)
    return next(t for t in builtin_templates() if t.kind == kind)


def _from_row(row: dict[str, Any], source: str) -> Template:
    return Template(
        name=row["name"],
        kind=row["kind"],
        title_en=row["title_en"],
        title_zh=row["title_zh"],
        items=parse_items(json.loads(row["items"])),
        source=source,
        id=int(row["id"]),
        based_on=row["based_on"],
        saved_at=row["at"],
        saved_by=row["operator"],
    )


def library_templates(store: Store) -> list[Template]:
    """Built-in templates followed by every saved library template (newest version each)."""
    saved = [_from_row(r, "library") for r in sql.library_templates(store)]
    names = {t.name for t in saved}
    return [t for t in builtin_templates() if t.name not in names] + saved


def get_template(store: Store, name: str) -> Template:
    row = sql.latest_library_template(store, name)
    if row is not None:
        return _from_row(row, "library")
    for template in builtin_templates():
        if template.name == name:
            return template
    raise NotFound(f"no checklist template named {name}", f"没有名为 {name} 的检查表模板")


def meeting_template(store: Store, meeting_id: int, kind: str) -> Template:
    """The template this meeting's new checklists of ``kind`` are made from: its own edited
    copy if it has one, else the built-in one."""
    _check_kind(kind)
    row = sql.latest_meeting_template(store, meeting_id, kind)
    if row is not None:
        return _from_row(row, "meeting")
    return builtin_for(kind)


# ---- editing --------------------------------------------------------------------------------


def _store_template(store: Store, clock: Clock, actor: Actor, template: Template, meeting_id: int | None, action: str) -> Template:
    row = {
        "name": template.name,
        "meeting_id": meeting_id,
        "kind": template.kind,
        "title_en": template.title_en,
        "title_zh": template.title_zh,
        "items": json.dumps([i.to_json() for i in template.items], ensure_ascii=False),
        "based_on": template.based_on,
        "at": iso(clock.now()),
        "operator": actor.name,
    }
    with store.transaction():
        template_id = sql.insert_template(store, row)
        audit.append(
            store, clock, actor.name, action, f"checklist_template:{template_id}",
            {"name": template.name, "kind": template.kind, "items": [i.key for i in template.items], "based_on": template.based_on},
            meeting_id,
        )
    return replace(template, id=template_id, source="meeting" if meeting_id else "library", saved_at=row["at"], saved_by=actor.name)


def _next_custom_key(items: Sequence[ItemDef]) -> str:
    used = {i.key for i in items}
    n = 1
    while f"custom_{n}" in used:
        n += 1
    return f"custom_{n}"


def edit_meeting_template(
    store: Store,
    clock: Clock,
    actor: Actor,
    meeting_id: int,
    kind: str,
    *,
    start_from: str | None = None,
    items: Iterable[ItemDef] | None = None,
    add: Iterable[ItemDef | dict[str, Any]] = (),
    remove: Iterable[str] = (),
) -> Template:
    """Change the template this meeting's future checklists of ``kind`` are made from.

    ``start_from`` replaces it with a library or built-in template; ``items`` replaces the item
    list; ``add`` appends items (a dict without a key gets ``custom_N``); ``remove`` drops items
    by key. Checklists made before the edit keep the items they were made with."""
    from meetkit.meetings import get_meeting

    meeting = get_meeting(store, meeting_id)
    require_role(store, clock, actor, EDITORS, "checklist.template.edit", f"meeting:{meeting_id}", meeting_id)
    if meeting.state == "closed":
        raise InvalidState("a closed meeting cannot change", "已结束的会议不能修改")
    _check_kind(kind)
    base = get_template(store, start_from) if start_from else meeting_template(store, meeting_id, kind)
    if base.kind != kind:
        raise InvalidInput(f"template {base.name} is a {base.kind} template, not {kind}", f"模板 {base.name} 不是{KIND_ZH[kind]}检查表模板")
    current = list(tuple(items) if items is not None else base.items)
    drop = set(remove)
    unknown = drop - {i.key for i in current}
    if unknown:
        raise NotFound(f"no item {', '.join(sorted(unknown))} in this template", f"模板中没有检查项 {', '.join(sorted(unknown))}")
    current = [i for i in current if i.key not in drop]
    for extra in add:
        if isinstance(extra, ItemDef):
            new = extra
        else:
            data = dict(extra)
            data.setdefault("key", _next_custom_key(current))
            new = parse_item(data)
        if any(i.key == new.key for i in current):
            raise InvalidInput(f"item key {new.key} appears twice", f"检查项标识 {new.key} 重复")
        current.append(new)
    if not current:
        raise InvalidInput("a template needs at least one item", "模板须包含至少一个检查项")
    parse_items([i.to_json() for i in current])
    edited = Template(
        name=f"meeting-{meeting_id}-{kind}",
        kind=kind,
        title_en=base.title_en,
        title_zh=base.title_zh,
        items=tuple(current),
        based_on=base.name if base.source != "meeting" else base.based_on,
    )
    return _store_template(store, clock, actor, edited, meeting_id, "checklist.template.edit")


def save_template(store: Store, clock: Clock, actor: Actor, name: str, template: Template) -> Template:
    """Save ``template`` to the library under ``name`` (a new version if the name exists)."""
    require_role(store, clock, actor, EDITORS, "checklist.template.save", f"checklist_template:{name}")
    name = _check_name(name)
    if any(t.name == name for t in builtin_templates()):
        raise InvalidInput(f"{name} is a built-in template name; choose another", f"{name} 是内置模板名称，请另取名称")
    parse_items([i.to_json() for i in template.items])
    to_save = replace(template, name=name, based_on=template.based_on or template.name)
    return _store_template(store, clock, actor, to_save, None, "checklist.template.save")


def save_meeting_template(store: Store, clock: Clock, actor: Actor, meeting_id: int, kind: str, name: str) -> Template:
    """Save the meeting's current template of ``kind`` to the library for reuse."""
    return save_template(store, clock, actor, name, meeting_template(store, meeting_id, kind))
