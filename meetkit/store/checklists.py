"""SQL for checklists: template versions, instances, items, append-only results, photos,
follow-ups and their events, sign-off events. Nothing here is ever updated or deleted:
current state is derived from the newest rows."""

from __future__ import annotations

from typing import Any

from meetkit.store.db import Store

# ---- templates ------------------------------------------------------------------------------


def insert_template(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO checklist_templates (name, meeting_id, kind, title_en, title_zh, items, based_on, at, operator)"
        " VALUES (:name, :meeting_id, :kind, :title_en, :title_zh, :items, :based_on, :at, :operator)",
        row,
    )
    return int(cursor.lastrowid)


def latest_library_template(store: Store, name: str) -> dict[str, Any] | None:
    return store.query_one(
        "SELECT * FROM checklist_templates WHERE meeting_id IS NULL AND name = ? ORDER BY id DESC LIMIT 1", [name]
    )


def library_templates(store: Store) -> list[dict[str, Any]]:
    """The newest version of every library template."""
    return store.query(
        "SELECT t.* FROM checklist_templates t WHERE t.meeting_id IS NULL AND t.id ="
        " (SELECT max(u.id) FROM checklist_templates u WHERE u.meeting_id IS NULL AND u.name = t.name) ORDER BY t.name"
    )


def latest_meeting_template(store: Store, meeting_id: int, kind: str) -> dict[str, Any] | None:
    return store.query_one(
        "SELECT * FROM checklist_templates WHERE meeting_id = ? AND kind = ? ORDER BY id DESC LIMIT 1", [meeting_id, kind]
    )


# ---- instances and items --------------------------------------------------------------------


def insert_checklist(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO checklists (meeting_id, kind, room_id, room_name, room_kind, template_name, title_en, title_zh, created_at, created_by)"
        " VALUES (:meeting_id, :kind, :room_id, :room_name, :room_kind, :template_name, :title_en, :title_zh, :created_at, :created_by)",
        row,
    )
    return int(cursor.lastrowid)


def get_checklist(store: Store, checklist_id: int) -> dict[str, Any] | None:
    return store.query_one("SELECT * FROM checklists WHERE id = ?", [checklist_id])


def checklists_for_meeting(store: Store, meeting_id: int, kind: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM checklists WHERE meeting_id = ?"
    params: list[Any] = [meeting_id]
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    return store.query(sql + " ORDER BY CASE kind WHEN 'pre' THEN 0 ELSE 1 END, id", params)


def insert_item(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO checklist_items (checklist_id, position, key, section_en, section_zh, en, zh, flags, copy_id, added_at)"
        " VALUES (:checklist_id, :position, :key, :section_en, :section_zh, :en, :zh, :flags, :copy_id, :added_at)",
        row,
    )
    return int(cursor.lastrowid)


def items(store: Store, checklist_id: int) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM checklist_items WHERE checklist_id = ? ORDER BY position, id", [checklist_id])


def items_of_meeting(store: Store, meeting_id: int, kind: str | None = None) -> list[dict[str, Any]]:
    """The items of every checklist of the meeting (of ``kind``), in checklist and item order."""
    sql = "SELECT i.* FROM checklist_items i JOIN checklists c ON c.id = i.checklist_id WHERE c.meeting_id = ?"
    params: list[Any] = [meeting_id]
    if kind:
        sql += " AND c.kind = ?"
        params.append(kind)
    return store.query(sql + " ORDER BY i.checklist_id, i.position, i.id", params)


def checklists_with_copy(store: Store, meeting_id: int, copy_id: int) -> list[int]:
    """Ids of the meeting's checklists that have an item for the controlled copy."""
    cursor = store.execute(
        "SELECT DISTINCT i.checklist_id FROM checklist_items i JOIN checklists c ON c.id = i.checklist_id"
        " WHERE c.meeting_id = ? AND i.copy_id = ? ORDER BY i.checklist_id",
        [meeting_id, copy_id],
    )
    return [int(r[0]) for r in cursor.fetchall()]


def max_position(store: Store, checklist_id: int) -> int:
    row = store.query_one("SELECT coalesce(max(position), 0) AS p FROM checklist_items WHERE checklist_id = ?", [checklist_id])
    return int(row["p"]) if row else 0


# ---- results and photos ---------------------------------------------------------------------


def insert_result(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO checklist_results (checklist_id, item_id, outcome, note, copy_found, at, operator)"
        " VALUES (:checklist_id, :item_id, :outcome, :note, :copy_found, :at, :operator)",
        row,
    )
    return int(cursor.lastrowid)


def results(store: Store, checklist_id: int) -> list[dict[str, Any]]:
    """Every result of the checklist, oldest first (the history)."""
    return store.query("SELECT * FROM checklist_results WHERE checklist_id = ? ORDER BY id", [checklist_id])


def results_of_meeting(store: Store, meeting_id: int, kind: str | None = None) -> list[dict[str, Any]]:
    """Every result of every checklist of the meeting (of ``kind``), oldest first."""
    sql = "SELECT r.* FROM checklist_results r JOIN checklists c ON c.id = r.checklist_id WHERE c.meeting_id = ?"
    params: list[Any] = [meeting_id]
    if kind:
        sql += " AND c.kind = ?"
        params.append(kind)
    return store.query(sql + " ORDER BY r.id", params)


def insert_photo(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO checklist_photos (checklist_id, item_id, result_id, filename, mime, sha256, width_px, height_px, data, thumbnail, at, operator)"
        " VALUES (:checklist_id, :item_id, :result_id, :filename, :mime, :sha256, :width_px, :height_px, :data, :thumbnail, :at, :operator)",
        row,
    )
    return int(cursor.lastrowid)


def photos(store: Store, checklist_id: int) -> list[dict[str, Any]]:
    """Photo metadata and thumbnails (not the full images)."""
    return store.query(
        "SELECT id, checklist_id, item_id, result_id, filename, mime, sha256, width_px, height_px, thumbnail, at, operator"
        " FROM checklist_photos WHERE checklist_id = ? ORDER BY id",
        [checklist_id],
    )


def photo_refs(store: Store, checklist_id: int) -> list[tuple[int, int, int]]:
    """(checklist_id, item_id, photo_id) of the checklist's photos, without their bytes."""
    cursor = store.execute("SELECT checklist_id, item_id, id FROM checklist_photos WHERE checklist_id = ? ORDER BY id", [checklist_id])
    return [(int(c), int(i), int(p)) for c, i, p in cursor.fetchall()]


def photo_refs_of_meeting(store: Store, meeting_id: int, kind: str | None = None) -> list[tuple[int, int, int]]:
    """(checklist_id, item_id, photo_id) of every photo of the meeting's checklists."""
    sql = "SELECT p.checklist_id, p.item_id, p.id FROM checklist_photos p JOIN checklists c ON c.id = p.checklist_id WHERE c.meeting_id = ?"
    params: list[Any] = [meeting_id]
    if kind:
        sql += " AND c.kind = ?"
        params.append(kind)
    cursor = store.execute(sql + " ORDER BY p.id", params)
    return [(int(c), int(i), int(p)) for c, i, p in cursor.fetchall()]


def photo_data(store: Store, photo_id: int) -> dict[str, Any] | None:
    return store.query_one("SELECT * FROM checklist_photos WHERE id = ?", [photo_id])


# ---- follow-ups -----------------------------------------------------------------------------


def insert_followup(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO checklist_followups (meeting_id, checklist_id, item_id, result_id, description, opened_at, opened_by)"
        " VALUES (:meeting_id, :checklist_id, :item_id, :result_id, :description, :opened_at, :opened_by)",
        row,
    )
    return int(cursor.lastrowid)


def insert_followup_event(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO checklist_followup_events (followup_id, action, owner, due_at, note, at, operator)"
        " VALUES (:followup_id, :action, :owner, :due_at, :note, :at, :operator)",
        row,
    )
    return int(cursor.lastrowid)


def followups(store: Store, meeting_id: int, checklist_id: int | None = None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM checklist_followups WHERE meeting_id = ?"
    params: list[Any] = [meeting_id]
    if checklist_id is not None:
        sql += " AND checklist_id = ?"
        params.append(checklist_id)
    return store.query(sql + " ORDER BY id", params)


def get_followup(store: Store, followup_id: int) -> dict[str, Any] | None:
    return store.query_one("SELECT * FROM checklist_followups WHERE id = ?", [followup_id])


def followup_events(store: Store, meeting_id: int) -> list[dict[str, Any]]:
    return store.query(
        "SELECT e.* FROM checklist_followup_events e JOIN checklist_followups f ON f.id = e.followup_id"
        " WHERE f.meeting_id = ? ORDER BY e.id",
        [meeting_id],
    )


# ---- sign-off -------------------------------------------------------------------------------


def insert_signoff(store: Store, row: dict[str, Any]) -> int:
    cursor = store.execute(
        "INSERT INTO checklist_signoffs (checklist_id, action, reason, at, operator) VALUES (:checklist_id, :action, :reason, :at, :operator)",
        row,
    )
    return int(cursor.lastrowid)


def signoffs(store: Store, checklist_id: int) -> list[dict[str, Any]]:
    return store.query("SELECT * FROM checklist_signoffs WHERE checklist_id = ? ORDER BY id", [checklist_id])


def signoffs_of_meeting(store: Store, meeting_id: int, kind: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT s.* FROM checklist_signoffs s JOIN checklists c ON c.id = s.checklist_id WHERE c.meeting_id = ?"
    params: list[Any] = [meeting_id]
    if kind:
        sql += " AND c.kind = ?"
        params.append(kind)
    return store.query(sql + " ORDER BY s.id", params)
