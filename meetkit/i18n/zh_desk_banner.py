"""Chinese for the desk's "not open" banner (meetkit/gui/desk_page.py ``refresh_open_banner``)."""

from __future__ import annotations

ZH = {
    "This meeting is {state}: exits are not recorded here now. Every scan will say so.":
        "本会议当前为“{state}”，现不办理离场登记：扫码只会显示未开放。",
    "This meeting is {state}: it is not open for sign-in. Every scan will say so; "
    "sign-in opens when the meeting is approved or in session.":
        "本会议当前为“{state}”，未开放签到：扫码只会显示“未开放签到”。会议进入“已审定”或“进行中”后方可签到。",
}
