"""The built-in checklist templates, written from the rules (三.一 before the meeting,
三.五 after it). Each item carries its English and Chinese text; ``room_kinds`` limits an item
to some kinds of room (empty: every room); flags:

- ``sweep_ref``: passing the item needs a sweep report reference in the note (the stand-in for
  an attached sweep report until sweep reports are stored by the kit);
- ``high_only``: only on 机密 and 绝密 meetings.
"""

from __future__ import annotations

from meetkit.checklists.templates import ItemDef, Template

VENUE = ("Venue", "会场条件")
EQUIPMENT = ("Equipment and radio", "设备与无线电")
PEOPLE = ("People and documents", "人员与文件")
SURFACES = ("Furniture and surfaces", "家具与台面")
DEVICES = ("Devices", "设备")
LODGING = ("Lodging", "住宿房间")
CLOSE = ("Closing the room", "房间收尾")

PRE_MEETING = Template(
    name="venue-pre",
    kind="pre",
    title_en="Pre-meeting venue checklist",
    title_zh="会前会场保密检查表",
    source="builtin",
    items=(
        ItemDef("venue_conditions", "The venue has security conditions: controlled access, doors and windows can be closed, no outsiders present",
                "会场具备保密条件：出入受控，门窗可关闭，无无关人员", *VENUE),
        ItemDef("adjacent_rooms", "Adjacent rooms, corridors and partition walls checked for eavesdropping risks",
                "相邻房间、走廊及隔墙已检查，无窃听隐患", *VENUE),
        ItemDef("pa_tested", "PA (sound) system tested against eavesdropping",
                "扩音系统已进行防窃听检测", *EQUIPMENT),
        ItemDef("recording_tested", "Recording and video equipment tested; only approved equipment in the room",
                "录音录像设备已检测，会场内仅有经批准的设备", *EQUIPMENT),
        ItemDef("no_wireless_mics", "No wireless microphones in use (wired microphones only)",
                "未使用无线话筒（仅使用有线话筒）", *EQUIPMENT),
        ItemDef("no_wireless_devices", "No phones, radios or other wireless devices left in the room",
                "会场内无手机、对讲机等无线设备", *EQUIPMENT),
        ItemDef("no_network", "No internet-connected computer or wireless network equipment in the venue",
                "会场内无联网计算机及无线网络设备", *EQUIPMENT),
        ItemDef("rf_sweep", "RF sweep done, no unresolved findings; sweep report reference written in the note",
                "无线电频谱检测已完成且无未处置的发现；备注中填写检测报告编号", *EQUIPMENT, flags=("sweep_ref",)),
        ItemDef("phone_custody", "Phone and device custody in place at the door",
                "入口处手机及电子设备代管措施已到位", *PEOPLE, room_kinds=("meeting",)),
        ItemDef("attendee_list", "Attendee list approved by the chair",
                "参会人员名单已经主持会议的领导审定", *PEOPLE, room_kinds=("meeting",)),
        ItemDef("pledges", "Confidentiality education given and pledges recorded",
                "已进行保密教育，保密承诺已签署", *PEOPLE, room_kinds=("meeting",)),
        ItemDef("badges_issued", "Badges issued to approved attendees only",
                "会议证件仅发放给审定人员", *PEOPLE, room_kinds=("meeting",)),
        ItemDef("signin_desk", "Sign-in desk ready to verify badges and turn away anyone else",
                "签到处已就绪，可核验证件并拒绝无关人员进入", *PEOPLE, room_kinds=("meeting",)),
        ItemDef("handouts_ready", "Handouts marked with their level, numbered, and the issue register ready",
                "会议文件已标明密级、统一编号，发放登记簿已备好", *PEOPLE, room_kinds=("meeting",)),
        ItemDef("notes_rules", "Rules on notes announced; meeting notebooks registered",
                "已明确记录规定，会议记录本已登记", *PEOPLE, room_kinds=("meeting",)),
    ),
)

POST_MEETING = Template(
    name="room-post",
    kind="post",
    title_en="Post-meeting room checklist",
    title_zh="会后房间保密检查表",
    source="builtin",
    items=(
        ItemDef("tables_seats", "Tables and seats checked: no documents, notes or notebooks left",
                "桌面、座位已检查，无遗留文件、笔记或记录本", *SURFACES),
        ItemDef("drawers_cabinets", "Drawers and cabinets checked",
                "抽屉、柜子已检查", *SURFACES),
        ItemDef("waste_bins", "Waste bins checked: no classified paper thrown away",
                "废纸篓已检查，无涉密纸张丢弃", *SURFACES),
        ItemDef("whiteboards", "Whiteboards and flip charts wiped clean",
                "白板、挂纸已擦除", *SURFACES, room_kinds=("meeting", "side")),
        ItemDef("printers_copiers", "Printers and copiers checked: no pages left, no jobs queued",
                "打印机、复印机已检查，无遗留纸张或待打印任务", *DEVICES, room_kinds=("meeting", "side")),
        ItemDef("recording_equipment", "Recording equipment checked; recordings registered or removed",
                "录音设备已检查，录音已登记或取走", *DEVICES, room_kinds=("meeting", "side")),
        ItemDef("computers_projectors", "Computers and projectors cleared of meeting files",
                "计算机、投影设备中的会议文件已清除", *DEVICES, room_kinds=("meeting", "side")),
        ItemDef("beds_wardrobes", "Beds, wardrobes, room safe and luggage racks checked",
                "床铺、衣柜、房间保险箱及行李架已检查", *LODGING, room_kinds=("lodging",)),
        ItemDef("lodging_desk", "Desk, bedside tables and bathroom checked",
                "书桌、床头柜及卫生间已检查", *LODGING, room_kinds=("lodging",)),
        ItemDef("room_locked", "Room locked or handed back after the check",
                "检查完毕后房间已上锁或交还", *CLOSE),
    ),
)

BUILTIN = (PRE_MEETING, POST_MEETING)
