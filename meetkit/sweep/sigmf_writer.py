"""Write a sweep as one multi-capture SigMF recording: cu8 samples as the receiver gave them, one
capture segment per hop with its own ``core:frequency`` and ``core:datetime``; hardware, gain,
ppm, settle and timing in the global metadata (``meetkit:`` extension keys, declared in
``core:extensions``). The result passes the ``sigmf`` package's validation and reads back with
``sigmf.sigmffile.fromfile``.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import IO, Any

import numpy as np

from meetkit import __version__
from meetkit.errors import ErrorCode, MeetkitError
from meetkit.sweep.blocks import IQBlock
from meetkit.sweep.hopplan import HopPlan

log = logging.getLogger(__name__)

EXTENSION = {"name": "meetkit", "version": "1.0.0", "optional": True}
SIGMF_VERSION = "1.2.0"


def sigmf_paths(out: str | Path) -> tuple[Path, Path]:
    """(meta, data) paths for ``NAME.sigmf-meta`` (or ``NAME``, ``NAME.sigmf-data``)."""
    path = Path(out)
    name = path.name
    for ext in (".sigmf-meta", ".sigmf-data"):
        if name.lower().endswith(ext):
            name = name[: -len(ext)]
            break
    if not name:
        raise MeetkitError(ErrorCode.INVALID_INPUT, f"bad output name {out!r}", f"输出文件名无效：{out!r}")
    return path.with_name(name + ".sigmf-meta"), path.with_name(name + ".sigmf-data")


def sigmf_datetime(when: dt.datetime) -> str:
    """RFC 3339 UTC with a ``Z``, as SigMF requires."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def complex_to_cu8(samples: np.ndarray[Any, Any]) -> bytes:
    """Inverse of ``blocks.cu8_to_complex``: exact for samples that came from cu8."""
    flat = np.asarray(samples, dtype=np.complex64).view(np.float32)
    scaled = np.rint(flat * np.float32(127.5) + np.float32(127.5))
    return np.clip(scaled, 0, 255).astype(np.uint8).tobytes()


class SigMFSweepWriter:
    """``add(block)`` for every block, then ``finish(...)``; ``abort()`` removes partial files."""

    def __init__(
        self,
        out: str | Path,
        *,
        source_info: dict[str, Any],
        plan: HopPlan | None,
        gain_db: float | None,
        ppm: int,
        overwrite: bool = False,
        description: str = "",
        author: str = "",
    ) -> None:
        self.meta_path, self.data_path = sigmf_paths(out)
        if not overwrite:
            for existing in (self.meta_path, self.data_path):
                if existing.exists():
                    raise MeetkitError(
                        ErrorCode.CONFLICT,
                        f"{existing} already exists (choose another name)",
                        f"{existing} 已存在（请换一个文件名）",
                    )
        if not self.meta_path.parent.is_dir():
            raise MeetkitError(
                ErrorCode.INVALID_INPUT,
                f"folder {self.meta_path.parent} does not exist",
                f"目录 {self.meta_path.parent} 不存在",
            )
        self.source_info = dict(source_info)
        self.plan = plan
        self.gain_db = gain_db
        self.ppm = int(ppm)
        self.description = description
        self.author = author
        self.captures: list[dict[str, Any]] = []
        self.samples_written = 0
        self.rate_sps: float | None = None
        self.first_time: dt.datetime | None = None
        self.last_time: dt.datetime | None = None
        self._last_key: tuple[Any, ...] | None = None
        self._fh: IO[bytes] | None = self.data_path.open("wb")

    def add(self, block: IQBlock) -> None:
        if self._fh is None:
            raise MeetkitError(ErrorCode.INVALID_STATE, "the recording is already finished", "录音已结束")
        info = block.info
        if self.rate_sps is None:
            self.rate_sps = info.rate_sps
        elif abs(info.rate_sps - self.rate_sps) > 0.5:
            raise MeetkitError(
                ErrorCode.INVALID_STATE,
                f"sample rate changed during the recording ({self.rate_sps:.0f} → {info.rate_sps:.0f} S/s)",
                f"录音过程中采样率发生变化（{self.rate_sps:.0f} → {info.rate_sps:.0f} S/s）",
            )
        key = (info.centre_hz, info.hop_index, info.pass_index, info.extra.get("capture_index"))
        if key != self._last_key or info.dropped:
            capture: dict[str, Any] = {
                "core:sample_start": self.samples_written,
                "core:frequency": float(info.centre_hz),
                "core:datetime": sigmf_datetime(info.time),
                "meetkit:hop_index": int(info.hop_index),
                "meetkit:pass_index": int(info.pass_index),
                "meetkit:sample_count": 0,
            }
            if "keep_lo_hz" in info.extra and "keep_hi_hz" in info.extra:
                capture["meetkit:keep_lo_hz"] = float(info.extra["keep_lo_hz"])
                capture["meetkit:keep_hi_hz"] = float(info.extra["keep_hi_hz"])
            if info.dropped:
                capture["meetkit:dropped_before"] = int(info.dropped)
            self.captures.append(capture)
            self._last_key = key
        self._fh.write(complex_to_cu8(block.samples))
        self.captures[-1]["meetkit:sample_count"] += len(block)
        self.samples_written += len(block)
        if self.first_time is None:
            self.first_time = info.time
        self.last_time = info.time

    def abort(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        for path in (self.data_path, self.meta_path):
            path.unlink(missing_ok=True)

    def finish(self, result: Any = None, extra: dict[str, Any] | None = None) -> Path:
        """Close the data file and write the validated metadata; returns the meta path."""
        from sigmf import sigmffile

        if self._fh is None:
            raise MeetkitError(ErrorCode.INVALID_STATE, "the recording is already finished", "录音已结束")
        self._fh.close()
        self._fh = None
        if self.samples_written == 0:
            self.abort()
            raise MeetkitError(ErrorCode.SOURCE_LOST, "nothing was captured, so no recording was written", "未采集到任何数据，未写入录音")
        glob: dict[str, Any] = {
            "core:datatype": "cu8",
            "core:version": SIGMF_VERSION,
            "core:sample_rate": float(self.rate_sps or 0.0),
            "core:num_channels": 1,
            "core:hw": str(self.source_info.get("hw", "unknown receiver")),
            "core:recorder": f"meetkit {__version__}",
            "core:description": self.description
            or f"RF sweep: {len(self.captures)} hop captures"
            + (f", profile {self.plan.profile}" if self.plan is not None and self.plan.profile else ""),
            "core:extensions": [dict(EXTENSION)],
            "meetkit:source": {k: v for k, v in self.source_info.items() if isinstance(v, (str, int, float, bool)) or v is None},
            "meetkit:gain_db": self.gain_db,
            "meetkit:gain_mode": "auto" if self.gain_db is None else "manual",
            "meetkit:ppm": self.ppm,
            "meetkit:sample_count": self.samples_written,
        }
        if self.author:
            glob["core:author"] = self.author
        if self.plan is not None:
            plan = self.plan
            glob.update(
                {
                    "meetkit:profile": plan.profile,
                    "meetkit:start_hz": plan.start_hz,
                    "meetkit:stop_hz": plan.stop_hz,
                    "meetkit:crop": plan.crop,
                    "meetkit:settle_s": plan.settle_s,
                    "meetkit:dwell_samples": plan.dwell_samples,
                    "meetkit:passes_planned": plan.passes,
                    "meetkit:hops_per_pass": len(plan.hops),
                    "meetkit:hardware_time_per_pass_s": plan.hardware_time_s(),
                }
            )
        if self.first_time is not None and self.last_time is not None:
            glob["meetkit:start_time"] = sigmf_datetime(self.first_time)
            glob["meetkit:end_time"] = sigmf_datetime(self.last_time)
        if result is not None:
            glob.update(
                {
                    "meetkit:passes_done": int(result.passes_done),
                    "meetkit:hops_done": int(result.hops_done),
                    "meetkit:dropped_samples": int(result.dropped_samples),
                    "meetkit:discarded_samples": int(result.discarded_samples),
                    "meetkit:wall_time_s": float(result.wall_time_s),
                    "meetkit:partial": bool(result.partial),
                }
            )
            if result.error:
                glob["meetkit:error"] = str(result.error)
        if extra:
            glob.update({f"meetkit:{k}": v for k, v in extra.items()})
        metadata = {"global": {k: v for k, v in glob.items() if v is not None}, "captures": self.captures, "annotations": []}
        try:
            sf = sigmffile.SigMFFile(metadata=metadata, data_file=self.data_path)  # computes core:sha512
            sf.validate()
            sf.tofile(self.meta_path, overwrite=True)
        except Exception as err:
            raise MeetkitError(ErrorCode.BAD_RECORDING, f"could not write valid SigMF metadata: {err}", f"无法写出有效的 SigMF 元数据：{err}") from err
        log.info("wrote %s (%d captures, %d samples)", self.meta_path, len(self.captures), self.samples_written)
        return self.meta_path
