"""Band allocation table for labels and classification (China first).

Figures from ../shared/domain/rf-reference.md and the public sources it names; the downlink
bands follow from the uplinks by the 3GPP duplex spacing (TS 36.101 band table); the TV
channel plan is China's GY/T 106-1999 (DTMB). Check a figure before relying on it for anything
beyond labels. ``use`` is the kind of emitter the band suggests.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    lo_hz: float
    hi_hz: float
    name: str
    name_zh: str
    use: str  # cellular_uplink, cellular_downlink, walkie_talkie, ism_device, wireless_mic, fm_broadcast, tv_broadcast, aviation
    source: str
    region: str = "CN"

    def contains(self, freq_hz: float) -> bool:
        return self.lo_hz <= freq_hz <= self.hi_hz

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "name_zh": self.name_zh,
            "lo_hz": self.lo_hz,
            "hi_hz": self.hi_hz,
            "use": self.use,
            "region": self.region,
            "source": self.source,
        }


M = 1e6
_REF = "rf-reference.md"
_CSDN = "nxmr.cn copy of a CSDN post (2024), via " + _REF
_MIIT = "MIIT 2011 walkie-talkie notice (via dlzyhb.com), via " + _REF
_SRRC = "SRRC short-range device list (emc.wiki), via " + _REF
_DL = "3GPP TS 36.101 duplex spacing from the uplink band"
_TV = "GY/T 106-1999 TV channel plan (DTMB)"

BANDS: tuple[Band, ...] = (
    # --- China: cellular uplinks (phones transmit here) ---
    Band(703 * M, 733 * M, "CBN / China Mobile uplink B28/n28", "广电/移动上行 B28/n28", "cellular_uplink", _CSDN),
    Band(824 * M, 835 * M, "China Telecom uplink B5", "电信上行 B5 (850)", "cellular_uplink", _CSDN),
    Band(885 * M, 889 * M, "GSM-R railway uplink", "铁路 GSM-R 上行", "cellular_uplink", "360docs.net, via " + _REF),
    Band(889 * M, 904 * M, "China Mobile uplink B8 (GSM/LTE/NB-IoT)", "移动上行 B8 (GSM/LTE/NB-IoT)", "cellular_uplink", _CSDN),
    Band(904 * M, 915 * M, "China Unicom uplink B8", "联通上行 B8", "cellular_uplink", _CSDN),
    Band(1710 * M, 1735 * M, "China Mobile uplink B3", "移动上行 B3", "cellular_uplink", _CSDN),
    Band(1735 * M, 1765 * M, "China Unicom uplink B3", "联通上行 B3", "cellular_uplink", _CSDN),
    Band(1765 * M, 1785 * M, "China Telecom uplink B3", "电信上行 B3", "cellular_uplink", _CSDN),
    # --- China: cellular downlinks (base stations) ---
    Band(758 * M, 788 * M, "CBN / China Mobile downlink B28/n28", "广电/移动下行 B28/n28", "cellular_downlink", _DL),
    Band(869 * M, 880 * M, "China Telecom downlink B5", "电信下行 B5", "cellular_downlink", _DL),
    Band(930 * M, 934 * M, "GSM-R railway downlink", "铁路 GSM-R 下行", "cellular_downlink", _DL),
    Band(934 * M, 949 * M, "China Mobile downlink B8", "移动下行 B8", "cellular_downlink", _DL),
    Band(949 * M, 960 * M, "China Unicom downlink B8", "联通下行 B8", "cellular_downlink", _DL),
    # --- China: walkie-talkies ---
    Band(409.75 * M, 409.9875 * M, "Public walkie-talkie (20 ch, 0.5 W)", "公众对讲机 (20 信道)", "walkie_talkie", _MIIT),
    Band(137 * M, 167 * M, "Licensed walkie-talkies (VHF)", "专用对讲机 (VHF)", "walkie_talkie", _MIIT),
    Band(403 * M, 423.5 * M, "Licensed walkie-talkies (UHF)", "专用对讲机 (UHF)", "walkie_talkie", _MIIT),
    # --- China: short-range devices ---
    Band(314 * M, 316 * M, "Short-range remote controls 315 MHz", "315 MHz 遥控设备", "ism_device", _SRRC),
    Band(430 * M, 432 * M, "Short-range remote controls 430 MHz", "430 MHz 遥控设备", "ism_device", _SRRC),
    Band(433.0 * M, 434.79 * M, "ISM 433 MHz remotes and sensors", "433 MHz 遥控与传感器", "ism_device", _SRRC),
    Band(779 * M, 787 * M, "Short-range devices 779–787 MHz", "779–787 MHz 微功率设备", "ism_device", _SRRC),
    Band(26.975 * M, 27.255 * M, "Model radio control 27 MHz", "27 MHz 航模遥控", "ism_device", _SRRC),
    Band(40.61 * M, 40.85 * M, "Model radio control 40 MHz", "40 MHz 航模遥控", "ism_device", _SRRC),
    Band(72.13 * M, 72.87 * M, "Model radio control 72 MHz", "72 MHz 航模遥控", "ism_device", _SRRC),
    Band(470 * M, 510 * M, "Utility meters (MIIT 2019 No. 52)", "计量仪表 (工信部 2019 年第 52 号)", "ism_device", "candlestitch.com copy, via " + _REF),
    # --- China: wireless microphones (not confirmed; microphone-likely) ---
    Band(470 * M, 790 * M, "UHF wireless microphones (likely)", "UHF 无线话筒 (可能)", "wireless_mic", "360docs.net 2005 SRD list, via " + _REF),
    Band(174 * M, 216 * M, "VHF wireless microphones (likely)", "VHF 无线话筒 (可能)", "wireless_mic", "360docs.net 2005 SRD list, via " + _REF),
    # --- China: broadcasting ---
    Band(87 * M, 108 * M, "FM broadcast", "调频广播", "fm_broadcast", "common allocation, via " + _REF),
    Band(167 * M, 223 * M, "VHF TV (DTMB ch 6–12)", "VHF 电视 (DTMB 6–12 频道)", "tv_broadcast", _TV),
    Band(470 * M, 566 * M, "UHF TV (DTMB ch 13–24)", "UHF 电视 (DTMB 13–24 频道)", "tv_broadcast", _TV),
    Band(606 * M, 798 * M, "UHF TV (DTMB ch 25–48)", "UHF 电视 (DTMB 25–48 频道)", "tv_broadcast", _TV),
    # --- aviation ---
    Band(118 * M, 137 * M, "Aeronautical VHF voice", "航空甚高频话音", "aviation", "ITU Radio Regulations Art. 5"),
    Band(960 * M, 1215 * M, "Aeronautical radionavigation (DME, SSR/ADS-B 1090)", "航空无线电导航 (DME、二次雷达/ADS-B 1090)", "aviation", "ITU Radio Regulations Art. 5"),
    # --- elsewhere (imported devices) ---
    Band(446.0 * M, 446.2 * M, "PMR446 (imported radios)", "PMR446 (进口对讲机)", "walkie_talkie", "Wikipedia PMR446, via " + _REF, "EU"),
    Band(173.8 * M, 175.0 * M, "Foreign microphone band 173.8–175", "国外话筒频段 173.8–175", "wireless_mic", "Wikipedia, via " + _REF, "EU"),
    Band(606 * M, 614 * M, "Foreign microphone band 606–614", "国外话筒频段 606–614", "wireless_mic", "Wikipedia, via " + _REF, "US"),
    Band(863 * M, 865 * M, "Foreign microphone band 863–865", "国外话筒频段 863–865", "wireless_mic", "Wikipedia, via " + _REF, "EU"),
    Band(863 * M, 870 * M, "EU short-range devices 868 MHz", "欧洲 868 MHz 微功率设备", "ism_device", "ETSI EN 300 220", "EU"),
)

# Out of the dongle's reach: named in every report as not covered.
NOT_COVERED: tuple[tuple[float, float, str, str], ...] = (
    (1880 * M, 1920 * M, "TD-LTE B39 / DECT 1880–1900: above the receiver's range", "TD-LTE B39 / DECT 1880–1900：超出接收机范围"),
    (1920 * M, 2170 * M, "2.1 GHz cellular (B1): above the receiver's range", "2.1 GHz 蜂窝 (B1)：超出接收机范围"),
    (2400 * M, 2483.5 * M, "2.4 GHz Wi-Fi / Bluetooth: above the receiver's range", "2.4 GHz Wi-Fi / 蓝牙：超出接收机范围"),
    (2496 * M, 2690 * M, "5G n41: above the receiver's range", "5G n41：超出接收机范围"),
    (3300 * M, 3800 * M, "5G n78: above the receiver's range", "5G n78：超出接收机范围"),
    (4800 * M, 5000 * M, "5G n79: above the receiver's range", "5G n79：超出接收机范围"),
    (5150 * M, 5850 * M, "5 GHz Wi-Fi: above the receiver's range", "5 GHz Wi-Fi：超出接收机范围"),
)


def bands_at(freq_hz: float, table: tuple[Band, ...] = BANDS) -> list[Band]:
    """Every band containing the frequency, China first, narrower bands first."""
    hits = [b for b in table if b.contains(freq_hz)]
    return sorted(hits, key=lambda b: (b.region != "CN", b.hi_hz - b.lo_hz))


def label(freq_hz: float) -> Band | None:
    """The most specific band for a label (narrowest Chinese band, else any)."""
    hits = bands_at(freq_hz)
    return hits[0] if hits else None
