from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetkit.errors import MeetkitError
from meetkit.sweep.analysis.signals import find_signals
from meetkit.sweep.analysis.trace import SweepAnalyzer
from meetkit.sweep.rtlpower_csv import read_csv, write_csv

from ._analysis_util import block, hops, noise, tone


def _trace():
    rng = np.random.default_rng(1)
    analyzer = SweepAnalyzer()
    for i, (c, lo, hi) in enumerate(hops(100e6, 105e6)):
        x = noise(32768, 1e-4, rng)
        if lo <= 102.5e6 < hi:
            x = x + tone(32768, 102.5e6 - c, 1e-4)
        analyzer.add_block(block(x, c, hop=i, keep=(lo, hi)))
    return analyzer.trace()


def test_write_then_read_gives_the_same_trace(tmp_path: Path) -> None:
    trace = _trace()
    path = tmp_path / "trace.csv"
    lines = write_csv(trace, path)
    assert lines == len(trace.segments)
    first = path.read_text(encoding="utf-8").splitlines()[0].split(", ")
    assert first[0] == "2026-11-27" and first[1] == "09:00:00"
    assert int(first[2]) == 100_000_000 and float(first[4]) == pytest.approx(2343.75)
    back = read_csv(path)
    assert back.format == "rtl_power-keenerd" and back.skipped == 0
    assert len(back.trace) == len(trace)
    assert np.allclose(back.trace.freqs_hz, trace.freqs_hz, atol=1.0)
    assert np.allclose(back.trace.mean_dbfs, trace.mean_dbfs, atol=0.01)
    # usable for detection: the tone is found again
    assert any(abs(s.freq_hz - 102.5e6) < 5e3 for s in find_signals(back.trace).signals)


def test_osmocom_duplicate_last_bin_and_repeated_sweeps(tmp_path: Path) -> None:
    path = tmp_path / "osmo.csv"
    path.write_text(
        "2024-01-02, 03:04:05, 88000000, 88004000, 1000.00, 10, -50.00, -40.00, -50.00, -50.00, -50.00\n"
        "2024-01-02, 03:04:06, 88000000, 88004000, 1000.00, 10, -50.00, -60.00, -50.00, -50.00, -50.00\n",
        encoding="utf-8",
    )
    got = read_csv(path)
    assert got.format == "rtl_power-osmocom"
    assert got.sweeps == 2 and len(got.trace) == 4
    assert got.trace.freqs_hz[0] == pytest.approx(88000000.0)
    assert got.trace.max_dbfs[1] == pytest.approx(-40.0, abs=0.01)
    assert got.trace.min_dbfs[1] == pytest.approx(-60.0, abs=0.01)
    assert got.trace.mean_dbfs[1] == pytest.approx(10 * np.log10((1e-4 + 1e-6) / 2), abs=0.01)


def test_hackrf_sweep_lines(tmp_path: Path) -> None:
    path = tmp_path / "hackrf.csv"
    path.write_text(
        "2019-05-01, 12:00:00.123456, 2400000000, 2405000000, 1000000.00, 20, -70.1, -71.2, -69.0, -72.5, -70.0\n"
        "2019-05-01, 12:00:00.123456, 2410000000, 2415000000, 1000000.00, 20, -70.1, -71.2, -69.0, -72.5, -70.0\n",
        encoding="utf-8",
    )
    got = read_csv(path)
    assert got.format == "hackrf_sweep"
    assert got.trace.covered() == [(2399.5e6, 2404.5e6), (2409.5e6, 2414.5e6)]
    assert got.trace.started is not None and got.trace.started.microsecond == 123456


def test_rtl_power_fftw_pairs(tmp_path: Path) -> None:
    path = tmp_path / "fftw.txt"
    rows = "\n".join(f"{100e6 + i * 1000:.0f} {-50.0 + (10 if i == 5 else 0):.2f}" for i in range(20))
    path.write_text("# rtl-power-fftw output\n# Acquisition start: 2024-01-01\n" + rows + "\n\n" + rows + "\n", encoding="utf-8")
    got = read_csv(path)
    assert got.format == "rtl_power_fftw"
    assert got.sweeps == 2 and len(got.trace) == 20
    assert got.trace.mean_dbfs[5] == pytest.approx(-40.0, abs=0.01)


def test_a_bad_line_is_named_or_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "2024-01-02, 03:04:05, 88000000, 88004000, 1000.00, 10, -50.00, -40.00, -50.00, -50.00\n"
        "2024-01-02, 03:04:06, 88004000, 88008000, 1000.00, 10, -50.00, oops, -50.00, -50.00\n"
        "2024-01-02, 03:04:07, 88008000, 88012000, 1000.00, 10, -50.00, -40.00\n",
        encoding="utf-8",
    )
    with pytest.raises(MeetkitError) as err:
        read_csv(path, strict=True)
    assert "line 2" in err.value.en and "第 2 行" in err.value.zh
    got = read_csv(path, strict=False)
    assert got.skipped == 2 and got.lines == 1 and len(got.trace) == 4


def test_a_line_of_binary_junk_is_skipped_not_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "junk.csv"
    good = "2024-01-02, 03:04:05, 88000000, 88004000, 1000.00, 10, -50.00, -40.00, -50.00, -50.00\n"
    path.write_bytes(good.encode() + b"\x00\x01\xff\xfe binary \x80\n" + good.replace("88000000, 88004000", "88004000, 88008000").encode())
    got = read_csv(path, strict=False)
    assert got.skipped == 1 and got.lines == 2 and len(got.trace) == 8
    with pytest.raises(MeetkitError) as err:
        read_csv(path, strict=True)
    assert "line 2" in err.value.en and "not text" in err.value.en and "第 2 行" in err.value.zh


@pytest.mark.parametrize("value", ["1e300", "-500", "999.5"])
def test_a_db_value_no_receiver_reports_is_a_bad_line(tmp_path: Path, value: str) -> None:
    """A number far beyond any power reading is junk (and would overflow to an infinite power)."""
    path = tmp_path / "huge.csv"
    good = "2024-01-02, 03:04:05, 88000000, 88004000, 1000.00, 10, -50.00, -40.00, -50.00, -50.00\n"
    path.write_text(good + good.replace("-40.00", value).replace("88000000, 88004000", "88004000, 88008000"), encoding="utf-8")
    got = read_csv(path, strict=False)
    assert got.skipped == 1 and got.lines == 1
    assert np.all(np.isfinite(got.trace.mean_p))
    with pytest.raises(MeetkitError) as err:
        read_csv(path, strict=True)
    assert "line 2" in err.value.en and "dB" in err.value.en


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("# nothing\n\n", encoding="utf-8")
    with pytest.raises(MeetkitError) as err:
        read_csv(path)
    assert "no sweep data" in err.value.en


line_text = st.one_of(
    st.text(alphabet="0123456789-.:, eE+abcnif#\t", max_size=120),
    st.builds(
        lambda lo, n, step, vals: f"2024-01-02, 03:04:05, {lo}, {lo + n * step}, {step}, 5, " + ", ".join(vals),
        st.integers(min_value=-10, max_value=2_000_000_000),
        st.integers(min_value=-2, max_value=40),
        st.integers(min_value=-5, max_value=100_000),
        st.lists(st.sampled_from(["-50.00", "nan", "inf", "x", "", "-1e999", "3"]), max_size=42),
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(line_text, min_size=1, max_size=6))
def test_anything_typed_either_reads_or_fails_cleanly(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for strict in (True, False):
        try:
            got = read_csv(path, strict=strict)
        except MeetkitError:
            continue
        assert len(got.trace) > 0
        assert np.all(np.isfinite(got.trace.freqs_hz))
