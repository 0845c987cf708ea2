"""A narrowband emitter right at a hop's tuned centre is hidden by the DC interpolation in that
pass; odd passes tune a little off the centre, so a sweep of two passes finds it (and does not call
it DC residue)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from meetkit.clock import FixedClock
from meetkit.sweep.hopplan import plan_profile, plan_span
from meetkit.sweep.pipeline import run_sweep
from meetkit.sweep.profiles import Band, Profile
from meetkit.sweep.simulator import SimulatorServer, load_scenario

CLOCK = FixedClock(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC))
ONE_HOP = Profile("one-hop", "one hop", "单跳", (Band("walkie", "对讲机", 408.9e6, 410.7e6, "radio", "test"),))


def test_odd_passes_tune_off_the_centre_by_whole_fft_bins() -> None:
    plan = plan_span(400e6, 420e6, passes=3)
    hop = plan.hops[0]
    assert plan.centre_for_pass(hop, 0) == plan.centre_for_pass(hop, 2) == hop.centre_hz
    shift = plan.centre_for_pass(hop, 1) - hop.centre_hz
    assert shift == plan.pass_shift_hz == 37_500.0
    assert (shift * 1024 / plan.rate_sps).is_integer()
    # the shifted hop still holds its kept part inside the tuned band
    assert hop.keep_hi_hz + 0 < plan.centre_for_pass(hop, 1) + plan.rate_sps / 2
    assert plan_span(400e6, 420e6, crop=0.0).pass_shift_hz == 0.0


def test_an_emitter_at_a_hop_centre_is_found_in_two_passes(tmp_path: Path) -> None:
    plan = plan_profile(ONE_HOP, passes=2)
    (hop,) = plan.hops
    scenario = tmp_path / "centre.json"
    scenario.write_text(json.dumps({
        "name": "centre",
        "emitters": [{"kind": "walkie_talkie", "freq_hz": hop.centre_hz, "level_dbfs": -30.0, "where": "room", "schedule": None}],
    }))
    with SimulatorServer(load_scenario(scenario), seed=2) as server:
        result = run_sweep(f"rtltcp:127.0.0.1:{server.port}", ONE_HOP, 2, None, clock=CLOCK, recheck_artifacts=False)
    at_centre = [f for f in result.doc.findings if abs(f.freq_hz - hop.centre_hz) < 10e3]
    assert at_centre, [(f.freq_hz, f.status) for f in result.doc.findings]
    assert at_centre[0].status == "new" and at_centre[0].kind == "walkie_talkie"
    (segment,) = result.trace.segments
    assert segment.centres_hz == (hop.centre_hz, hop.centre_hz + plan.pass_shift_hz)
