"""Reading attendee lists as units send them.

Encodings: UTF-8, UTF-8 with BOM, UTF-16 with BOM, GBK/GB18030 (as Excel in China saves
them). Delimiters: comma, tab, semicolon or the full-width comma. Headers in Chinese or
English. Every bad row is reported with its row number and reason; names are kept exactly
as written (no normalisation), only surrounding blanks are trimmed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from meetkit.vetting.idnumbers import id_number_problem, normalise_id_number, phone_problem

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "name", "full name", "fullname"),
    "unit": ("单位", "工作单位", "所在单位", "unit", "organisation", "organization", "department"),
    "title": ("职务", "职位", "title", "position", "job title"),
    "id_number": ("证件号码", "身份证号", "身份证号码", "证件号", "id_number", "id number", "id", "id no", "id no."),
    "phone": ("手机", "手机号", "手机号码", "电话", "联系电话", "phone", "mobile", "telephone"),
    "category": ("类别", "人员类别", "category", "type"),
    "seat": ("座位", "座位号", "座次", "seat", "zone", "seat/zone"),
    "room": ("住宿房间", "房间", "房间号", "room", "lodging", "lodging room"),
    "notes": ("备注", "notes", "note", "remarks"),
}
_LOOKUP = {alias.casefold(): key for key, aliases in COLUMNS.items() for alias in aliases}
CATEGORIES = {
    "代表": "delegate", "正式代表": "delegate", "参会人员": "delegate", "delegate": "delegate",
    "列席": "observer", "列席人员": "observer", "observer": "observer",
    "工作人员": "staff", "staff": "staff",
    "嘉宾": "guest", "guest": "guest",
    "领导": "leader", "leader": "leader",
    "": "delegate",
}
MAX_NAME = 64
MAX_FIELD = 200
_BLANKS = " \t\r\n\u3000\ufeff"


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based line number in the file (the header is row 1)
    reason: str
    reason_zh: str

    def to_json(self) -> dict[str, object]:
        return {"row": self.row, "reason": self.reason, "reason_zh": self.reason_zh}


@dataclass(frozen=True)
class ParsedRow:
    row: int
    name: str
    unit: str = ""
    title: str = ""
    id_number: str = ""
    phone: str = ""
    category: str = "delegate"
    seat: str = ""
    room: str = ""
    notes: str = ""


@dataclass
class ParsedList:
    encoding: str
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: RowError | None = None

    @property
    def clean(self) -> bool:
        return not self.errors and self.file_error is None


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return data.decode("gb18030"), "gb18030"


def _clean(value: str | None) -> str:
    return (value or "").strip(_BLANKS)


_DELIMITERS = (",", "\t", ";", "，")
_DELIMITER_NAMES = {
    ",": ("commas", "半角逗号"),
    "\t": ("tabs", "制表符"),
    ";": ("semicolons", "分号"),
    "，": ("full-width commas", "全角逗号"),
}


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse(data: bytes) -> ParsedList:
    try:
        text, encoding = decode(data)
    except (UnicodeDecodeError, UnicodeError):
        return ParsedList("unknown", file_error=RowError(0, "the file is not text in UTF-8, UTF-16 or GBK/GB18030", "文件不是 UTF-8、UTF-16 或 GBK/GB18030 编码的文本"))
    if "\x00" in text:
        return ParsedList(encoding, file_error=RowError(0, "the file is binary, not a CSV list", "文件是二进制内容，不是 CSV 名单"))
    lines = text.splitlines()
    while lines and not lines[0].strip(_BLANKS + ",;，"):
        lines.pop(0)
    if not lines:
        return ParsedList(encoding, file_error=RowError(0, "the file is empty", "文件为空"))
    result = ParsedList(encoding)
    delimiter = _sniff_delimiter(lines[0])
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    header: list[str] | None = None
    mapping: list[str | None] = []
    try:
        for line_no, cells in enumerate(reader, start=1):
            cells = [_clean(c) for c in cells]
            if header is None:
                if not any(cells):
                    continue
                header = cells
                mapping = [_LOOKUP.get(h.casefold()) for h in header]
                unknown = [h for h, m in zip(header, mapping) if m is None and h]
                if unknown:
                    result.file_error = RowError(
                        line_no,
                        f"unknown column(s): {', '.join(unknown)}",
                        f"无法识别的列：{'、'.join(unknown)}",
                    )
                    return result
                if "name" not in mapping:
                    result.file_error = RowError(line_no, "no name column (姓名/name)", "缺少“姓名”列")
                    return result
                duplicated = sorted({m for m in mapping if m and mapping.count(m) > 1})
                if duplicated:
                    result.file_error = RowError(line_no, f"column given twice: {', '.join(duplicated)}", f"列重复：{'、'.join(duplicated)}")
                    return result
                continue
            if not any(cells):
                continue
            if len(mapping) > 1 and len(cells) == 1 and any(d in cells[0] for d in _DELIMITERS if d != delimiter):
                # e.g. a header typed with full-width commas over rows with ASCII commas: the whole row
                # would otherwise become one person's name
                result.errors.append(RowError(
                    line_no,
                    f"the row is not separated like the header (header: {_DELIMITER_NAMES[delimiter][0]})",
                    f"该行的分隔符与表头不一致（表头用{_DELIMITER_NAMES[delimiter][1]}）",
                ))
                continue
            _parse_row(result, line_no, cells, mapping)
    except csv.Error as err:
        result.file_error = RowError(reader.line_num, f"broken CSV: {err}", f"CSV 格式错误：{err}")
    if header is None and result.file_error is None:
        result.file_error = RowError(0, "the file has no header row", "文件没有表头")
    return result


def _parse_row(result: ParsedList, line_no: int, cells: list[str], mapping: list[str | None]) -> None:
    if len(cells) > len(mapping) and any(cells[len(mapping):]):
        result.errors.append(RowError(line_no, f"{len(cells)} cells but only {len(mapping)} columns", f"该行有 {len(cells)} 个单元格，但表头只有 {len(mapping)} 列"))
        return
    values: dict[str, str] = {}
    for key, value in zip(mapping, cells):
        if key:
            values[key] = value
    name = values.get("name", "")
    if not name:
        result.errors.append(RowError(line_no, "missing name", "缺少姓名"))
        return
    if len(name) > MAX_NAME:
        result.errors.append(RowError(line_no, f"name longer than {MAX_NAME} characters", f"姓名超过 {MAX_NAME} 个字符"))
        return
    if any(ord(c) < 32 for c in name):
        result.errors.append(RowError(line_no, "name contains control characters", "姓名含有控制字符"))
        return
    too_long = [k for k, v in values.items() if len(v) > MAX_FIELD]
    if too_long:
        result.errors.append(RowError(line_no, f"{too_long[0]} longer than {MAX_FIELD} characters", f"{too_long[0]} 超过 {MAX_FIELD} 个字符"))
        return
    id_number = normalise_id_number(values.get("id_number", ""))
    problem = id_number_problem(id_number)
    if problem:
        result.errors.append(RowError(line_no, problem, "证件号码格式错误" if "check digit" not in problem else "身份证号码校验位错误"))
        return
    phone = values.get("phone", "")
    if phone_problem(phone):
        result.errors.append(RowError(line_no, "malformed phone number", "手机号码格式错误"))
        return
    category_text = values.get("category", "")
    category = CATEGORIES.get(category_text, CATEGORIES.get(category_text.casefold()))
    if category is None:
        result.errors.append(RowError(line_no, f"unknown category {category_text!r}", f"未知人员类别“{category_text}”"))
        return
    result.rows.append(
        ParsedRow(
            row=line_no,
            name=name,
            unit=values.get("unit", ""),
            title=values.get("title", ""),
            id_number=id_number,
            phone=phone,
            category=category,
            seat=values.get("seat", ""),
            room=values.get("room", ""),
            notes=values.get("notes", ""),
        )
    )
