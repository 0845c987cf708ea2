"""A USB RTL-SDR dongle through pyrtlsdr (librtlsdr), loaded only when this source is opened.

The kit runs without librtlsdr; asking for a dongle without it (or with no dongle plugged in)
raises MeetkitError(HARDWARE) saying how to install it.
"""

from __future__ import annotations

import logging
from typing import Any

from meetkit.clock import Clock
from meetkit.errors import ErrorCode, MeetkitError
from meetkit.sweep.blocks import BlockInfo, IQBlock, cu8_to_complex

log = logging.getLogger(__name__)

INSTALL_HINT_EN = (
    "install the RTL-SDR library: on Debian/Ubuntu 'apt-get install librtlsdr0', "
    "or 'pip install pyrtlsdrlib' (bundles librtlsdr)"
)
INSTALL_HINT_ZH = "请安装 RTL-SDR 驱动库：Debian/Ubuntu 执行 'apt-get install librtlsdr0'，或执行 'pip install pyrtlsdrlib'（自带 librtlsdr）"

_USB_BLOCK = 512  # librtlsdr reads whole USB packets
TUNER_NAMES = {0: "unknown", 1: "E4000", 2: "FC0012", 3: "FC0013", 4: "FC2580", 5: "R820T", 6: "R828D"}


def _load_rtlsdr() -> Any:
    try:
        import rtlsdr
    except (ImportError, OSError, AttributeError) as err:
        # AttributeError: pyrtlsdr built against a newer librtlsdr than the one installed
        raise MeetkitError(
            ErrorCode.HARDWARE,
            f"the RTL-SDR library (librtlsdr / pyrtlsdr) cannot be loaded ({err}); {INSTALL_HINT_EN}",
            f"无法加载 RTL-SDR 驱动库（librtlsdr / pyrtlsdr）：{err}；{INSTALL_HINT_ZH}",
        ) from err
    if getattr(rtlsdr, "RtlSdr", None) is None:
        raise MeetkitError(
            ErrorCode.HARDWARE,
            f"pyrtlsdr runs in client-only mode (RTLSDR_CLIENT_MODE is set); unset it or {INSTALL_HINT_EN}",
            f"pyrtlsdr 处于仅客户端模式（设置了 RTLSDR_CLIENT_MODE）；请取消该设置，或{INSTALL_HINT_ZH}",
        )
    return rtlsdr


class RtlSdrUsbSource:
    is_live = True

    def __init__(self, index: int = 0, *, clock: Clock, settle_s: float = 0.0) -> None:
        rtlsdr = _load_rtlsdr()
        self.index = int(index)
        self._clock = clock
        self.settle_s = settle_s
        self.gain_db: float | None = None
        self.ppm = 0
        self.discarded_samples = 0
        self._pending_discard = 0
        try:
            self._dev = rtlsdr.RtlSdr(device_index=self.index)
        except Exception as err:  # LibUSBError / IOError from librtlsdr
            raise MeetkitError(
                ErrorCode.HARDWARE,
                f"no RTL-SDR dongle at index {index} ({err}); plug one in (check 'rtl_test'), "
                f"or if the library is missing, {INSTALL_HINT_EN}",
                f"索引 {index} 处没有 RTL-SDR 接收机（{err}）；请插入接收机（可用 rtl_test 检查），若缺少驱动库，{INSTALL_HINT_ZH}",
            ) from err
        try:
            self.tuner_type = int(self._dev.get_tuner_type())
        except Exception:  # pragma: no cover - hardware dependent
            self.tuner_type = 0
        self.rate_sps = float(self._dev.get_sample_rate())
        self.centre_hz = float(self._dev.get_center_freq())

    def _lost(self, err: BaseException) -> MeetkitError:
        return MeetkitError(
            ErrorCode.SOURCE_LOST,
            f"the RTL-SDR dongle stopped answering (unplugged?): {err}",
            f"RTL-SDR 接收机无响应（是否被拔出？）：{err}",
        )

    def _read_bytes(self, nbytes: int) -> bytes:
        padded = -(-nbytes // _USB_BLOCK) * _USB_BLOCK
        try:
            buf = self._dev.read_bytes(padded)
        except Exception as err:
            raise self._lost(err) from err
        return bytes(memoryview(buf)[:nbytes])

    def set_settle(self, settle_s: float) -> None:
        self.settle_s = float(settle_s)

    def tune(self, centre_hz: float) -> None:
        try:
            self._dev.set_center_freq(int(round(centre_hz)))
        except Exception as err:
            raise self._lost(err) from err
        self.centre_hz = float(int(round(centre_hz)))
        self._pending_discard = 2 * int(round(self.settle_s * self.rate_sps))

    def set_sample_rate(self, rate_sps: float) -> None:
        try:
            self._dev.set_sample_rate(int(round(rate_sps)))
            self.rate_sps = float(self._dev.get_sample_rate())
        except Exception as err:
            raise self._lost(err) from err
        self._pending_discard = 2 * int(round(self.settle_s * self.rate_sps))

    def set_gain(self, gain_db: float | None) -> None:
        try:
            self._dev.set_gain("auto" if gain_db is None else float(gain_db))
        except Exception as err:
            raise self._lost(err) from err
        self.gain_db = gain_db

    def set_ppm(self, ppm: int) -> None:
        if int(ppm) != 0:  # librtlsdr rejects setting the correction it already has
            try:
                self._dev.set_freq_correction(int(ppm))
            except Exception as err:
                raise self._lost(err) from err
        self.ppm = int(ppm)

    def read_cu8(self, n: int) -> tuple[bytes, BlockInfo]:
        if self._pending_discard:
            pending, self._pending_discard = self._pending_discard, 0
            self._read_bytes(pending)
            self.discarded_samples += pending // 2
        when = self._clock.now()
        raw = self._read_bytes(2 * int(n))
        return raw, BlockInfo(centre_hz=self.centre_hz, rate_sps=self.rate_sps, gain_db=self.gain_db, time=when)

    def read(self, n: int) -> IQBlock:
        raw, info = self.read_cu8(n)
        return IQBlock(cu8_to_complex(raw), info)

    def describe(self) -> dict[str, Any]:
        tuner = TUNER_NAMES.get(self.tuner_type, f"type {self.tuner_type}")
        return {
            "kind": "rtlsdr",
            "hw": f"RTL-SDR USB dongle #{self.index} ({tuner} tuner)",
            "index": self.index,
            "tuner": tuner,
            "rate_sps": self.rate_sps,
            "gain_db": self.gain_db,
            "ppm": self.ppm,
            "settle_s": self.settle_s,
            "discarded_samples": self.discarded_samples,
        }

    def close(self) -> None:
        dev = getattr(self, "_dev", None)
        if dev is not None:
            try:
                dev.close()
            except Exception:  # pragma: no cover - closing a vanished device
                log.debug("closing the dongle failed", exc_info=True)
            self._dev = None
