"""Recording replay: the real recordings, raw .cu8/.cfile with names, multi-capture SigMF in every
supported datatype, and damaged files (a clear error or a replay with a warning, never a crash)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from meetkit.clock import FixedClock
from meetkit.errors import ErrorCode, MeetkitError
from meetkit.sweep.hopplan import format_freq
from meetkit.sweep.sources import open_source
from meetkit.sweep.sources.recording import RecordingSource, parse_recording_name

CLOCK = FixedClock(dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC))
REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "recordings-real"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/recordings-real not present")


def psd_peak_offset_hz(samples: np.ndarray, rate: float, nfft: int = 4096) -> float:
    frames = samples[: len(samples) // nfft * nfft].reshape(-1, nfft) * np.hanning(nfft)
    power = np.mean(np.abs(np.fft.fftshift(np.fft.fft(frames, axis=1), axes=1)) ** 2, axis=0)
    power[nfft // 2 - 2 : nfft // 2 + 3] = np.median(power)  # ignore the DC spike
    return (int(np.argmax(power)) - nfft // 2) * rate / nfft


# -- the real recordings ------------------------------------------------------------------------


@needs_real
def test_real_ism_recording_shows_the_ook_bursts_near_433_81() -> None:
    src = open_source(str(REAL / "ism-433MHz-ook-bursts.sigmf-meta"), CLOCK)
    assert isinstance(src, RecordingSource) and src.is_live is False
    (cap,) = src.captures()
    assert (cap.centre_hz, cap.rate_sps, cap.n_samples) == (433.92e6, 250e3, 262144)
    samples = np.concatenate([b.samples for b in src.iter_blocks(65536)])
    offset = psd_peak_offset_hz(samples, 250e3)
    assert abs(433.92e6 + offset - 433.81e6) < 15e3
    # a single capture without hop structure keeps all but the outer 10%
    block = next(src.iter_blocks(1024))
    assert block.info.extra["keep_lo_hz"] == 433.92e6 - 0.45 * 250e3
    assert block.info.extra["keep_hi_hz"] == 433.92e6 + 0.45 * 250e3
    assert src.warnings == []
    src.close()


@needs_real
def test_real_gsm_cf32_recording() -> None:
    src = open_source(str(REAL / "gsm-downlink-941MHz.sigmf-meta"), CLOCK)
    assert src.datatype == "cf32_le" and src.n_samples == 80000
    samples = np.concatenate([b.samples for b in src.iter_blocks(32768)])
    assert len(samples) == 80000 and samples.dtype == np.complex64
    assert abs(psd_peak_offset_hz(samples, 4e6)) < 1.5e6  # the carriers sit within ±1.5 MHz of 941 MHz
    src.close()


@needs_real
def test_real_adsb_recording_is_pulsed() -> None:
    src = open_source(str(REAL / "adsb-1090MHz-pulses.sigmf-meta"), CLOCK)
    samples = np.concatenate([b.samples for b in src.iter_blocks(65536)])
    mag = np.abs(samples)
    assert np.percentile(mag, 99.9) > 4 * np.median(mag)
    src.close()


@needs_real
def test_raw_cu8_with_rtl_433_style_name(tmp_path: Path) -> None:
    raw = tmp_path / "g001_433.92M_250k.cu8"
    shutil.copy(REAL / "ism-433MHz-ook-bursts.sigmf-data", raw)
    src = open_source(str(raw), CLOCK)
    (cap,) = src.captures()
    assert (cap.centre_hz, cap.rate_sps, cap.n_samples) == (433.92e6, 250e3, 262144)
    sigmf_src = open_source(str(REAL / "ism-433MHz-ook-bursts.sigmf-meta"), CLOCK)
    a = next(src.iter_blocks(4096)).samples
    b = next(sigmf_src.iter_blocks(4096)).samples
    assert np.array_equal(a, b)


@needs_real
def test_raw_bin_needs_rate_and_centre(tmp_path: Path) -> None:
    raw = tmp_path / "modes1.bin"
    shutil.copy(REAL / "adsb-1090MHz-pulses.sigmf-data", raw)
    with pytest.raises(MeetkitError) as err:
        open_source(str(raw), CLOCK)
    assert err.value.code is ErrorCode.BAD_RECORDING and "--centre" in err.value.en
    src = open_source(str(raw), CLOCK, centre_hz=1090e6, rate_sps=2e6)
    assert src.captures()[0].n_samples == 356868


@needs_real
def test_raw_cfile(tmp_path: Path) -> None:
    raw = tmp_path / "gsm_941M_4M.cfile"
    shutil.copy(REAL / "gsm-downlink-941MHz.sigmf-data", raw)
    src = open_source(str(raw), CLOCK)
    assert src.datatype == "cf32_le"
    assert (src.captures()[0].centre_hz, src.captures()[0].rate_sps) == (941e6, 4e6)
    assert src.n_samples == 80000


# -- multi-capture SigMF in every datatype -------------------------------------------------------


def tone(n: int, cycles_per_sample: float) -> np.ndarray:
    return (0.5 * np.exp(2j * np.pi * cycles_per_sample * np.arange(n))).astype(np.complex64)


def encode(x: np.ndarray, datatype: str) -> bytes:
    pairs = np.stack([x.real, x.imag], axis=1).reshape(-1)
    if datatype == "cu8":
        return np.clip(np.rint(pairs * 127.5 + 127.5), 0, 255).astype(np.uint8).tobytes()
    if datatype == "ci8":
        return np.clip(np.rint(pairs * 128), -128, 127).astype(np.int8).tobytes()
    if datatype == "ci16_le":
        return np.clip(np.rint(pairs * 32768), -32768, 32767).astype("<i2").tobytes()
    return pairs.astype("<f4").tobytes()


def write_multi(tmp_path: Path, datatype: str, hops: int = 3, n: int = 4096) -> Path:
    from sigmf import sigmffile

    data = tmp_path / "sweep.sigmf-data"
    captures = []
    with data.open("wb") as fh:
        for i in range(hops):
            fh.write(encode(tone(n, (i + 1) / 16), datatype))
            captures.append({"core:sample_start": i * n, "core:frequency": 100e6 + i * 1.8e6,
                             "core:datetime": f"2026-11-27T09:00:0{i}.000000Z"})
    meta = {"global": {"core:datatype": datatype, "core:version": "1.2.0", "core:sample_rate": 2.4e6},
            "captures": captures, "annotations": []}
    sf = sigmffile.SigMFFile(metadata=meta, data_file=data)
    sf.tofile(tmp_path / "sweep.sigmf-meta", overwrite=True)
    return tmp_path / "sweep.sigmf-meta"


@pytest.mark.parametrize("datatype", ["cu8", "ci8", "ci16_le", "cf32_le"])
def test_multi_capture_sigmf_each_capture_is_a_hop(tmp_path: Path, datatype: str) -> None:
    meta = write_multi(tmp_path, datatype)
    src = open_source(str(meta), CLOCK)
    caps = src.captures()
    assert [c.centre_hz for c in caps] == [100e6, 101.8e6, 103.6e6]
    assert [c.n_samples for c in caps] == [4096] * 3
    blocks = list(src.iter_blocks(4096))
    assert [b.info.hop_index for b in blocks] == [0, 1, 2]
    assert blocks[1].info.time == dt.datetime(2026, 11, 27, 9, 0, 1, tzinfo=dt.UTC)
    for i, b in enumerate(blocks):
        assert b.info.centre_hz == 100e6 + i * 1.8e6
        # keep band: the hop minus the default 25% crop
        assert b.info.extra["keep_hi_hz"] - b.info.extra["keep_lo_hz"] == pytest.approx(1.8e6)
        expected = tone(4096, (i + 1) / 16)
        assert np.max(np.abs(b.samples - expected)) < 0.01  # unit full scale in every datatype
        assert psd_peak_offset_hz(b.samples, 2.4e6) == pytest.approx((i + 1) / 16 * 2.4e6, abs=2.4e6 / 4096)
    assert src.warnings == []
    # the Source interface replays it too: tune picks the capture, read walks it
    src.tune(101.8e6)
    block = src.read(4096)
    assert block.info.centre_hz == 101.8e6 and np.allclose(block.samples, blocks[1].samples)
    with pytest.raises(MeetkitError):
        src.tune(500e6)


# -- damaged recordings ---------------------------------------------------------------------------


def test_truncated_multi_capture_replays_what_is_there_with_a_warning(tmp_path: Path) -> None:
    meta = write_multi(tmp_path, "cu8", hops=4, n=4096)
    data = tmp_path / "sweep.sigmf-data"
    data.write_bytes(data.read_bytes()[: 2 * 4096 * 2 + 2001])  # 2 whole hops, a part of the third, odd length
    src = open_source(str(meta), CLOCK)
    caps = src.captures()
    assert [c.n_samples for c in caps] == [4096, 4096, 1000]
    text = " ".join(src.warnings)
    assert "truncated" in text and "SHA-512" in text and "1 of 4" in text
    assert sum(len(b) for b in src.iter_blocks(4096)) == 4096 * 2 + 1000


def test_odd_byte_raw_file_drops_the_half_sample(tmp_path: Path) -> None:
    raw = tmp_path / "x_100M_2.4M.cu8"
    raw.write_bytes(bytes(range(256)) * 8 + b"\x07")
    src = open_source(str(raw), CLOCK)
    assert src.n_samples == 1024 and "trailing byte" in src.warnings[0]


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda d: (d / "a.sigmf-meta").write_text("{not json"), "cannot read"),
        (lambda d: (d / "a.sigmf-meta").write_text(json.dumps({"global": {"core:datatype": "cu8", "core:version": "1.2.0", "core:sample_rate": 1e6}, "captures": [{"core:sample_start": 0, "core:frequency": 1e8}], "annotations": []})), "missing"),
        (lambda d: ((d / "a.sigmf-meta").write_text(json.dumps({"global": {"core:datatype": "ru8", "core:version": "1.2.0", "core:sample_rate": 1e6}, "captures": [], "annotations": []})), (d / "a.sigmf-data").write_bytes(b"\0" * 100)), "not supported"),
        (lambda d: ((d / "a.sigmf-meta").write_text(json.dumps({"global": {"core:datatype": "cu8", "core:version": "1.2.0", "core:sample_rate": 1e6}, "captures": [{"core:sample_start": 0, "core:frequency": 1e8}], "annotations": []})), (d / "a.sigmf-data").write_bytes(b"")), "no samples"),
        (lambda d: ((d / "a.sigmf-meta").write_text(json.dumps([1, 2])),), "not SigMF"),
        (lambda d: (d / "a.sigmf-meta").write_text(json.dumps({"global": {"core:datatype": "cu8", "core:version": "1.2.0", "core:dataset": "gone.bin"}, "captures": [], "annotations": []})), "metadata"),
        (lambda d: (d / "a_100M_1M.cu8").write_bytes(b"\x01"), "no samples"),
    ],
)
def test_bad_recordings_give_a_clear_error(tmp_path: Path, make, needle: str) -> None:
    make(tmp_path)
    path = next(p for p in tmp_path.iterdir() if not p.name.endswith(".sigmf-data"))
    with pytest.raises(MeetkitError) as err:
        open_source(str(path), CLOCK)
    assert err.value.code is ErrorCode.BAD_RECORDING
    assert needle in err.value.en


def test_missing_recording(tmp_path: Path) -> None:
    with pytest.raises(MeetkitError) as err:
        open_source(str(tmp_path / "nope.cu8"), CLOCK)
    assert err.value.code is ErrorCode.BAD_RECORDING and "not found" in err.value.en


def test_unknown_extension(tmp_path: Path) -> None:
    (tmp_path / "x_100M_1M.wav").write_bytes(b"\0" * 64)
    with pytest.raises(MeetkitError) as err:
        open_source(str(tmp_path / "x_100M_1M.wav"), CLOCK)
    assert err.value.code is ErrorCode.BAD_RECORDING and ".cu8" in err.value.en


# -- file-name parser ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("g001_433.92M_250k.cu8", (433.92e6, 250e3)),
        ("g005_868.3M_1000k.cu8", (868.3e6, 1e6)),
        ("fm-96.8M-2.4M.bin", (96.8e6, 2.4e6)),
        ("capture_2.4Msps_100MHz.cfile", (100e6, 2.4e6)),
        ("modes1.bin", (None, None)),
        ("rec_20240101_433.92M.cu8", (433.92e6, None)),
        ("rec_250k.cu8", (None, 250e3)),
        ("GSM_941M_4M.cfile", (941e6, 4e6)),
    ],
)
def test_recording_names(name: str, expected: tuple) -> None:
    assert parse_recording_name(name) == expected


@given(
    prefix=st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True),
    centre=st.integers(min_value=24_000, max_value=1_766_000).map(lambda k: k * 1000.0),
    rate=st.sampled_from([250e3, 1.024e6, 2.048e6, 2.4e6, 3.2e6, 1e6]),
    ext=st.sampled_from([".cu8", ".bin", ".cfile"]),
    swap=st.booleans(),
)
def test_generated_names_parse_back(prefix: str, centre: float, rate: float, ext: str, swap: bool) -> None:
    parts = [format_freq(centre), format_freq(rate)]
    if swap:
        parts.reverse()
    assert parse_recording_name(f"{prefix}_{parts[0]}_{parts[1]}{ext}") == (centre, rate)


@given(st.text(max_size=40))
def test_name_parser_never_crashes(name: str) -> None:
    centre, rate = parse_recording_name(name)
    assert centre is None or centre > 0
    assert rate is None or rate > 0
