"""Venue scenarios for the rtl_tcp simulator: what a simulated dongle hears, loaded from JSON.

A scenario is a noise floor, the tuner's artifacts and a list of emitters. Every field is
checked on load; a bad file raises :class:`MeetkitError` (``INVALID_INPUT``) naming the file
and the field (``emitters[2].level_dbfs: expected a number``). The format is documented in
``docs/sweep-simulator.md``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from meetkit.errors import ErrorCode, MeetkitError

KINDS = (
    "fm_broadcast",
    "cellular_downlink",
    "dtv",
    "wireless_mic",
    "gsm_uplink",
    "lte_uplink",
    "walkie_talkie",
    "ism_ook",
    "fm_bug",
)
WHERE = ("ambient", "room")

# Kind-specific parameters: name -> (default, lower bound, upper bound). Bounds are inclusive;
# None means unbounded. Integers are marked by an int default.
_P = tuple[float | int, float | None, float | None]
KIND_PARAMS: dict[str, dict[str, _P]] = {
    "fm_broadcast": {"deviation_hz": (75e3, 1e3, 150e3), "pilot": (0.1, 0.0, 0.5)},
    "cellular_downlink": {"bandwidth_hz": (200e3, 10e3, 20e6)},
    "dtv": {"bandwidth_hz": (7.56e6, 1e6, 10e6)},
    "wireless_mic": {"deviation_hz": (50e3, 1e3, 150e3)},
    "gsm_uplink": {"timeslot": (0, 0, 7)},
    "lte_uplink": {"bandwidth_hz": (5e6, 1.4e6, 10e6), "duty": (0.3, 0.0, 1.0)},
    "walkie_talkie": {"deviation_hz": (2.5e3, 500.0, 5e3)},
    "ism_ook": {
        "short_us": (350.0, 50.0, 5000.0),
        "bits": (24, 1, 64),
        "code": (-1, -1, None),  # -1: a code derived from the seed
        "repeats": (6, 1, 50),
        "interval_s": (1.0, 0.02, 3600.0),
    },
    "fm_bug": {"deviation_hz": (75e3, 1e3, 150e3)},
}
# Default on/off schedule per kind (push-to-talk for walkie-talkies); None: always on.
DEFAULT_SCHEDULES: dict[str, tuple[float, float, float] | None] = {"walkie_talkie": (3.0, 5.0, 1.0)}

_TOP_KEYS = {"name", "description", "seed", "noise_floor_dbfs", "nominal_gain_db", "tuner", "emitters"}
_EMITTER_KEYS = {"kind", "name", "freq_hz", "level_dbfs", "where", "schedule", "params"}
_SCHEDULE_KEYS = {"on_s", "off_s", "start_s"}


@dataclass(frozen=True)
class TunerSpec:
    """The simulated R820T dongle's imperfections."""

    dc_spike_dbfs: float = -40.0  # constant offset at the tuned centre
    crystal_hz: float = 28.8e6  # reference crystal; its harmonics show as spurs
    crystal_harmonic_dbfs: float = -55.0  # level of each harmonic inside the band
    rolloff_start: float = 0.75  # share of the half-band that is flat
    rolloff_edge_db: float = 10.0  # attenuation at the band edge
    ppm_error: float = 0.0  # the simulated crystal's frequency error
    settle_s: float = 0.002  # garbage after a retune
    min_hz: float = 24e6  # tuning range; outside it the dongle gives noise only
    max_hz: float = 1766e6


@dataclass(frozen=True)
class Schedule:
    """On for ``on_s``, off for ``off_s``, repeating; the first on period starts at ``start_s``."""

    on_s: float
    off_s: float
    start_s: float = 0.0

    def is_on(self, t_s: float) -> bool:
        if t_s < self.start_s:
            return False
        return self.off_s <= 0 or (t_s - self.start_s) % (self.on_s + self.off_s) < self.on_s

    def on_intervals(self, t0_s: float, t1_s: float) -> list[tuple[float, float]]:
        """The on periods overlapping [t0_s, t1_s), clipped to it."""
        period = self.on_s + self.off_s
        out: list[tuple[float, float]] = []
        if t1_s <= self.start_s:
            return out
        if self.off_s <= 0:  # never off once started
            return [(max(self.start_s, t0_s), t1_s)]
        k = max(0, math.floor((t0_s - self.start_s) / period))
        while True:
            a = self.start_s + k * period
            if a >= t1_s:
                break
            b = a + self.on_s
            if b > t0_s:
                out.append((max(a, t0_s), min(b, t1_s)))
            k += 1
        return out


@dataclass(frozen=True)
class EmitterSpec:
    kind: str
    name: str
    freq_hz: float
    level_dbfs: float  # mean power while on, relative to a full-scale complex sine (0 dBFS)
    where: str  # "ambient" (also heard outside the room) or "room"
    schedule: Schedule | None = None  # None: always on
    params: dict[str, float] = field(default_factory=dict)

    def param(self, key: str) -> float:
        return self.params[key]


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str = ""
    seed: int = 1
    noise_floor_dbfs: float = -33.0  # total noise power over the sampled band at nominal gain
    nominal_gain_db: float = 40.2  # the gain at which levels are given (also "auto")
    tuner: TunerSpec = field(default_factory=TunerSpec)
    emitters: tuple[EmitterSpec, ...] = ()

    def outside(self) -> Scenario:
        """The baseline position: the same venue without the in-room emitters."""
        return replace(self, emitters=tuple(e for e in self.emitters if e.where != "room"))


class _Ctx:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, en: str, zh: str) -> MeetkitError:
        prefix = f"{self.source}: {where}: " if where else f"{self.source}: "
        return MeetkitError(ErrorCode.INVALID_INPUT, prefix + en, prefix + zh, field=where)

    def number(self, obj: dict[str, Any], key: str, where: str, default: float | None = None,
               lo: float | None = None, hi: float | None = None) -> float:
        path = f"{where}.{key}" if where else key
        if key not in obj:
            if default is None:
                raise self.fail(path, "missing (required)", "缺少该字段（必填）")
            return default
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.fail(path, f"expected a number, got {value!r}", f"应为数字，实际为 {value!r}")
        if lo is not None and value < lo:
            raise self.fail(path, f"{value} is below the minimum {lo}", f"{value} 小于最小值 {lo}")
        if hi is not None and value > hi:
            raise self.fail(path, f"{value} is above the maximum {hi}", f"{value} 大于最大值 {hi}")
        return float(value)

    def text(self, obj: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
        path = f"{where}.{key}" if where else key
        if key not in obj:
            if default is None:
                raise self.fail(path, "missing (required)", "缺少该字段（必填）")
            return default
        value = obj[key]
        if not isinstance(value, str):
            raise self.fail(path, f"expected text, got {value!r}", f"应为文本，实际为 {value!r}")
        return value

    def obj(self, value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "expected an object {...}", "应为对象 {...}")
        unknown = sorted(set(value) - allowed)
        if unknown:
            path = f"{where}.{unknown[0]}" if where else unknown[0]
            raise self.fail(path, f"unknown field (allowed: {', '.join(sorted(allowed))})",
                            f"未知字段（允许：{', '.join(sorted(allowed))}）")
        return value


def parse_scenario(data: Any, source: str = "scenario") -> Scenario:
    """Build a :class:`Scenario` from decoded JSON, checking every field."""
    ctx = _Ctx(source)
    top = ctx.obj(data, "", _TOP_KEYS)
    tuner_obj = ctx.obj(top.get("tuner", {}), "tuner", set(TunerSpec.__dataclass_fields__))
    d = TunerSpec()
    tuner = TunerSpec(
        dc_spike_dbfs=ctx.number(tuner_obj, "dc_spike_dbfs", "tuner", d.dc_spike_dbfs, -120, 0),
        crystal_hz=ctx.number(tuner_obj, "crystal_hz", "tuner", d.crystal_hz, 1e6, 100e6),
        crystal_harmonic_dbfs=ctx.number(tuner_obj, "crystal_harmonic_dbfs", "tuner", d.crystal_harmonic_dbfs, -120, 0),
        rolloff_start=ctx.number(tuner_obj, "rolloff_start", "tuner", d.rolloff_start, 0.1, 1.0),
        rolloff_edge_db=ctx.number(tuner_obj, "rolloff_edge_db", "tuner", d.rolloff_edge_db, 0, 60),
        ppm_error=ctx.number(tuner_obj, "ppm_error", "tuner", d.ppm_error, -200, 200),
        settle_s=ctx.number(tuner_obj, "settle_s", "tuner", d.settle_s, 0, 0.1),
        min_hz=ctx.number(tuner_obj, "min_hz", "tuner", d.min_hz, 0, 10e9),
        max_hz=ctx.number(tuner_obj, "max_hz", "tuner", d.max_hz, 0, 10e9),
    )
    if tuner.max_hz <= tuner.min_hz:
        raise ctx.fail("tuner.max_hz", "must be above tuner.min_hz", "必须大于 tuner.min_hz")
    emitters_raw = top.get("emitters", [])
    if not isinstance(emitters_raw, list):
        raise ctx.fail("emitters", "expected a list [...]", "应为列表 [...]")
    seed = ctx.number(top, "seed", "", 1, 0, 2**32 - 1)
    if seed != int(seed):
        raise ctx.fail("seed", "expected a whole number", "应为整数")
    return Scenario(
        name=ctx.text(top, "name", ""),
        description=ctx.text(top, "description", "", ""),
        seed=int(seed),
        noise_floor_dbfs=ctx.number(top, "noise_floor_dbfs", "", -33.0, -90, 0),
        nominal_gain_db=ctx.number(top, "nominal_gain_db", "", 40.2, 0, 60),
        tuner=tuner,
        emitters=tuple(_parse_emitter(ctx, raw, f"emitters[{i}]") for i, raw in enumerate(emitters_raw)),
    )


def _parse_emitter(ctx: _Ctx, raw: Any, where: str) -> EmitterSpec:
    obj = ctx.obj(raw, where, _EMITTER_KEYS)
    kind = ctx.text(obj, "kind", where)
    if kind not in KINDS:
        raise ctx.fail(f"{where}.kind", f"unknown kind {kind!r} (known: {', '.join(KINDS)})",
                       f"未知类型 {kind!r}（可用：{', '.join(KINDS)}）")
    freq_hz = ctx.number(obj, "freq_hz", where, None, 1e3, 10e9)
    level = ctx.number(obj, "level_dbfs", where, None, -150, 10)
    placement = ctx.text(obj, "where", where)
    if placement not in WHERE:
        raise ctx.fail(f"{where}.where", f"expected \"ambient\" or \"room\", got {placement!r}",
                       f"应为 \"ambient\" 或 \"room\"，实际为 {placement!r}")
    schedule: Schedule | None = None
    default_schedule = DEFAULT_SCHEDULES.get(kind)
    if "schedule" in obj and obj["schedule"] is not None:
        s_where = f"{where}.schedule"
        s_obj = ctx.obj(obj["schedule"], s_where, _SCHEDULE_KEYS)
        schedule = Schedule(
            on_s=ctx.number(s_obj, "on_s", s_where, None, 1e-3, 1e6),
            off_s=ctx.number(s_obj, "off_s", s_where, None, 0, 1e6),
            start_s=ctx.number(s_obj, "start_s", s_where, 0.0, 0, 1e6),
        )
    elif default_schedule is not None and "schedule" not in obj:
        schedule = Schedule(*default_schedule)
    spec_params = KIND_PARAMS[kind]
    p_where = f"{where}.params"
    p_obj = ctx.obj(obj.get("params", {}), p_where, set(spec_params))
    params: dict[str, float] = {}
    for key, (default, lo, hi) in spec_params.items():
        value = ctx.number(p_obj, key, p_where, float(default), lo, hi)
        if isinstance(default, int) and value != int(value):
            raise ctx.fail(f"{p_where}.{key}", "expected a whole number", "应为整数")
        params[key] = value
    name = ctx.text(obj, "name", where, f"{kind} {freq_hz / 1e6:.4f} MHz")
    return EmitterSpec(kind=kind, name=name, freq_hz=freq_hz, level_dbfs=level, where=placement,
                       schedule=schedule, params=params)


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise MeetkitError(ErrorCode.INVALID_INPUT, f"scenario file not found: {p}", f"找不到场景文件：{p}") from err
    except (OSError, UnicodeDecodeError) as err:
        raise MeetkitError(ErrorCode.INVALID_INPUT, f"cannot read scenario {p}: {err}", f"无法读取场景文件 {p}：{err}") from err
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise MeetkitError(
            ErrorCode.INVALID_INPUT,
            f"{p.name}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})",
            f"{p.name}：不是有效的 JSON（第 {err.lineno} 行第 {err.colno} 列：{err.msg}）",
        ) from err
    return parse_scenario(data, p.name)


def scenario_dirs() -> list[Path]:
    """Where named scenarios are looked for: the working directory's and the kit's recordings."""
    here = Path(__file__).resolve()
    dirs = [Path.cwd() / "recordings" / "scenarios", here.parents[3] / "recordings" / "scenarios",
            here.parent / "scenarios"]
    unique: list[Path] = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


def find_scenario(name_or_path: str) -> Path:
    """A scenario given as a path, or by name (``mic-and-phone``) from the shipped scenarios."""
    p = Path(name_or_path)
    if p.is_file():
        return p
    if len(p.parts) == 1:
        stem = p.stem if p.suffix == ".json" else name_or_path
        for d in scenario_dirs():
            candidate = d / f"{stem}.json"
            if candidate.is_file():
                return candidate
        known = sorted({c.stem for d in scenario_dirs() if d.is_dir() for c in d.glob("*.json")})
        raise MeetkitError(
            ErrorCode.INVALID_INPUT,
            f"no scenario named {name_or_path!r} (known: {', '.join(known) or 'none'})",
            f"没有名为 {name_or_path!r} 的场景（可用：{', '.join(known) or '无'}）",
        )
    raise MeetkitError(ErrorCode.INVALID_INPUT, f"scenario file not found: {p}", f"找不到场景文件：{p}")
