"""Sample synthesis for the simulated dongle: what an R820T RTL-SDR would deliver, as cu8.

For each tuning (centre, rate, gain, ppm) the continuous part of the band is computed once in
the frequency domain and kept as a periodic ring of :data:`RING` samples, already quantized to
cu8: the noise floor (shaped by the tuner's edge roll-off), the DC spike, the 28.8 MHz crystal
harmonics that fall in the band and every continuous emitter that overlaps it, each mixed to its
offset. Emitters that switch on and off (bursts, push-to-talk, schedules) get rings of their own
that are gated sample by sample from the stream time. A band with nothing in it is served from
one long shared noise ring per (rate, gain), so a sweep's empty hops cost nothing to make.

Stream time runs continuously from the start (it advances with every sample served), so GSM
frames, LTE subframes, push-to-talk periods and OOK transmissions behave over time. Everything
is deterministic for a given seed and sequence of commands.
"""

from __future__ import annotations

import logging
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from meetkit.sweep.simulator.emitters import Emitter, make_emitter
from meetkit.sweep.simulator.scenario import Scenario

log = logging.getLogger(__name__)

RING = 1 << 16  # period of a tuned band's waveform (27 ms at 2.4 MS/s)
NOISE_RING = 1 << 18  # the shared noise ring (109 ms at 2.4 MS/s, 1 s at 250 kS/s)
CHUNK = 1 << 14  # samples per read() piece
# R820T gain table (tenths of dB), as librtlsdr reports it
R820T_GAINS_TENTHS = (0, 9, 14, 27, 37, 77, 87, 125, 144, 157, 166, 197, 207, 229, 254, 280, 297, 328, 338,
                      364, 372, 386, 402, 421, 434, 439, 445, 480, 496)
RATE_RANGES_SPS = ((225_001.0, 300_000.0), (900_001.0, 3_200_000.0))
DEFAULT_CENTRE_HZ = 100e6
DEFAULT_RATE_SPS = 2.048e6

U8 = npt.NDArray[np.uint8]
C64 = npt.NDArray[np.complex64]


def quantize_cu8(x: C64) -> U8:
    """Complex samples at unit full scale to interleaved cu8, rounding and clipping like the ADC."""
    f = np.ascontiguousarray(x).view(np.float32)
    tmp = f * np.float32(127.5)
    tmp += np.float32(128.0)
    np.clip(tmp, 0.0, 255.0, out=tmp)
    return tmp.astype(np.uint8)


def rate_supported(rate_sps: float) -> bool:
    return any(lo <= rate_sps <= hi for lo, hi in RATE_RANGES_SPS)


def nearest_gain_db(gain_db: float) -> float:
    tenths = min(R820T_GAINS_TENTHS, key=lambda g: abs(g - gain_db * 10))
    return tenths / 10


@lru_cache(maxsize=8)
def rolloff(rate_sps: float, n: int, start: float, edge_db: float) -> npt.NDArray[np.float64]:
    """Amplitude response of the tuner's passband over a shifted spectrum of n bins (read-only)."""
    u = np.abs(np.arange(n) - n // 2) / (n / 2)
    x = np.clip((u - start) / max(1e-9, 1 - start), 0.0, None)
    shape = np.power(10.0, -edge_db * x**2 / 20)
    shape.flags.writeable = False
    return shape


def _slice(ring: npt.NDArray[np.generic], p: int, n: int, step: int = 1) -> npt.NDArray[np.generic]:
    """n items (``step`` array elements each) from a circular ring starting at item p."""
    total = ring.shape[0] // step
    if p + n <= total:
        return ring[p * step : (p + n) * step]
    return np.concatenate((ring[p * step :], ring[: (p + n - total) * step]))


def span_indices(starts: npt.NDArray[np.float64], stops: npt.NDArray[np.float64], t0_s: float, n: int,
                 rate_sps: float) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Sample index ranges [i0, i1) of spans of time, clipped to a piece of n samples from t0_s."""
    i0 = np.clip(np.ceil((starts - t0_s) * rate_sps), 0, n).astype(np.int64)
    i1 = np.clip(np.ceil((stops - t0_s) * rate_sps), 0, n).astype(np.int64)
    return i0, i1


def envelope(starts: npt.NDArray[np.float64], stops: npt.NDArray[np.float64], t0_s: float, n: int,
             rate_sps: float) -> npt.NDArray[np.float32]:
    """1.0 where any span [start, stop) covers a sample time t0 + i/rate, else 0.0."""
    i0, i1 = span_indices(starts, stops, t0_s, n, rate_sps)
    diff = np.zeros(n + 1, dtype=np.int32)
    np.add.at(diff, i0, 1)
    np.add.at(diff, i1, -1)
    return (np.cumsum(diff[:n]) > 0).astype(np.float32)


@dataclass
class _Tuned:
    """What one tuning looks like: a periodic cu8 ring, plus float rings when parts are gated."""

    length: int
    cu8: U8  # 2 × length bytes
    cu8_on: U8 | None = None  # with exactly one gated emitter: the ring with it switched on
    base: C64 | None = None  # the continuous part as complex (with two or more gated emitters)
    gated: list[tuple[Emitter, C64]] = field(default_factory=list)
    emitters: tuple[str, ...] = ()
    spurs_hz: tuple[float, ...] = ()

    @property
    def nbytes(self) -> int:
        arrays = [self.cu8, self.cu8_on, self.base, *(ring for _, ring in self.gated)]
        return sum(a.nbytes for a in arrays if a is not None)


class Synthesizer:
    """A simulated R820T dongle: tune it, then read cu8 samples; stream time advances as it reads."""

    def __init__(self, scenario: Scenario, seed: int | None = None, outside: bool = False,
                 cache_bytes: int = 96 << 20) -> None:
        self.scenario = scenario.outside() if outside else scenario
        self.seed = scenario.seed if seed is None else seed
        self.emitters = [make_emitter(spec, self.seed) for spec in self.scenario.emitters]
        widths = np.array([e.half_width_hz() for e in self.emitters], dtype=np.float64)
        freqs = np.array([e.spec.freq_hz for e in self.emitters], dtype=np.float64)
        self._emitter_lo, self._emitter_hi = freqs - widths, freqs + widths
        self.centre_hz = DEFAULT_CENTRE_HZ
        self.rate_sps = DEFAULT_RATE_SPS
        self.gain_db: float | None = None
        self.ppm = 0
        self.time_s = 0.0  # stream time of the next sample
        self.samples_served = 0
        self._cache_bytes = cache_bytes
        self._tunes: OrderedDict[tuple[float, float, float, int], _Tuned] = OrderedDict()
        self._noise_float: dict[float, C64] = {}
        self._noise_tuned: dict[tuple[float, float], _Tuned] = {}
        self._rng = np.random.default_rng([self.seed, 0x5EED])
        self._tuned: _Tuned | None = None
        self._pos = 0  # position in the current ring
        self._since_tune = 0
        self._transient_phase = 1.0 + 0j

    # -- controls (what rtl_tcp commands do) --------------------------------------------
    def tune(self, centre_hz: float) -> None:
        self.centre_hz = float(centre_hz)
        self._retuned()

    def set_rate(self, rate_sps: float) -> bool:
        """Change the sample rate; False (and no change) when librtlsdr would refuse it."""
        if not rate_supported(rate_sps):
            log.warning("sample rate %.0f S/s not supported by an RTL-SDR; keeping %.0f", rate_sps, self.rate_sps)
            return False
        self.rate_sps = float(rate_sps)
        self._retuned()
        return True

    def set_gain(self, gain_db: float | None) -> None:
        """Manual gain (nearest R820T step) or None for automatic gain (the scenario's nominal)."""
        self.gain_db = None if gain_db is None else nearest_gain_db(gain_db)
        self._tuned = None

    def set_ppm(self, ppm: int) -> None:
        self.ppm = int(ppm)
        self._retuned()

    def seek(self, time_s: float) -> None:
        """Jump the stream clock (for tests and benchmarks)."""
        self.time_s = float(time_s)

    def _retuned(self) -> None:
        self._tuned = None
        self._since_tune = 0

    @property
    def effective_gain_db(self) -> float:
        return self.scenario.nominal_gain_db if self.gain_db is None else self.gain_db

    @property
    def lo_hz(self) -> float:
        """Where the local oscillator really sits, given the crystal error and the ppm correction."""
        return self.centre_hz * (1 + (self.scenario.tuner.ppm_error - self.ppm) * 1e-6)

    def in_band(self) -> tuple[str, ...]:
        """Names of the emitters the current tuning contains (empty out of range)."""
        return self._current().emitters

    # -- reading --------------------------------------------------------------------------
    def read(self, n: int) -> U8:
        """The next n samples as interleaved cu8 (2n bytes). The array may be shared: read-only."""
        if n <= 0:
            return np.empty(0, dtype=np.uint8)
        parts: list[U8] = []
        left = n
        while left > 0:
            m = min(left, CHUNK)
            parts.append(self._read_piece(m))
            left -= m
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _read_piece(self, n: int) -> U8:
        tuned = self._current()
        t0 = self.time_s
        if tuned.cu8_on is not None:
            out = self._switch(tuned, tuned.cu8_on, t0, n)
        elif tuned.gated:
            assert tuned.base is not None
            acc = np.array(_slice(tuned.base, self._pos, n), dtype=np.complex64, copy=True)
            t1 = t0 + n / self.rate_sps
            for emitter, ring in tuned.gated:
                spans = emitter.on_spans(t0, t1)
                piece = _slice(ring, self._pos, n)
                if spans is None:
                    acc += piece
                elif spans[0].size:
                    env = envelope(spans[0], spans[1], t0, n, self.rate_sps)
                    acc += piece * env
            out = quantize_cu8(acc)
        else:
            out = _slice(tuned.cu8, self._pos, n, 2)
        settle_n = int(self.scenario.tuner.settle_s * self.rate_sps)
        if self._since_tune < settle_n:
            out = self._transient(out, settle_n)
        self._pos = (self._pos + n) % tuned.length
        self._since_tune += n
        self.samples_served += n
        self.time_s = t0 + n / self.rate_sps
        return out

    def _switch(self, tuned: _Tuned, on_ring: U8, t0: float, n: int) -> U8:
        """One gated emitter: copy the 'on' ring's bytes over the 'off' ring's while it transmits."""
        spans = tuned.gated[0][0].on_spans(t0, t0 + n / self.rate_sps)
        if spans is None:
            return _slice(on_ring, self._pos, n, 2)
        off = _slice(tuned.cu8, self._pos, n, 2)
        if not spans[0].size:
            return off
        out = np.array(off, copy=True)
        on = _slice(on_ring, self._pos, n, 2)
        i0, i1 = span_indices(spans[0], spans[1], t0, n, self.rate_sps)
        for a, b in zip((2 * i0).tolist(), (2 * i1).tolist()):
            if b > a:
                out[a:b] = on[a:b]
        return out

    def _transient(self, out: U8, settle_n: int) -> U8:
        """The PLL settling after a retune: the level ramps up under a decaying offset."""
        m = min(settle_n - self._since_tune, out.shape[0] // 2)
        if self._since_tune == 0:
            self._transient_phase = complex(np.exp(2j * np.pi * self._rng.random()))
        i = ((self._since_tune + np.arange(m, dtype=np.float32)) / np.float32(settle_n)).repeat(2)
        decay = np.float32(0.25 * 127.5) * np.exp(np.float32(-4) * i)
        decay[0::2] *= np.float32(self._transient_phase.real)
        decay[1::2] *= np.float32(self._transient_phase.imag)
        v = (out[: 2 * m].astype(np.float32) - np.float32(127.5)) * (np.float32(0.2) + np.float32(0.8) * i)
        v += decay + np.float32(128.0)
        np.clip(v, 0.0, 255.0, out=v)
        out = np.array(out, copy=True)
        out[: 2 * m] = v.astype(np.uint8)
        return out

    # -- building rings ---------------------------------------------------------------------
    def _current(self) -> _Tuned:
        if self._tuned is None:
            key = (self.centre_hz, self.rate_sps, self.effective_gain_db, self.ppm)
            tuned = self._tunes.get(key)
            if tuned is not None:
                self._tunes.move_to_end(key)
            else:
                tuned = self._build()
                if tuned.emitters or tuned.spurs_hz:
                    self._remember(key, tuned)
            self._tuned = tuned
            self._pos = int(self._rng.integers(tuned.length))
        return self._tuned

    def _remember(self, key: tuple[float, float, float, int], tuned: _Tuned) -> None:
        self._tunes[key] = tuned
        total = sum(t.nbytes for t in self._tunes.values())
        while total > self._cache_bytes and len(self._tunes) > 1:
            _, old = self._tunes.popitem(last=False)
            total -= old.nbytes

    def _gain_scale(self) -> float:
        return 10 ** ((self.effective_gain_db - self.scenario.nominal_gain_db) / 20)

    def _dc(self) -> np.complex64:
        amp = 10 ** (self.scenario.tuner.dc_spike_dbfs / 20)
        return np.complex64(amp * np.exp(0.7j))

    def _noise(self, rate_sps: float) -> C64:
        """Unit-power complex noise shaped by the passband, periodic over NOISE_RING samples."""
        ring = self._noise_float.get(rate_sps)
        if ring is None:
            rng = np.random.default_rng([self.seed, int(rate_sps), 0x0015E])
            spec = rng.standard_normal(2 * NOISE_RING, dtype=np.float32).view(np.complex64)
            tuner = self.scenario.tuner
            shape = np.fft.ifftshift(rolloff(rate_sps, NOISE_RING, tuner.rolloff_start, tuner.rolloff_edge_db))
            spec *= (shape * math.sqrt(0.5 * NOISE_RING)).astype(np.float32)
            ring = np.fft.ifft(spec).astype(np.complex64, copy=False)
            if len(self._noise_float) >= 2:
                self._noise_float.clear()
            self._noise_float[rate_sps] = ring
        return ring

    def _noise_only(self) -> _Tuned:
        key = (self.rate_sps, self.effective_gain_db)
        tuned = self._noise_tuned.get(key)
        if tuned is None:
            amp = 10 ** (self.scenario.noise_floor_dbfs / 20) * self._gain_scale()
            ring = self._noise(self.rate_sps) * np.float32(amp) + self._dc()
            cu8 = quantize_cu8(ring)
            cu8.flags.writeable = False
            tuned = _Tuned(length=NOISE_RING, cu8=cu8)
            if len(self._noise_tuned) >= 4:
                self._noise_tuned.clear()
            self._noise_tuned[key] = tuned
        return tuned

    def _build(self) -> _Tuned:
        tuner = self.scenario.tuner
        rate = self.rate_sps
        if not tuner.min_hz <= self.centre_hz <= tuner.max_hz:
            return self._noise_only()
        lo = self.lo_hz
        band_lo, band_hi = lo - rate / 2, lo + rate / 2
        hits = np.flatnonzero((self._emitter_hi > band_lo) & (self._emitter_lo < band_hi))
        present = [self.emitters[i] for i in hits]
        xtal = tuner.crystal_hz * (1 + tuner.ppm_error * 1e-6)
        spurs = [h * xtal for h in range(max(1, math.ceil(band_lo / xtal)), math.floor(band_hi / xtal) + 1)
                 if band_lo < h * xtal < band_hi]
        if not present and not spurs:
            return self._noise_only()
        n = RING
        rng = np.random.default_rng([self.seed, round(self.centre_hz), int(rate), int(self.effective_gain_db * 10),
                                     self.ppm & 0xFFFF])
        shape = rolloff(rate, n, tuner.rolloff_start, tuner.rolloff_edge_db) * self._gain_scale()
        spectrum = np.zeros(n, dtype=np.complex128)
        for f in spurs:
            k = round((f - lo) * n / rate) + n // 2
            spectrum[k] += n * 10 ** (tuner.crystal_harmonic_dbfs / 20) * np.exp(2j * np.pi * rng.random())
        gated: list[tuple[Emitter, C64]] = []
        for e in present:
            x = e.spectrum(e.spec.freq_hz - lo, rate, n, rng) * 10 ** (e.spec.level_dbfs / 20)
            if e.gated:
                gated.append((e, np.fft.ifft(np.fft.ifftshift((x * shape).astype(np.complex64)))))
            else:
                spectrum += x
        base = np.fft.ifft(np.fft.ifftshift((spectrum * shape).astype(np.complex64)))
        noise = _slice(self._noise(rate), int(rng.integers(NOISE_RING)), n)
        base += noise * np.float32(10 ** (self.scenario.noise_floor_dbfs / 20) * self._gain_scale())
        base += self._dc()
        cu8 = quantize_cu8(base)
        cu8.flags.writeable = False
        cu8_on = None
        if len(gated) == 1:
            cu8_on = quantize_cu8(base + gated[0][1])
            cu8_on.flags.writeable = False
            gated = [(gated[0][0], np.empty(0, dtype=np.complex64))]
        log.debug("built %.6f MHz @ %.0f S/s: %d emitters, %d spurs", self.centre_hz / 1e6, rate, len(present), len(spurs))
        return _Tuned(length=n, cu8=cu8, cu8_on=cu8_on, base=base if len(gated) > 1 else None, gated=gated,
                      emitters=tuple(e.spec.name for e in present), spurs_hz=tuple(spurs))
