"""Venue simulator: an rtl_tcp server that synthesizes what an RTL-SDR would hear in a room.

``load_scenario(path)`` reads a scenario (noise floor, tuner artifacts, emitters);
``SimulatorServer(scenario, ...)`` serves it over the osmocom rtl_tcp protocol;
``Synthesizer`` makes the samples. See ``docs/sweep-simulator.md``.
"""

from __future__ import annotations

from meetkit.sweep.simulator.scenario import (
    EmitterSpec,
    Scenario,
    Schedule,
    TunerSpec,
    find_scenario,
    load_scenario,
)
from meetkit.sweep.simulator.server import SimulatorServer
from meetkit.sweep.simulator.synth import Synthesizer

__all__ = [
    "EmitterSpec",
    "Scenario",
    "Schedule",
    "SimulatorServer",
    "Synthesizer",
    "TunerSpec",
    "find_scenario",
    "load_scenario",
]
