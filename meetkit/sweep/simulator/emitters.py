"""The emitter kinds a simulated venue can hold: one small class per kind.

Each emitter answers two questions for the synthesizer:

- :meth:`Emitter.spectrum`: its contribution to a tuned band, as an FFT-ordered-after-``fftshift``
  spectrum of length ``n`` (time signal ``ifft(ifftshift(X))``, periodic over ``n`` samples) at
  unit power (0 dBFS) over its whole width; the synthesizer scales it to the emitter's level.
- :meth:`Emitter.on_spans`: when it transmits inside a window of stream time, as arrays of
  (start_s, stop_s), or ``None`` when it is on throughout the window.

Waveforms are chosen to look right to a spectrum analyser and to rtl_433: FM kinds are true
FM of band-limited noise audio (periodic, so they loop without seams), GSM is GMSK, wideband
digital kinds (DTV, LTE, downlinks) are noise shaped to their occupied band.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from meetkit.sweep.simulator.scenario import EmitterSpec

FloatArray = npt.NDArray[np.float64]
ComplexArray = npt.NDArray[np.complex128]
Spans = tuple[FloatArray, FloatArray]

GSM_SYMBOL_RATE = 1625e3 / 6  # 270.833 kbit/s
GSM_FRAME_S = 120e-3 / 26  # 4.615 ms
GSM_SLOT_S = GSM_FRAME_S / 8  # 576.9 µs
LTE_SUBFRAME_S = 1e-3
_LTE_OCCUPIED = {1.4e6: 1.08e6, 3e6: 2.7e6, 5e6: 4.5e6, 10e6: 9e6}


def bin_freqs(rate_sps: float, n: int) -> FloatArray:
    """Frequencies of the bins of a shifted spectrum (index n//2 is 0 Hz)."""
    return (np.arange(n, dtype=np.float64) - n // 2) * (rate_sps / n)


def place(base: ComplexArray, shift_bins: int) -> ComplexArray:
    """Move a shifted spectrum by ``shift_bins``; what falls off either end is dropped (no wrap)."""
    n = base.shape[0]
    out = np.zeros(n, dtype=np.complex128)
    if abs(shift_bins) >= n:
        return out
    if shift_bins >= 0:
        out[shift_bins:] = base[: n - shift_bins]
    else:
        out[: n + shift_bins] = base[-shift_bins:]
    return out


def _seed(spec: EmitterSpec, seed: int, salt: int) -> np.random.Generator:
    key = round(spec.freq_hz) % (2**63)
    return np.random.default_rng([seed, key, salt, len(spec.name)])


class Emitter:
    """Base: a continuous emitter with an optional on/off schedule."""

    kind: ClassVar[str] = ""
    bursty: ClassVar[bool] = False  # transmits in bursts even when its schedule is on

    def __init__(self, spec: EmitterSpec, seed: int) -> None:
        self.spec = spec
        self.seed = seed
        self._cache: dict[tuple[float, int], ComplexArray] = {}

    @property
    def gated(self) -> bool:
        """True when its output switches on and off over time."""
        return self.bursty or self.spec.schedule is not None

    def half_width_hz(self) -> float:
        raise NotImplementedError

    def overlaps(self, lo_hz: float, hi_hz: float) -> bool:
        hw = self.half_width_hz()
        return self.spec.freq_hz + hw > lo_hz and self.spec.freq_hz - hw < hi_hz

    def spectrum(self, offset_hz: float, rate_sps: float, n: int, rng: np.random.Generator) -> ComplexArray:
        raise NotImplementedError

    def on_spans(self, t0_s: float, t1_s: float) -> Spans | None:
        schedule = self.spec.schedule
        if schedule is None:
            if not self.bursty:
                return None
            windows = [(t0_s, t1_s)]
        else:
            windows = schedule.on_intervals(t0_s, t1_s)
            if not self.bursty and len(windows) == 1 and windows[0] == (t0_s, t1_s):
                return None
        starts: list[FloatArray] = []
        stops: list[FloatArray] = []
        for a, b in windows:
            if self.bursty:
                s, e = self._bursts(a, b)
                starts.append(np.maximum(s, a))
                stops.append(np.minimum(e, b))
            else:
                starts.append(np.array([a]))
                stops.append(np.array([b]))
        if not starts:
            return np.empty(0), np.empty(0)
        return np.concatenate(starts), np.concatenate(stops)

    def _bursts(self, t0_s: float, t1_s: float) -> Spans:
        """Bursts overlapping [t0_s, t1_s) (unclipped); only for bursty kinds."""
        raise NotImplementedError


class _PeriodicWaveform(Emitter):
    """An emitter whose baseband is a fixed periodic waveform, computed once per (rate, n)."""

    def baseband(self, rate_sps: float, n: int) -> ComplexArray:
        key = (rate_sps, n)
        cached = self._cache.get(key)
        if cached is None:
            wave = self._waveform(rate_sps, n)
            wave /= np.sqrt(np.mean(np.abs(wave) ** 2))
            cached = np.fft.fftshift(np.fft.fft(wave))
            if len(self._cache) > 8:
                self._cache.clear()
            self._cache[key] = cached
        return cached

    def _waveform(self, rate_sps: float, n: int) -> ComplexArray:
        raise NotImplementedError

    def spectrum(self, offset_hz: float, rate_sps: float, n: int, rng: np.random.Generator) -> ComplexArray:
        shift = round(offset_hz * n / rate_sps)
        return place(self.baseband(rate_sps, n), shift) * np.exp(2j * np.pi * rng.random())


class _FmEmitter(_PeriodicWaveform):
    audio_band_hz: ClassVar[tuple[float, float]] = (300.0, 3000.0)
    pilot_hz: ClassVar[float] = 0.0
    loudness: ClassVar[float] = 0.3  # rms of the audio as a share of the peak deviation

    def half_width_hz(self) -> float:
        return self.spec.param("deviation_hz") + self.audio_band_hz[1] + self.pilot_hz

    def _waveform(self, rate_sps: float, n: int) -> ComplexArray:
        rng = _seed(self.spec, self.seed, 1)
        spectrum = np.zeros(n // 2 + 1, dtype=np.complex128)
        freqs = np.fft.rfftfreq(n, 1.0 / rate_sps)
        band = (freqs >= self.audio_band_hz[0]) & (freqs <= min(self.audio_band_hz[1], rate_sps / 2))
        band[0] = False
        spectrum[band] = np.exp(2j * np.pi * rng.random(int(band.sum())))
        audio = np.fft.irfft(spectrum, n)
        rms = float(np.sqrt(np.mean(audio**2))) or 1.0
        message = np.clip(audio * (self.loudness / rms), -1.0, 1.0)
        message -= message.mean()  # no net frequency offset: the phase closes over the period
        pilot_share = self.spec.params.get("pilot", 0.0) if self.pilot_hz else 0.0
        if pilot_share:
            k = round(self.pilot_hz * n / rate_sps)
            message = (1 - pilot_share) * message + pilot_share * np.cos(2 * np.pi * k * np.arange(n) / n)
        phase = 2 * np.pi * np.cumsum(self.spec.param("deviation_hz") * message) / rate_sps
        return np.exp(1j * phase)


class FmBroadcast(_FmEmitter):
    """A broadcast FM station: ±75 kHz deviation of 30 Hz–15 kHz audio with the 19 kHz stereo pilot."""

    kind = "fm_broadcast"
    audio_band_hz = (30.0, 15e3)
    pilot_hz = 19e3
    loudness = 0.45


class WirelessMic(_FmEmitter):
    """A UHF wireless microphone: wideband FM of speech, about ±50 kHz peak deviation, continuous."""

    kind = "wireless_mic"
    audio_band_hz = (80.0, 8e3)


class FmBug(_FmEmitter):
    """A room bug on the FM broadcast band: wideband FM carrying room audio, continuous."""

    kind = "fm_bug"
    audio_band_hz = (50.0, 8e3)


class WalkieTalkie(_FmEmitter):
    """A narrow-FM walkie-talkie (12.5 kHz channel, ±2.5 kHz) keyed on and off (push-to-talk)."""

    kind = "walkie_talkie"
    audio_band_hz = (300.0, 3000.0)


class _NoiseLike(Emitter):
    """A wideband digital signal seen as noise shaped to its occupied band."""

    def psd(self, f_rel_hz: FloatArray) -> FloatArray:
        raise NotImplementedError

    def psd_integral_hz(self) -> float:
        raise NotImplementedError

    def spectrum(self, offset_hz: float, rate_sps: float, n: int, rng: np.random.Generator) -> ComplexArray:
        out = np.zeros(n, dtype=np.complex128)
        f_rel = bin_freqs(rate_sps, n) - offset_hz
        inside = np.abs(f_rel) <= self.half_width_hz()
        count = int(inside.sum())
        if count == 0:
            return out
        weight = self.psd(f_rel[inside]) / (self.psd_integral_hz() / (rate_sps / n))
        noise = rng.standard_normal(count) + 1j * rng.standard_normal(count)
        out[inside] = n * np.sqrt(weight / 2) * noise
        return out


class _FlatBand(_NoiseLike):
    """Flat over ``occupied_hz`` with raised-cosine edges (integral equals the occupied width)."""

    roll: ClassVar[float] = 0.03

    def occupied_hz(self) -> float:
        raise NotImplementedError

    def half_width_hz(self) -> float:
        return self.occupied_hz() / 2 * (1 + self.roll)

    def psd(self, f_rel_hz: FloatArray) -> FloatArray:
        b = self.occupied_hz() / 2
        inner = b * (1 - self.roll)
        a = np.abs(f_rel_hz)
        edge = 0.5 * (1 + np.cos(np.pi * np.clip(a - inner, 0, None) / (2 * b * self.roll)))
        return np.where(a <= inner, 1.0, np.where(a <= b * (1 + self.roll), edge, 0.0))

    def psd_integral_hz(self) -> float:
        return self.occupied_hz()


class _Gaussian(_NoiseLike):
    """A GMSK-like bell: -3 dB at about ±bandwidth/2.5, cut at ±bandwidth."""

    def sigma_hz(self) -> float:
        return self.spec.param("bandwidth_hz") / 2.9

    def half_width_hz(self) -> float:
        return 3.0 * self.sigma_hz()

    def psd(self, f_rel_hz: FloatArray) -> FloatArray:
        return np.exp(-0.5 * (f_rel_hz / self.sigma_hz()) ** 2)

    def psd_integral_hz(self) -> float:
        return self.sigma_hz() * math.sqrt(2 * math.pi) * math.erf(3.0 / math.sqrt(2))


class Dtv(_FlatBand):
    """A digital TV channel (DTMB, 8 MHz raster): flat, OFDM-like, about 7.56 MHz wide."""

    kind = "dtv"
    roll = 0.01

    def occupied_hz(self) -> float:
        return self.spec.param("bandwidth_hz")


class CellularDownlink(_NoiseLike):
    """A base-station carrier: GSM (bandwidth ≤ 300 kHz, GMSK bell) or LTE (flat, 90 % occupied)."""

    kind = "cellular_downlink"

    def __init__(self, spec: EmitterSpec, seed: int) -> None:
        super().__init__(spec, seed)
        bw = spec.param("bandwidth_hz")
        self._shape: _NoiseLike = _Gaussian(spec, seed) if bw <= 300e3 else _LteShape(spec, seed, 0.9 * bw)

    def half_width_hz(self) -> float:
        return self._shape.half_width_hz()

    def psd(self, f_rel_hz: FloatArray) -> FloatArray:
        return self._shape.psd(f_rel_hz)

    def psd_integral_hz(self) -> float:
        return self._shape.psd_integral_hz()


class _LteShape(_FlatBand):
    roll = 0.02

    def __init__(self, spec: EmitterSpec, seed: int, occupied_hz: float) -> None:
        super().__init__(spec, seed)
        self._occupied = occupied_hz

    def occupied_hz(self) -> float:
        return self._occupied


class LteUplink(_FlatBand):
    """A handset's LTE uplink: SC-FDMA-like flat block, sent in 1 ms subframes at a duty cycle."""

    kind = "lte_uplink"
    bursty = True
    roll = 0.02

    def occupied_hz(self) -> float:
        bw = self.spec.param("bandwidth_hz")
        return _LTE_OCCUPIED.get(bw, 0.9 * bw)

    def _bursts(self, t0_s: float, t1_s: float) -> Spans:
        first = math.floor(t0_s / LTE_SUBFRAME_S)
        last = math.ceil(t1_s / LTE_SUBFRAME_S)
        idx = np.arange(first, last, dtype=np.uint64)
        on = _hash_unit(idx, self.seed, int(self.spec.freq_hz)) < self.spec.param("duty")
        starts = idx[on].astype(np.float64) * LTE_SUBFRAME_S
        return starts, starts + LTE_SUBFRAME_S


def _hash_unit(idx: npt.NDArray[np.uint64], seed: int, salt: int) -> FloatArray:
    """A deterministic uniform [0, 1) per index (splitmix64)."""
    with np.errstate(over="ignore"):
        z = idx + np.uint64((seed * 0x9E3779B97F4A7C15 + salt) % 2**64)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(2**53)


class GsmUplink(_PeriodicWaveform):
    """A GSM handset in a call: GMSK bursts of 577 µs, one timeslot in every 4.615 ms frame."""

    kind = "gsm_uplink"
    bursty = True

    def half_width_hz(self) -> float:
        return 200e3

    def _waveform(self, rate_sps: float, n: int) -> ComplexArray:
        return gmsk(n, rate_sps, _seed(self.spec, self.seed, 2))

    def _bursts(self, t0_s: float, t1_s: float) -> Spans:
        offset = self.spec.param("timeslot") * GSM_SLOT_S
        first = math.floor((t0_s - offset) / GSM_FRAME_S) - 1
        last = math.ceil((t1_s - offset) / GSM_FRAME_S)
        starts = np.arange(first, last + 1, dtype=np.float64) * GSM_FRAME_S + offset
        return starts, starts + GSM_SLOT_S


def gmsk(n: int, rate_sps: float, rng: np.random.Generator, bt: float = 0.3) -> ComplexArray:
    """A periodic GMSK waveform of ``n`` samples (random bits, BT = 0.3)."""
    symbols = max(4, round(n * GSM_SYMBOL_RATE / rate_sps))
    symbols += symbols % 2  # an even count, so the phase can close
    bits = rng.choice(np.array([-1.0, 1.0]), size=symbols)
    if int(bits.sum()) % 4:  # total ±π/2 steps must be ≡ 0 (mod 4): flip one bit
        bits[0] = -bits[0]
    impulses = np.zeros(n)
    positions = (np.arange(symbols) * (n / symbols)).astype(np.int64) % n
    np.add.at(impulses, positions, bits)
    f = np.fft.fftfreq(n, 1.0 / rate_sps)
    t_sym = 1.0 / GSM_SYMBOL_RATE
    sigma_s = math.sqrt(math.log(2)) / (2 * math.pi * bt / t_sym)
    shape = np.exp(-0.5 * (2 * math.pi * f * sigma_s) ** 2) * np.sinc(f * t_sym)
    freq = np.fft.ifft(np.fft.fft(impulses) * shape).real
    phase = np.cumsum(freq) * (math.pi / 2)
    return np.exp(1j * phase)


class IsmOok(Emitter):
    """A 433 MHz remote or sensor: on-off keyed EV1527-style pulse trains.

    One transmission is ``repeats`` copies of a frame: a sync (1 short pulse then 31 short gaps)
    and ``bits`` data bits (0: 1 short on, 3 off; 1: 3 on, 1 off). A transmission starts every
    ``interval_s`` seconds.
    """

    kind = "ism_ook"
    bursty = True

    def __init__(self, spec: EmitterSpec, seed: int) -> None:
        super().__init__(spec, seed)
        short = spec.param("short_us") * 1e-6
        nbits = int(spec.param("bits"))
        code = int(spec.param("code"))
        if code < 0:
            code = int(_seed(spec, seed, 3).integers(0, 2**nbits))
        starts: list[float] = []
        stops: list[float] = []
        t = 0.0
        for _ in range(int(spec.param("repeats"))):
            starts.append(t)
            stops.append(t + short)
            t += 32 * short
            for i in range(nbits - 1, -1, -1):
                high = 3 if (code >> i) & 1 else 1
                starts.append(t)
                stops.append(t + high * short)
                t += 4 * short
        self.code = code
        self._rel_starts = np.array(starts)
        self._rel_stops = np.array(stops)
        self.transmission_s = t
        self._interval = max(spec.param("interval_s"), t + 10 * short)
        self._phase = 0.1 * self._interval

    def half_width_hz(self) -> float:
        return 5e3

    def spectrum(self, offset_hz: float, rate_sps: float, n: int, rng: np.random.Generator) -> ComplexArray:
        out = np.zeros(n, dtype=np.complex128)
        k = round(offset_hz * n / rate_sps) + n // 2
        if 0 <= k < n:
            out[k] = n * np.exp(2j * np.pi * rng.random())
        return out

    def _bursts(self, t0_s: float, t1_s: float) -> Spans:
        first = max(0, math.floor((t0_s - self._phase - self.transmission_s) / self._interval))
        last = math.floor((t1_s - self._phase) / self._interval)
        if last < first:
            return np.empty(0), np.empty(0)
        bases = self._phase + np.arange(first, last + 1, dtype=np.float64) * self._interval
        starts = (bases[:, None] + self._rel_starts[None, :]).ravel()
        stops = (bases[:, None] + self._rel_stops[None, :]).ravel()
        keep = (stops > t0_s) & (starts < t1_s)
        return starts[keep], stops[keep]


KIND_CLASSES: dict[str, type[Emitter]] = {
    cls.kind: cls
    for cls in (FmBroadcast, CellularDownlink, Dtv, WirelessMic, GsmUplink, LteUplink, WalkieTalkie, IsmOok, FmBug)
}


def make_emitter(spec: EmitterSpec, seed: int) -> Emitter:
    return KIND_CLASSES[spec.kind](spec, seed)
