"""Attendee list reading: encodings, headers, bad rows, duplicates, rare characters, fuzzing."""

from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meetkit import attendees
from meetkit.vetting.csvimport import parse
from meetkit.vetting.idnumbers import id_number_problem, mask_id_number

RARE = ["𠈌㛃", "阿依古丽·买买提", "龘靐齉", "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"]
GOOD_ID = "11010519491231002X"


def _csv(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_rare_names_survive_every_encoding_byte_exact(encoding):
    text = _csv(["姓名,单位,证件号码"] + [f"{n},司法局,{GOOD_ID if i == 0 else ''}" for i, n in enumerate(RARE)])
    parsed = parse(text.encode(encoding))
    assert parsed.clean, parsed.errors
    assert [r.name for r in parsed.rows] == RARE
    assert all(r.name.encode("utf-8") == n.encode("utf-8") for r, n in zip(parsed.rows, RARE))


def test_gbk_file_as_excel_saves_it():
    text = _csv(["姓名,单位,职务,证件号码,手机,类别,座位", f"王小明,市财政局,处长,{GOOD_ID},138 0013 8000,列席,B12"])
    parsed = parse(text.encode("gbk"))
    assert parsed.encoding == "gb18030"
    row = parsed.rows[0]
    assert (row.name, row.unit, row.title, row.category, row.seat) == ("王小明", "市财政局", "处长", "observer", "B12")


def test_english_headers_tabs_and_full_width_blanks():
    text = "Name\tUnit\tSeat\n\u3000李华\u3000\tCity Office\tA1\n"
    parsed = parse(text.encode())
    assert parsed.rows[0].name == "李华" and parsed.rows[0].seat == "A1"


def test_every_bad_row_reported_with_row_number():
    text = _csv(
        [
            "姓名,单位,证件号码,手机",
            "好人,单位,,",
            ",缺姓名,,",
            "坏证件,单位,110105194912310021,",
            "短证件,单位,12345,",
            "坏手机,单位,,abc",
            "多列,单位,,,extra",
        ]
    )
    parsed = parse(text.encode())
    assert [r.name for r in parsed.rows] == ["好人"]
    assert [(e.row, e.reason) for e in parsed.errors] == [
        (3, "missing name"),
        (4, "resident ID number check digit is wrong"),
        (5, "malformed resident ID number (must be 18 characters)"),
        (6, "malformed phone number"),
        (7, "5 cells but only 4 columns"),
    ]


@pytest.mark.parametrize("header_sep,row_sep", [("，", ","), (",", "，"), ("\t", ","), (";", "，")])
def test_rows_separated_unlike_the_header_are_refused_not_imported_as_names(header_sep, row_sep):
    # a header typed with the Chinese IME (full-width commas) over rows with ASCII commas: each
    # whole line used to be imported as one person's name
    text = _csv([header_sep.join(["姓名", "单位", "证件号码"]), row_sep.join(["张飞", "蜀", GOOD_ID]), row_sep.join(["", "空名", ""])])
    parsed = parse(text.encode("gb18030"))
    assert parsed.rows == []
    assert [e.row for e in parsed.errors] == [2, 3]
    assert all("not separated like the header" in e.reason for e in parsed.errors)


def test_import_of_a_mixed_separator_file_writes_nobody(store, clock, team, meeting):
    data = _csv(["姓名，单位", "张飞,蜀", "关羽,蜀"]).encode("gb18030")
    result = attendees.import_attendees(store, clock, team.secretary, meeting.id, data)
    assert not result.written and result.imported == 0
    assert [e.row for e in result.rejected] == [2, 3]
    assert attendees.list_attendees(store, meeting.id) == []


def test_unknown_column_rejects_file():
    parsed = parse("姓名,血型\n张三,A\n".encode())
    assert parsed.file_error is not None and "血型" in parsed.file_error.reason


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02binary", b"\n\n\n", "单位\n司法局\n".encode()])
def test_files_that_are_not_lists(data):
    parsed = parse(data)
    assert parsed.file_error is not None
    assert parsed.rows == []


def test_id_number_rules():
    assert id_number_problem(GOOD_ID) is None
    assert id_number_problem(GOOD_ID.lower()) is None
    assert id_number_problem("110105194912310021") is not None
    assert id_number_problem("E12345678") is None  # passport
    assert id_number_problem("!!") is not None
    assert mask_id_number(GOOD_ID) == "110*************2X"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(data):
    parsed = parse(data)
    assert parsed.file_error is not None or all(r.name for r in parsed.rows)
    for row in parsed.rows:
        assert row.row >= 2


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(lambda s: s.strip(" \t\u3000\ufeff,;，\"")),
        min_size=1,
        max_size=10,
    ),
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
)
def test_any_name_round_trips_in_any_encoding(names, encoding):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["姓名", "单位"])
    for n in names:
        writer.writerow([n, "单位"])
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return
    parsed = parse(data)
    assert parsed.file_error is None
    expected = [n.strip(" \t\r\n\u3000\ufeff") for n in names]
    assert parsed.errors == []
    assert [r.name for r in parsed.rows] == expected


def test_import_is_all_or_nothing_unless_skip_bad(store, clock, team, meeting):
    data = _csv(["姓名,单位,证件号码", f"甲,一局,{GOOD_ID}", ",没名字,", f"乙,二局,{GOOD_ID}", "甲,一局,"]).encode("gbk")
    result = attendees.import_attendees(store, clock, team.secretary, meeting.id, data)
    assert not result.written and result.imported == 0
    assert [e.row for e in result.rejected] == [3]
    assert sorted(d.row for d in result.duplicates) == [4, 5]
    assert attendees.list_attendees(store, meeting.id) == []
    result = attendees.import_attendees(store, clock, team.secretary, meeting.id, data, skip_bad=True)
    assert result.written and result.imported == 1
    again = attendees.import_attendees(store, clock, team.secretary, meeting.id, data, skip_bad=True)
    assert again.imported == 0 and {d.existing_attendee for d in again.duplicates} == {1}
    # "与会议中已有的人员 1证件号码相同" ran the number into the reason
    assert "与会议中已有的人员（编号 1）证件号码相同" in {d.reason_zh for d in again.duplicates}


def test_editing_an_approved_attendee_returns_them_to_pending(store, clock, team, approved_meeting):
    person = attendees.list_attendees(store, approved_meeting.id)[0]
    edited = attendees.edit_attendee(store, clock, team.secretary, approved_meeting.id, person.id, seat="Z99")
    assert edited.status == "pending" and edited.seat == "Z99"
    count, new_hash = attendees.approved_list_hash(store, approved_meeting.id)
    assert count == 7


def test_rejection_needs_reason_and_chair(store, clock, team, approved_meeting):
    from meetkit.errors import InvalidInput, PermissionDenied

    person = attendees.list_attendees(store, approved_meeting.id)[0]
    with pytest.raises(InvalidInput):
        attendees.reject(store, clock, team.chair, approved_meeting.id, person.id, "  ")
    with pytest.raises(PermissionDenied):
        attendees.reject(store, clock, team.secretary, approved_meeting.id, person.id, "no")
    done = attendees.reject(store, clock, team.chair, approved_meeting.id, person.id, "不在名单范围")
    assert done.status == "rejected" and done.status_reason == "不在名单范围"
