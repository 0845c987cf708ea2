"""The unit of data every sweep source yields: a block of complex IQ samples with its metadata.

Every source (USB dongle, rtl_tcp client, recording replay) implements :class:`Source`, and
every consumer (acquisition engine, analysis, recorder) reads :class:`IQBlock` values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

ComplexArray = npt.NDArray[np.complex64]


@dataclass(frozen=True)
class BlockInfo:
    centre_hz: float
    rate_sps: float
    gain_db: float | None  # None: automatic gain
    time: dt.datetime  # time of the block's first sample (UTC)
    dropped: int = 0  # samples known to be lost just before this block
    hop_index: int = -1  # position in the hop plan, -1 when not part of a plan
    pass_index: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IQBlock:
    samples: ComplexArray  # complex64, unit full scale (cu8 maps (v - 127.5) / 127.5)
    info: BlockInfo

    def __len__(self) -> int:
        return int(self.samples.shape[0])


class Source(Protocol):
    """One interface for every kind of receiver or replay."""

    is_live: bool  # True for a real or simulated receiver that can be retuned at will

    def tune(self, centre_hz: float) -> None: ...

    def set_sample_rate(self, rate_sps: float) -> None: ...

    def set_gain(self, gain_db: float | None) -> None: ...

    def set_ppm(self, ppm: int) -> None: ...

    def read(self, n: int) -> IQBlock: ...

    def describe(self) -> dict[str, Any]:
        """Hardware and settings, for reports and SigMF metadata."""
        ...

    def close(self) -> None: ...


def cu8_to_complex(raw: bytes | npt.NDArray[np.uint8]) -> ComplexArray:
    """Convert interleaved unsigned 8-bit IQ (RTL-SDR native) to complex64 at unit full scale."""
    data = np.frombuffer(raw, dtype=np.uint8) if isinstance(raw, (bytes, bytearray, memoryview)) else raw
    n = data.shape[0] // 2
    out = np.empty(n, dtype=np.complex64)
    view = out.view(np.float32).reshape(n, 2)
    np.subtract(data[: 2 * n].reshape(n, 2), np.float32(127.5), out=view, casting="unsafe")
    view *= np.float32(1.0 / 127.5)
    return out
