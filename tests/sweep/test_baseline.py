from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from meetkit.errors import MeetkitError
from meetkit.sweep.analysis.baseline import (
    Baseline,
    FriendlyEmitter,
    compare,
    load_friendly,
)
from meetkit.sweep.analysis.signals import find_signals
from meetkit.sweep.analysis.trace import SweepAnalyzer, Trace

from ._analysis_util import block, fm, hops, noise

NB = 1e-4 * 1.5 / 1024


def _trace(emitters: dict[float, float], *, seed: int, span: tuple[float, float] = (640e6, 650e6)) -> Trace:
    """A one-pass sweep with continuous FM emitters {freq: power per bin over the floor}."""
    rng = np.random.default_rng(seed)
    analyzer = SweepAnalyzer()
    for i, (c, lo, hi) in enumerate(hops(*span)):
        x = noise(32768, 1e-4, rng)
        for f, snr in emitters.items():
            if lo <= f < hi:
                x = x + fm(32768, f - c, snr * NB * 40, 40e3, 1.3e3)
        analyzer.add_block(block(x, c, hop=i, keep=(lo, hi)))
    return analyzer.trace()


def _statuses(room: Trace, base: Baseline | None, friendly=None) -> dict[float, str]:
    out = {}
    for s in find_signals(room).signals:
        out[round(s.freq_hz / 1e5) / 10] = compare(s, base, friendly).status
    return out


def test_new_ambient_and_stronger() -> None:
    base = Baseline.from_trace(_trace({641.3e6: 100, 643.7e6: 100}, seed=1), "outside")
    room = _trace({641.3e6: 100, 643.7e6: 800, 647.9e6: 100}, seed=2)
    got = _statuses(room, base)
    assert got == {641.3: "ambient", 643.7: "stronger", 647.9: "new"}


def test_a_small_rise_stays_ambient() -> None:
    base = Baseline.from_trace(_trace({641.3e6: 100}, seed=3), "outside")
    room = _trace({641.3e6: 300}, seed=4)  # +4.8 dB: under the 6 dB rule
    assert _statuses(room, base) == {641.3: "ambient"}


def test_without_a_baseline_or_outside_its_coverage_everything_is_new() -> None:
    room = _trace({641.3e6: 100}, seed=5)
    assert _statuses(room, None) == {641.3: "new"}
    elsewhere = Baseline.from_trace(_trace({}, seed=6, span=(600e6, 603e6)), "elsewhere")
    (s,) = find_signals(room).signals
    cmp = compare(s, elsewhere)
    assert cmp.status == "new" and "did not cover" in cmp.reasons[0].en


def test_friendly_list_wins_within_its_tolerance() -> None:
    room = _trace({641.3e6: 100, 647.9e6: 100}, seed=7)
    friendly = [FriendlyEmitter(641.31e6, "house radio link")]
    got = _statuses(room, None, friendly)
    assert got == {641.3: "friendly", 647.9: "new"}


def test_friendly_list_file(tmp_path: Path) -> None:
    path = tmp_path / "friendly.json"
    path.write_text(json.dumps([{"freq_hz": 641.3e6, "name": "PA link", "tolerance_hz": 10000}]), encoding="utf-8")
    (item,) = load_friendly(path)
    assert item.name == "PA link" and item.tolerance_hz == 10000
    path.write_text("[{\"name\": 1}]", encoding="utf-8")
    with pytest.raises(MeetkitError):
        load_friendly(path)
