"""The level meter's tone generator (issue 7), a pure function: the pitch of the produced
int16 PCM (measured with an FFT) follows the level; the phase runs on across pieces and the
pitch glides, so no piece boundary clicks, whatever the piece sizes and level jumps."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from meetkit.gui.sweep_meter import (
    BAR_SPAN_DB,
    FADE_S,
    TONE_AMPLITUDE,
    TONE_HIGH_HZ,
    TONE_LOW_HZ,
    TONE_RATE,
    ToneState,
    tone_piece,
    tone_pitch_hz,
)

# the largest step a sine of this amplitude takes between two samples at the highest pitch
MAX_STEP = TONE_AMPLITUDE * 2 * np.pi * TONE_HIGH_HZ / TONE_RATE


def peak_hz(samples: np.ndarray, rate_hz: int = TONE_RATE) -> float:
    """The strongest frequency, refined between FFT bins (parabolic on the log magnitude)."""
    x = samples.astype(np.float64) * np.hanning(len(samples))
    mag = np.abs(np.fft.rfft(x, 8 * len(x))) + 1e-9
    i = int(np.argmax(mag[1:-1])) + 1
    a, b, c = np.log(mag[i - 1 : i + 2])
    return (i + 0.5 * (a - c) / (a - 2 * b + c)) * rate_hz / (8 * len(x))


def stream(pieces: list[tuple[float, int]], gain: float = 1.0) -> tuple[np.ndarray, list[int]]:
    """Pieces of (level, n_samples) played one after another; the stream and where each piece starts."""
    state = ToneState()
    out, starts, at = [], [], 0
    for above_db, n in pieces:
        samples, state = tone_piece(state, above_db, n, gain=gain)
        assert samples.dtype == np.dtype("<i2") and len(samples) == n
        out.append(samples)
        starts.append(at)
        at += n
    return np.concatenate(out), starts


def test_pitch_follows_the_level():
    half_s = TONE_RATE // 2
    measured = {}
    for above_db in (0.0, 10.0, 25.0, 40.0, BAR_SPAN_DB):
        samples, state = tone_piece(ToneState(), above_db, half_s)
        measured[above_db] = peak_hz(samples[int(FADE_S * TONE_RATE):])
        expected = TONE_LOW_HZ + (TONE_HIGH_HZ - TONE_LOW_HZ) * above_db / BAR_SPAN_DB
        assert abs(measured[above_db] - expected) < 2.0, (above_db, measured[above_db], expected)
        assert state.pitch_hz == expected
        assert np.abs(samples).max() <= TONE_AMPLITUDE
    assert list(measured.values()) == sorted(measured.values())  # louder is higher
    # outside the bar's span the pitch stays at its ends; an undefined level is the floor
    assert tone_pitch_hz(-12.0) == TONE_LOW_HZ and tone_pitch_hz(80.0) == TONE_HIGH_HZ
    assert tone_pitch_hz(float("nan")) == TONE_LOW_HZ


def test_two_levels_in_one_stream_are_two_pitches():
    x, starts = stream([(10.0, 2205)] * 5 + [(40.0, 2205)] * 5)
    assert abs(peak_hz(x[2205:starts[5]]) - 600.0) < 3.0
    assert abs(peak_hz(x[starts[6]:]) - 1500.0) < 3.0  # the first piece at 40 dB is the glide


def test_phase_runs_on_across_pieces_no_click():
    # ragged pieces (a timer never fills the same number of samples twice) and level jumps
    rng = np.random.default_rng(7)
    pieces = [(float(rng.choice([0.0, 5.0, 49.0, 20.0, 50.0])), int(rng.integers(1, 1500))) for _ in range(200)]
    x, starts = stream(pieces)
    jumps = np.abs(np.diff(x.astype(np.int32)))
    for (before_db, _), (after_db, _), at in zip(pieces, pieces[1:], starts[1:]):
        # across a boundary the tone leaves the previous pitch towards the next: no faster
        step = TONE_AMPLITUDE * 2 * np.pi * max(tone_pitch_hz(before_db), tone_pitch_hz(after_db)) / TONE_RATE
        assert jumps[at - 1] <= step + 2, (at, jumps[at - 1], step)
    assert jumps.max() <= MAX_STEP + 2
    # the same pitch played in one piece or in many is the same signal
    one, _ = stream([(25.0, 6000)])
    many, _ = stream([(25.0, 1000)] * 6)
    assert np.abs(one.astype(np.int32) - many).max() <= 1


def test_restarting_the_phase_would_click():
    """The check above can fail: pieces that each start at phase 0 jump at the boundaries."""
    whole, _ = tone_piece(ToneState(gain=1.0), 10.0, 400)
    n = int(np.argmax(whole)) + 1  # a piece that ends on the crest of the wave
    a, _ = tone_piece(ToneState(gain=1.0), 10.0, n)
    b, _ = tone_piece(ToneState(gain=1.0), 10.0, n)
    joined = np.concatenate([a, b]).astype(np.int32)
    assert np.abs(np.diff(joined)).max() > MAX_STEP


def test_fade_in_and_out():
    x, state = tone_piece(ToneState(), 30.0, 2000)
    assert abs(int(x[0])) < TONE_AMPLITUDE * 0.01  # starts from silence
    assert state.gain == 1.0
    y, state = tone_piece(state, 30.0, 2000, gain=0.0)
    assert state.gain == 0.0 and np.all(y[int(FADE_S * TONE_RATE) + 1:] == 0)  # ends in silence
    jumps = np.abs(np.diff(np.concatenate([x, y]).astype(np.int32)))
    assert jumps.max() <= MAX_STEP + 2
    empty, same = tone_piece(state, 30.0, 0)
    assert len(empty) == 0 and same == state


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-100, 200, allow_nan=False), st.integers(1, 4000)), min_size=2, max_size=12))
def test_any_sequence_of_pieces_is_continuous(pieces):
    x, _ = stream(pieces)
    assert np.abs(np.diff(x.astype(np.int32))).max() <= MAX_STEP + 2
    assert np.abs(x).max() <= TONE_AMPLITUDE
