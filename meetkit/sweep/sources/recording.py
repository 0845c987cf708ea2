"""Replay of recordings: SigMF (through the ``sigmf`` package), raw rtl_sdr ``.cu8``/``.bin`` and
GNU Radio ``.cfile`` (cf32).

A SigMF recording may hold several capture segments, each one hop with its own
``core:frequency`` (what ``meetkit sweep record`` writes). Raw files carry no metadata: rate and
centre come from options or from names like ``g001_433.92M_250k.cu8``.

Damaged recordings never crash the kit: a data file shorter than its metadata says, or with a
trailing partial sample, replays what is there and records a warning (``source.warnings``);
one with nothing to replay raises MeetkitError(BAD_RECORDING).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import warnings as pywarnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from meetkit.clock import Clock, parse_iso
from meetkit.errors import ErrorCode, MeetkitError
from meetkit.sweep.blocks import BlockInfo, ComplexArray, IQBlock, cu8_to_complex
from meetkit.sweep.hopplan import DEFAULT_CROP, format_freq

log = logging.getLogger(__name__)

# datatype → (bytes per complex sample)
SUPPORTED_DATATYPES = {"cu8": 2, "ci8": 2, "ci16_le": 4, "cf32_le": 8}
RAW_EXTENSIONS = {".cu8": "cu8", ".bin": "cu8", ".raw": "cu8", ".cs8": "ci8", ".cs16": "ci16_le", ".cfile": "cf32_le", ".cf32": "cf32_le"}
SINGLE_CAPTURE_KEEP = 0.90  # a plain recording keeps all but the outer 10% roll-off
MIN_TAIL_SAMPLES = 1024

_TOKEN_RE = re.compile(r"^(?P<num>\d+(?:\.\d+)?)(?P<suffix>[kmg]?)(?P<unit>hz|sps|s)?$", re.IGNORECASE)
_SCALE = {"": 1.0, "k": 1e3, "m": 1e6, "g": 1e9}


def parse_recording_name(name: str) -> tuple[float | None, float | None]:
    """(centre_hz, rate_sps) read from a file name like ``g001_433.92M_250k.cu8``; None where absent.

    Tokens are separated by ``_``, ``-`` or spaces and need a k/M/G suffix or a unit
    (``Hz`` → centre, ``sps``/``S`` → rate). Of two plain tokens the larger is the centre;
    a lone plain token above 3.2 MHz is a centre, otherwise a rate.
    """
    stem = Path(name).name
    for ext in sorted(RAW_EXTENSIONS, key=len, reverse=True) + [".sigmf-meta", ".sigmf-data"]:
        if stem.lower().endswith(ext):
            stem = stem[: -len(ext)]
            break
    centre: float | None = None
    rate: float | None = None
    plain: list[float] = []
    for token in re.split(r"[_\-\s]+", stem):
        match = _TOKEN_RE.match(token)
        if match is None:
            continue
        unit = (match.group("unit") or "").lower()
        suffix = match.group("suffix").lower()
        if not unit and not suffix:
            continue  # a bare number (g001, a date) says nothing
        value = float(match.group("num")) * _SCALE[suffix]
        if value <= 0:
            continue
        if unit == "hz":
            centre = centre if centre is not None else value
        elif unit in ("sps", "s"):
            rate = rate if rate is not None else value
        else:
            plain.append(value)
    for value in sorted(plain, reverse=True):
        if centre is None and (rate is not None or len(plain) > 1 or value > 3.2e6):
            centre = value
        elif rate is None:
            rate = value
    return centre, rate


@dataclass(frozen=True)
class Capture:
    """One capture segment: a stretch of samples at one centre frequency (one hop of a sweep)."""

    index: int
    centre_hz: float
    rate_sps: float
    n_samples: int
    byte_start: int
    time: dt.datetime | None
    keep_lo_hz: float
    keep_hi_hz: float
    hop_index: int
    pass_index: int
    gain_db: float | None = None


@dataclass
class _Layout:
    datatype: str
    data_path: Path
    captures: list[Capture]
    meta: dict[str, Any] = field(default_factory=dict)


def _bad(en: str, zh: str) -> MeetkitError:
    return MeetkitError(ErrorCode.BAD_RECORDING, en, zh)


def _convert(raw: npt.NDArray[Any], datatype: str) -> ComplexArray:
    if datatype == "cu8":
        return cu8_to_complex(np.ascontiguousarray(raw))
    if datatype == "ci8":
        pairs = raw.view(np.int8).reshape(-1, 2).astype(np.float32) * np.float32(1 / 128)
    elif datatype == "ci16_le":
        pairs = raw.view("<i2").reshape(-1, 2).astype(np.float32) * np.float32(1 / 32768)
    elif datatype == "cf32_le":
        pairs = raw.view("<f4").reshape(-1, 2).astype(np.float32)
    else:  # pragma: no cover - checked at open
        raise _bad(f"unsupported datatype {datatype}", f"不支持的数据类型 {datatype}")
    return np.ascontiguousarray(pairs).view(np.complex64).reshape(-1)


class RecordingSource:
    """Replays a recording. Not live: ``captures()`` lists its segments and ``iter_blocks`` walks them;
    ``tune``/``read`` also work (tune selects the next capture at that centre)."""

    is_live = False

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Clock,
        rate_sps: float | None = None,
        centre_hz: float | None = None,
        datatype: str | None = None,
    ) -> None:
        self.path = Path(path)
        self._clock = clock
        self.warnings: list[str] = []
        if not self.path.exists():
            raise _bad(f"recording not found: {self.path}", f"找不到录音文件：{self.path}")
        name = self.path.name.lower()
        if name.endswith(".sigmf-meta") or name.endswith(".sigmf-data"):
            layout = self._open_sigmf(rate_sps, centre_hz)
        else:
            layout = self._open_raw(rate_sps, centre_hz, datatype)
        self.datatype = layout.datatype
        self.data_path = layout.data_path
        self.meta = layout.meta
        self._captures = layout.captures
        if not self._captures or sum(c.n_samples for c in self._captures) == 0:
            raise _bad(f"recording {self.path.name} holds no samples", f"录音 {self.path.name} 中没有样本")
        self._mm: np.memmap[Any, np.dtype[np.uint8]] | None = np.memmap(self.data_path, dtype=np.uint8, mode="r")
        self._sample_bytes = SUPPORTED_DATATYPES[self.datatype]
        self._cur = 0  # capture index for tune/read
        self._pos = 0  # sample position inside that capture
        for text in self.warnings:
            log.warning("%s: %s", self.path.name, text)

    # -- opening ------------------------------------------------------------------------------

    def _warn(self, text: str) -> None:
        self.warnings.append(text)

    def _open_raw(self, rate_sps: float | None, centre_hz: float | None, datatype: str | None) -> _Layout:
        ext = self.path.suffix.lower()
        dtype = datatype or RAW_EXTENSIONS.get(ext)
        if dtype not in SUPPORTED_DATATYPES:
            raise _bad(
                f"cannot tell the sample format of {self.path.name}: use .cu8/.bin (rtl_sdr), .cfile (GNU Radio cf32) or .sigmf-meta",
                f"无法判断 {self.path.name} 的样本格式：请使用 .cu8/.bin（rtl_sdr）、.cfile（GNU Radio cf32）或 .sigmf-meta",
            )
        name_centre, name_rate = parse_recording_name(self.path.name)
        centre = centre_hz if centre_hz is not None else name_centre
        rate = rate_sps if rate_sps is not None else name_rate
        if centre is None or rate is None:
            missing = " and ".join(w for w, v in (("centre frequency", centre), ("sample rate", rate)) if v is None)
            raise _bad(
                f"{self.path.name} does not say its {missing}: give them as options (--centre 433.92M --rate 250k) "
                f"or name the file like NAME_433.92M_250k{ext}",
                f"{self.path.name} 未注明中心频率或采样率：请用选项给出（--centre 433.92M --rate 250k），"
                f"或将文件命名为 NAME_433.92M_250k{ext} 的形式",
            )
        size = self.path.stat().st_size
        sample_bytes = SUPPORTED_DATATYPES[dtype]
        n, rest = divmod(size, sample_bytes)
        if rest:
            self._warn(f"{rest} trailing byte(s) after the last whole sample ignored (the file looks truncated)")
        half = rate * SINGLE_CAPTURE_KEEP / 2
        cap = Capture(0, float(centre), float(rate), n, 0, None, centre - half, centre + half, 0, 0)
        return _Layout(dtype, self.path, [cap] if n else [])

    def _open_sigmf(self, rate_sps: float | None, centre_hz: float | None) -> _Layout:
        from sigmf import hashing, sigmffile
        from sigmf.error import SigMFError

        meta_path = self.path.with_name(self.path.name[: -len(".sigmf-data")] + ".sigmf-meta") if self.path.name.lower().endswith(".sigmf-data") else self.path
        try:
            metadata = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise _bad(f"cannot read SigMF metadata {meta_path.name}: {err}", f"无法读取 SigMF 元数据 {meta_path.name}：{err}") from err
        if not isinstance(metadata, dict) or not isinstance(metadata.get("global"), dict):
            raise _bad(f"{meta_path.name} is not SigMF metadata (no 'global' object)", f"{meta_path.name} 不是 SigMF 元数据（缺少 global 对象）")
        metadata.setdefault("captures", [])
        metadata.setdefault("annotations", [])
        try:
            with pywarnings.catch_warnings(record=True) as caught:
                pywarnings.simplefilter("always")
                sf = sigmffile.SigMFFile(metadata=metadata)
                data_path = sigmffile.get_dataset_filename_from_metadata(meta_path, metadata)
        except (SigMFError, KeyError, TypeError, ValueError) as err:
            raise _bad(f"bad SigMF metadata in {meta_path.name}: {err}", f"SigMF 元数据有误（{meta_path.name}）：{err}") from err
        for w in caught:
            if not issubclass(w.category, DeprecationWarning):
                self._warn(str(w.message))
        try:
            with pywarnings.catch_warnings():
                pywarnings.simplefilter("ignore")
                sf.validate()
        except Exception as err:  # jsonschema.ValidationError and friends
            self._warn(f"metadata does not pass SigMF validation: {str(err).splitlines()[0]}")
        if data_path is None or not Path(data_path).is_file():
            raise _bad(
                f"the data file of {meta_path.name} is missing (expected {meta_path.name[: -len('.sigmf-meta')]}.sigmf-data beside it)",
                f"{meta_path.name} 的数据文件缺失（应在同一目录下有 {meta_path.name[: -len('.sigmf-meta')]}.sigmf-data）",
            )
        data_path = Path(data_path)
        glob = sf.get_global_info()
        datatype = str(glob.get("core:datatype", "")).lower()
        if datatype not in SUPPORTED_DATATYPES:
            raise _bad(
                f"SigMF datatype {datatype or '(none)'} is not supported (use one of {', '.join(SUPPORTED_DATATYPES)})",
                f"不支持 SigMF 数据类型 {datatype or '（无）'}（支持：{', '.join(SUPPORTED_DATATYPES)}）",
            )
        if int(glob.get("core:num_channels", 1)) != 1:
            raise _bad("multi-channel SigMF recordings are not supported", "不支持多通道 SigMF 录音")
        sample_bytes = SUPPORTED_DATATYPES[datatype]
        size = data_path.stat().st_size
        trailing = int(glob.get("core:trailing_bytes", 0) or 0)
        expected_sha = glob.get("core:sha512")
        if expected_sha:
            actual = hashing.calculate_sha512(filename=data_path)
            if actual != expected_sha:
                self._warn("the data file's SHA-512 does not match the metadata: it is damaged or truncated")
        rate_meta = glob.get("core:sample_rate")
        rate = float(rate_sps if rate_sps is not None else rate_meta) if (rate_sps or rate_meta) else None
        if rate is None:
            raise _bad(f"{meta_path.name} has no core:sample_rate; give --rate", f"{meta_path.name} 缺少 core:sample_rate；请用 --rate 指定")
        raw_caps = list(sf.get_captures()) or [{"core:sample_start": 0}]
        multi = len(raw_caps) > 1 or "meetkit:hop_index" in raw_caps[0]
        crop = float(glob.get("meetkit:crop", DEFAULT_CROP))
        gain = glob.get("meetkit:gain_db")
        end_of_data = size - trailing
        captures: list[Capture] = []
        byte_pos = 0
        prev_start = 0
        missing = 0
        for i, raw in enumerate(raw_caps):
            start = int(raw.get("core:sample_start", 0))
            byte_pos += int(raw.get("core:header_bytes", 0)) + (start - prev_start) * sample_bytes
            prev_start = start
            if i + 1 < len(raw_caps):
                declared = (int(raw_caps[i + 1].get("core:sample_start", 0)) - start)
            else:
                declared = raw.get("meetkit:sample_count")
            available = max(0, (end_of_data - byte_pos) // sample_bytes)
            n = available if declared is None else min(int(declared), available)
            if declared is not None and n < int(declared):
                if n == 0:
                    missing += 1
                    continue
                self._warn(f"capture {i} holds {n} of its {int(declared)} samples (the data file is truncated)")
            if n <= 0:
                missing += 1
                continue
            centre_raw = centre_hz if centre_hz is not None else raw.get("core:frequency")
            if centre_raw is None:
                raise _bad(f"capture {i} of {meta_path.name} has no core:frequency; give --centre", f"{meta_path.name} 的第 {i} 段缺少 core:frequency；请用 --centre 指定")
            centre = float(centre_raw)
            if "meetkit:keep_lo_hz" in raw and "meetkit:keep_hi_hz" in raw:
                keep_lo, keep_hi = float(raw["meetkit:keep_lo_hz"]), float(raw["meetkit:keep_hi_hz"])
            else:
                half = rate * ((1.0 - crop) if multi else SINGLE_CAPTURE_KEEP) / 2
                keep_lo, keep_hi = centre - half, centre + half
            when: dt.datetime | None = None
            if raw.get("core:datetime"):
                try:
                    when = parse_iso(str(raw["core:datetime"]).replace("Z", "+00:00"))
                except ValueError:
                    self._warn(f"capture {i} has an unreadable core:datetime")
            captures.append(
                Capture(
                    index=i,
                    centre_hz=centre,
                    rate_sps=rate,
                    n_samples=int(n),
                    byte_start=byte_pos,
                    time=when,
                    keep_lo_hz=keep_lo,
                    keep_hi_hz=keep_hi,
                    hop_index=int(raw.get("meetkit:hop_index", i if multi else 0)),
                    pass_index=int(raw.get("meetkit:pass_index", 0)),
                    gain_db=None if gain is None else float(gain),
                )
            )
        if missing:
            self._warn(f"{missing} of {len(raw_caps)} capture segment(s) lie beyond the end of the data file (truncated)")
        used = sum(c.n_samples for c in captures) * sample_bytes
        if (end_of_data - (captures[-1].byte_start if captures else 0)) % sample_bytes and captures:
            self._warn("the data file ends with a partial sample (truncated)")
        log.debug("%s: %d captures, %d bytes used of %d", meta_path.name, len(captures), used, size)
        return _Layout(datatype, data_path, captures, meta=metadata)

    # -- reading ------------------------------------------------------------------------------

    def captures(self) -> list[Capture]:
        return list(self._captures)

    @property
    def n_samples(self) -> int:
        return sum(c.n_samples for c in self._captures)

    def _samples(self, cap: Capture, start: int, count: int) -> ComplexArray:
        if self._mm is None:
            raise MeetkitError(ErrorCode.SOURCE_LOST, "the recording is closed", "录音已关闭")
        a = cap.byte_start + start * self._sample_bytes
        return _convert(self._mm[a : a + count * self._sample_bytes], self.datatype)

    def _info(self, cap: Capture, start: int, count: int) -> BlockInfo:
        when = cap.time + dt.timedelta(seconds=start / cap.rate_sps) if cap.time is not None else self._clock.now()
        return BlockInfo(
            centre_hz=cap.centre_hz,
            rate_sps=cap.rate_sps,
            gain_db=cap.gain_db,
            time=when,
            hop_index=cap.hop_index,
            pass_index=cap.pass_index,
            extra={"keep_lo_hz": cap.keep_lo_hz, "keep_hi_hz": cap.keep_hi_hz, "capture_index": cap.index},
        )

    def iter_blocks(self, block_samples: int) -> Iterator[IQBlock]:
        """Every capture in order, cut in blocks of ``block_samples``; a short tail is kept when it
        has at least 1024 samples (or is the capture's only block)."""
        block = max(1, int(block_samples))
        for cap in self._captures:
            for start in range(0, cap.n_samples, block):
                count = min(block, cap.n_samples - start)
                if count < block and start > 0 and count < min(block, MIN_TAIL_SAMPLES):
                    break
                yield IQBlock(self._samples(cap, start, count), self._info(cap, start, count))

    # -- Source interface (replay through the live engine) ------------------------------------

    def tune(self, centre_hz: float) -> None:
        order = list(range(self._cur, len(self._captures))) + list(range(self._cur))
        if self._pos == 0 and self._captures[self._cur].centre_hz == centre_hz:
            return
        for i in order[1:] + order[:1]:
            if abs(self._captures[i].centre_hz - centre_hz) < 1.0:
                self._cur, self._pos = i, 0
                return
        if len(self._captures) == 1:
            self._warn(f"single-capture recording: tune to {format_freq(centre_hz)}Hz ignored")
            return
        raise MeetkitError(
            ErrorCode.INVALID_INPUT,
            f"the recording has no capture at {format_freq(centre_hz)}Hz",
            f"录音中没有 {format_freq(centre_hz)}Hz 处的数据段",
        )

    def set_sample_rate(self, rate_sps: float) -> None:
        if abs(rate_sps - self._captures[self._cur].rate_sps) > 1.0:
            self._warn(f"recording rate is {self._captures[self._cur].rate_sps:.0f} S/s; {rate_sps:.0f} S/s asked for is ignored")

    def set_gain(self, gain_db: float | None) -> None:
        return None

    def set_ppm(self, ppm: int) -> None:
        return None

    def read(self, n: int) -> IQBlock:
        cap = self._captures[self._cur]
        count = min(int(n), cap.n_samples - self._pos)
        if count <= 0:
            if self._cur + 1 < len(self._captures):
                self._cur, self._pos = self._cur + 1, 0
                return self.read(n)
            raise MeetkitError(ErrorCode.SOURCE_LOST, f"end of recording {self.path.name}", f"录音 {self.path.name} 已播放完毕")
        block = IQBlock(self._samples(cap, self._pos, count), self._info(cap, self._pos, count))
        self._pos += count
        return block

    def describe(self) -> dict[str, Any]:
        glob = self.meta.get("global", {}) if self.meta else {}
        return {
            "kind": "recording",
            "hw": str(glob.get("core:hw") or f"recording {self.path.name}"),
            "path": str(self.path),
            "datatype": self.datatype,
            "captures": len(self._captures),
            "samples": self.n_samples,
            "rate_sps": self._captures[0].rate_sps,
            "warnings": list(self.warnings),
        }

    def close(self) -> None:
        self._mm = None  # the map closes when the last view of it is gone
