"""Averaged periodogram of one block of IQ: per bin mean, max-hold, min-hold and occupancy.

The block is cut into frames of ``fft_size`` samples (Hann window, optional overlap), each frame
is transformed with ``scipy.fft.fft`` on a 2-D array of frames (``chunk_frames`` frames at a
time into a preallocated complex64 buffer, transformed in place, so the working set stays in
cache; float32 powers), and per bin we keep

- ``sum_p``: the sum of the frames' power (the mean is ``sum_p / n_frames``),
- ``max_p`` / ``min_p``: the highest / lowest power any frame had (max-hold, min-hold),
- ``occ_count``: how many frames were above the block's occupancy threshold, which is the
  block's own noise floor times ``-ln(occupancy_pfa)`` (a single frame of noise is exponential,
  so a noise-only bin reads ``occupancy_pfa`` on average, 1 % by default).

Power is normalised so that a full-scale complex tone centred in a bin reads 0 dBFS
(``|X|^2 / (sum w)^2``). The DC bins (the tuner's LO leak at the tuned centre) are replaced by
a straight line between their neighbours. Arrays are returned in ascending frequency order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.fft
from numpy.lib.stride_tricks import sliding_window_view

from meetkit.sweep.analysis.noise import segment_floor

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

DEFAULT_RBW_HZ = 2.4e6 / 1024  # 2343.75 Hz: a 1024-point FFT at 2.4 MS/s


@dataclass(frozen=True)
class PsdSettings:
    """How a block becomes a spectrum. ``overlap`` 0 keeps the dongle-rate target with margin."""

    rbw_hz: float = DEFAULT_RBW_HZ
    overlap: float = 0.0  # share of a frame shared with the next one (0 ≤ overlap < 1)
    occupancy_pfa: float = 0.01  # per-frame false-alarm probability of the occupancy threshold
    dc_halfwidth_hz: float = 3000.0  # bins this close to the tuned centre are interpolated
    chunk_frames: int = 64
    max_frames_per_part: int = 4096  # longer blocks are processed in parts of this many frames

    def fft_size(self, rate_sps: float) -> int:
        """Smallest power of two whose bin width is at most the wanted RBW (16..65536)."""
        wanted = rate_sps / self.rbw_hz
        size = 1 << max(4, math.ceil(math.log2(wanted * (1.0 - 1e-9))))
        return min(size, 65536)

    def hop_frames(self, fft_size: int) -> int:
        return max(1, int(round(fft_size * (1.0 - self.overlap))))


@dataclass
class BlockSpectrum:
    """One block's statistics per bin (ascending frequency; linear power, unit full scale)."""

    centre_hz: float
    rate_sps: float
    fft_size: int
    n_frames: int
    sum_p: F32  # float32: at most max_frames_per_part frames are summed
    max_p: F32
    min_p: F32
    occ_count: npt.NDArray[np.int32]
    noise_p: F32  # the block's noise floor estimate per bin

    @property
    def bin_hz(self) -> float:
        return self.rate_sps / self.fft_size

    def freqs_hz(self) -> F64:
        k = np.arange(self.fft_size, dtype=np.float64) - self.fft_size // 2
        return self.centre_hz + k * self.bin_hz

    @property
    def mean_p(self) -> F64:
        return self.sum_p / max(self.n_frames, 1)

    @property
    def occupancy(self) -> F32:
        return (self.occ_count / max(self.n_frames, 1)).astype(np.float32)


class PsdEngine:
    """Reusable periodogram engine: caches windows, DC ramps and work buffers per FFT size.

    Not thread-safe: one engine per thread (the analyzer owns one).
    """

    def __init__(self, settings: PsdSettings | None = None) -> None:
        self.settings = settings or PsdSettings()
        self._windows: dict[int, F32] = {}
        self._buffers: dict[int, npt.NDArray[np.complex64]] = {}
        self._powers: dict[int, F32] = {}
        self._above: dict[int, npt.NDArray[np.bool_]] = {}
        self._dc: dict[tuple[int, float], tuple[int, int, F32]] = {}
        self._fft = _pick_fft()

    def _window(self, n: int) -> F32:
        """Hann window per I/Q value (float32, n × 2), with the power normalisation and the
        spectrum shift folded in.

        - ``|FFT(x·w·√scale)|² = scale·|FFT(x·w)|²`` with ``scale = 1/(Σw)²``: a full-scale tone
          centred in a bin reads 1.
        - ``(-1)^k`` moves the spectrum by half the FFT size, so the transform comes out in
          ascending frequency order (what ``fftshift`` would do) at no cost.
        - Repeated for I and Q so it multiplies the interleaved float32 view of the complex64
          samples straight into the transform buffer.
        """
        if n not in self._windows:
            w = np.hanning(n + 1)[:n]  # periodic Hann (DFT-even)
            scale = 1.0 / float(np.sum(w, dtype=np.float64)) ** 2
            sign = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
            self._windows[n] = np.repeat(w * math.sqrt(scale) * sign, 2).astype(np.float32).reshape(n, 2)
        return self._windows[n]

    def _buffer(self, n: int) -> npt.NDArray[np.complex64]:
        """The windowed frames of one chunk (transformed in place)."""
        if n not in self._buffers:
            self._buffers[n] = np.empty((self.settings.chunk_frames, n), np.complex64)
        return self._buffers[n]

    def _scratch(self, cache: dict[int, npt.NDArray[Any]], frames: int, n: int, dtype: Any) -> npt.NDArray[Any]:
        """A reused (frames × n) work array: allocating 128 kB or more per block costs page faults."""
        buf = cache.get(n)
        if buf is None or buf.shape[0] < frames:
            buf = np.empty((frames, n), dtype)
            cache[n] = buf
        return buf[:frames]

    def frame_powers(self, samples: npt.NDArray[np.complex64], fft_size: int) -> F32:
        """All frames' power spectra (frames × bins, ascending frequency, normalised), float32.

        A new array; the engine's own statistics use :meth:`_frame_powers` on a reused one.
        """
        return self._frame_powers(samples, fft_size).copy()

    def _frame_powers(self, samples: npt.NDArray[np.complex64], fft_size: int) -> F32:
        """Like :meth:`frame_powers`, into the engine's scratch array (valid until the next call).

        The transform is pocketfft (scipy.fft) in single precision, in place: about 2.5 times the
        speed of numpy.fft (whose fastest path here is complex128), measured on this machine with
        NumPy 2.4 and SciPy 1.17.
        """
        settings = self.settings
        x = np.ascontiguousarray(samples, dtype=np.complex64)
        step = settings.hop_frames(fft_size)
        if x.shape[0] < fft_size:
            return np.empty((0, fft_size), np.float32)
        pairs = x.view(np.float32).reshape(-1, 2)
        if step == fft_size:  # no overlap: a plain reshape (sliding_window_view costs more than it saves)
            count = x.shape[0] // fft_size
            frames = pairs[: count * fft_size].reshape(count, fft_size, 2)
        else:
            frames = sliding_window_view(pairs, (fft_size, 2))[::step, 0]  # frames × bins × (I, Q), no copy
        total = frames.shape[0]
        w = self._window(fft_size)
        buf = self._buffer(fft_size)
        out = self._scratch(self._powers, total, fft_size, np.float32)
        chunk = buf.shape[0]
        fft = self._fft
        for start in range(0, total, chunk):
            stop = min(start + chunk, total)
            b = buf[: stop - start]
            v = b.view(np.float32).reshape(stop - start, fft_size, 2)
            np.multiply(frames[start:stop], w, out=v)
            fft(b)
            np.square(v, out=v)
            np.add(v[..., 0], v[..., 1], out=out[start:stop])
        return out

    def _dc_ramp(self, n: int, rate_sps: float) -> tuple[int, int, F32]:
        """The DC bins' neighbours ``lo`` and ``hi`` and the (2 × bins) matrix that turns the two
        neighbours' values into the straight line between them (``lo`` to ``hi`` inclusive)."""
        key = (n, rate_sps)
        if key not in self._dc:
            idx = dc_bins(n, rate_sps, self.settings.dc_halfwidth_hz)
            if idx.size == 0:
                self._dc[key] = (0, 0, np.zeros((2, 0), np.float32))
            else:
                lo, hi = int(idx[0]) - 1, int(idx[-1]) + 1
                t = np.arange(hi - lo + 1) / (hi - lo)
                self._dc[key] = (lo, hi, np.stack([1.0 - t, t]).astype(np.float32))
        return self._dc[key]

    def block(self, samples: npt.NDArray[np.complex64], centre_hz: float, rate_sps: float) -> list[BlockSpectrum]:
        """The block's spectra: one per part of at most ``max_frames_per_part`` frames."""
        n = self.settings.fft_size(rate_sps)
        step = self.settings.hop_frames(n)
        part_samples = self.settings.max_frames_per_part * step + (n - step)
        parts: list[BlockSpectrum] = []
        total = samples.shape[0]
        start = 0
        while start + n <= total:
            stop = min(total, start + part_samples)
            parts.append(self._part(samples[start:stop], centre_hz, rate_sps, n))
            start += self.settings.max_frames_per_part * step
        return parts

    def _part(self, samples: npt.NDArray[np.complex64], centre_hz: float, rate_sps: float, n: int) -> BlockSpectrum:
        p = self._frame_powers(samples, n)
        frames = p.shape[0]
        # rows: sum, max-hold, min-hold, occupancy count; ≤ 4096 frames: float32 sums are accurate enough
        stats = np.empty((4, n), np.float32)
        np.add.reduce(p, axis=0, out=stats[0])
        np.maximum.reduce(p, axis=0, out=stats[1])
        np.minimum.reduce(p, axis=0, out=stats[2])
        lo, hi, ramp = self._dc_ramp(n, rate_sps)
        if ramp.size:  # the DC bins: a straight line between their neighbours
            stats[:3, lo : hi + 1] = stats[:3, lo : hi + 1 : hi - lo] @ ramp
        mean_p = stats[0] * np.float32(1.0 / frames)
        noise = segment_floor(mean_p, rate_sps / n, float(frames))
        above = self._scratch(self._above, frames, n, np.bool_)
        np.greater(p, noise * np.float32(-math.log(self.settings.occupancy_pfa)), out=above)
        stats[3] = np.add.reduce(above.view(np.uint8), axis=0, dtype=np.uint16)  # frames per part ≤ 4096
        if ramp.size:
            stats[3:, lo : hi + 1] = stats[3:, lo : hi + 1 : hi - lo] @ ramp
        occ = np.rint(stats[3]).astype(np.int32)
        return BlockSpectrum(centre_hz, rate_sps, n, frames, stats[0], stats[1], stats[2], occ, noise)


def fft_rows_public(b: npt.NDArray[np.complex64]) -> None:
    """Transform the rows of ``b`` in place with the public ``scipy.fft.fft``."""
    b[...] = scipy.fft.fft(b, axis=-1, overwrite_x=True, workers=1)


def fft_rows_direct(b: npt.NDArray[np.complex64]) -> None:
    """Transform the rows of ``b`` in place with pocketfft's own entry point (not public API)."""
    from scipy.fft._pocketfft import pypocketfft  # type: ignore[attr-defined]

    pypocketfft.c2c(b, (b.ndim - 1,), True, 0, b, 1)


def _pick_fft() -> Any:
    """The in-place single-precision transform of the rows of a complex64 array.

    pocketfft's own entry point skips scipy.fft's dispatch layer (about 15 µs per call, 10 % of a
    hop's transform). It is not public API, so it is used only when it gives the same result as
    ``scipy.fft.fft`` on a probe; otherwise the public function is used.
    """
    probe = (np.arange(64) % 7 - 3 + 1j * (np.arange(64) % 5)).astype(np.complex64).reshape(2, 32)
    try:
        got = probe.copy()
        fft_rows_direct(got)
        if np.allclose(got, scipy.fft.fft(probe, axis=-1), rtol=1e-5, atol=1e-4):
            return fft_rows_direct
    except Exception:  # noqa: BLE001 - any failure of the private entry point means: use the public one
        pass
    return fft_rows_public


def dc_bins(fft_size: int, rate_sps: float, halfwidth_hz: float) -> npt.NDArray[np.intp]:
    """Indices (ascending-frequency order) of the bins around the tuned centre."""
    if halfwidth_hz <= 0:
        return np.zeros(0, np.intp)
    half = max(1, int(math.ceil(halfwidth_hz / (rate_sps / fft_size))))
    mid = fft_size // 2
    return np.arange(max(mid - half, 1), min(mid + half + 1, fft_size - 1))


def to_db(p: npt.ArrayLike) -> F32:
    """10·log10 of linear power with a floor at -200 dB (no warnings for zeros)."""
    arr = np.asarray(p, dtype=np.float32)
    return (10.0 * np.log10(np.maximum(arr, np.float32(1e-20)))).astype(np.float32)


def from_db(db: npt.ArrayLike) -> F32:
    return np.power(np.float32(10.0), np.asarray(db, dtype=np.float32) / np.float32(10.0)).astype(np.float32)
