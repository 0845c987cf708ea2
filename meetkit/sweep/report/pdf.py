"""report.pdf of a sweep, on the kit's marked PDF base (classification mark and audit head hash on
every page): summary, spectrum, suspects with close-ups, the full findings table, coverage and
what was not covered, hardware and settings."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meetkit.clock import Clock, parse_iso
from meetkit.sweep.analysis.classify import KIND_ZH
from meetkit.sweep.analysis.psd import to_db
from meetkit.sweep.findings import STATUS_ZH, Finding

if TYPE_CHECKING:
    from meetkit.sweep.pipeline import SweepResult

_BEIJING = dt.timezone(dt.timedelta(hours=8))


def _mhz(f: float) -> str:
    return f"{f / 1e6:.4f}"


def _bw(f: float) -> str:
    return f"{f / 1e6:.2f} MHz" if f >= 1e6 else f"{f / 1e3:.1f} kHz"


def _band(f: Finding) -> str:
    return str(f.band.get("name_zh") or f.band.get("name")) if f.band else "—"


def beijing_time(text: str | None) -> str:
    """An ISO time from findings.json as a reader reads it: Beijing time to the second."""
    if not text:
        return "—"
    try:
        when = parse_iso(text)
    except ValueError:
        return text
    return when.astimezone(_BEIJING).strftime("%Y-%m-%d %H:%M:%S") + " (北京时间 UTC+8)"


def _seen(f: Finding) -> str:
    first, last = beijing_time(f.first_seen), beijing_time(f.last_seen)
    if len(first) <= 19 or len(last) <= 19:
        return f"{first} / {last}"
    return f"{first[:19]} – {last[11:19] if last[:10] == first[:10] else last[:19]} (北京时间 Beijing time)"


def _kind_cell(f: Finding) -> str:
    """The kind column: for an artifact what the receiver made up, not the kind a real emitter there would be."""
    if f.status == "artifact":
        text = " ".join(r.en for r in f.reasons[:1])
        if "crystal" in text:
            return "晶振谐波\ncrystal harmonic"
        if "DC leak" in text:
            return "直流泄漏\nDC residue"
        return "随调谐移动\nmoves with tuning"
    return f"{KIND_ZH.get(f.kind, f.kind)}\n{f.kind.replace('_', ' ')} ({f.confidence:.2f})"


def _num(v: Any, fmt: str, unit: str = "") -> str:
    if v is None or v == "":
        return "—"
    try:
        return f"{float(v):{fmt}}{unit}"
    except (TypeError, ValueError):
        return str(v)


def _settings_rows(hw: dict[str, Any], settings: dict[str, Any], plan: dict[str, Any], acq: dict[str, Any]) -> list[tuple[str, str]]:
    """Hardware, plan, analysis and acquisition settings as labelled values with units (bilingual)."""
    rows: list[tuple[str, str]] = []
    if hw.get("hw") or hw.get("kind"):
        receiver = "录音回放 recording replay" if hw.get("kind") == "recording" else str(hw.get("hw") or hw.get("kind"))
        rows.append(("接收机 Receiver", receiver))
    if hw.get("paths"):
        rows.append(("录音文件 Recording(s)", ", ".join(Path(str(x)).name for x in hw["paths"])))
    if "gain_db" in hw:
        rows.append(("增益 Gain", "自动 automatic" if hw["gain_db"] is None else _num(hw["gain_db"], ".1f", " dB")))
    if "ppm" in hw:
        rows.append(("频率校正 Frequency correction", f"{hw['ppm']} ppm"))
    rate = plan.get("rate_sps") or hw.get("rate_sps")
    if rate:
        rows.append(("采样率 Sample rate", _num(float(rate) / 1e6, ".3f", " MS/s")))
    if "hop_count" in plan:
        rows.append(("跳数 Hops per pass", str(plan["hop_count"])))
    if "crop" in plan:
        rows.append(("每跳裁边 Edge crop per hop", _num(float(plan["crop"]) * 100, ".0f", " %")))
    settle = plan.get("settle_s", hw.get("settle_s"))
    if settle is not None:
        rows.append(("重调谐后稳定 Settle after retune", _num(float(settle) * 1e3, ".1f", " ms")))
    if "dwell_samples" in plan:
        dwell = int(plan["dwell_samples"])
        ms = f" ({dwell / float(rate) * 1e3:.1f} ms)" if rate else ""
        rows.append(("每跳驻留 Dwell per hop", f"{dwell} 样本 samples{ms}"))
    if "hardware_time_s" in plan:
        rows.append(("每遍硬件时间 Hardware time per pass", _num(plan["hardware_time_s"], ".1f", " s")))
    if settings.get("rbw_hz"):
        rows.append(("分辨率带宽 Resolution bandwidth", _num(float(settings["rbw_hz"]) / 1e3, ".2f", " kHz")))
    if settings.get("fft_size"):
        overlap = float(settings.get("overlap") or 0)
        rows.append(("FFT 点数 FFT size", f"{settings['fft_size']}，汉宁窗 Hann，重叠 overlap {overlap * 100:.0f} %"))
    if settings.get("pfa_per_bin"):
        rows.append(("虚警概率 False-alarm probability", f"{float(settings['pfa_per_bin']):.0e} / 频点 per bin"))
    if settings.get("bins"):
        rows.append(("频点数 Frequency bins", str(settings["bins"])))
    if "hops_done" in acq:
        rows.append(("已采集 Hops captured", f"{acq['hops_done']}（{acq.get('passes_done', '—')} 遍 passes）"))
    if "dropped_samples" in acq:
        rows.append(("处理跟不上丢弃 Samples dropped (processing behind)", str(acq["dropped_samples"])))
    if "wall_time_s" in acq:
        rows.append(("用时 Wall time", _num(acq["wall_time_s"], ".1f", " s")))
    if "partial" in acq:
        rows.append(("完整性 Completeness", "不完整 partial" if acq["partial"] else "完整 complete"))
    if acq.get("error"):
        rows.append(("问题 Problem", f"{acq.get('error_zh') or ''} {acq['error']}".strip()))
    return rows


def _reason_zh(why: str) -> str:
    """A not-covered reason as the reader reads it: Chinese first, the English kept."""
    from meetkit.sweep.profiles import not_covered_details

    known = {d["reason"]: d["reason_zh"] for d in not_covered_details()}
    if why in known:
        zh = known[why]
    elif why.startswith("outside the receiver's tuning range"):
        zh = "超出接收机调谐范围（24–1766 MHz）"
    elif why.startswith("not swept: not in profile"):
        zh = "未扫描：不在本次频段配置内（接收机可调谐）"
    elif why.startswith("not swept: outside the chosen span"):
        zh = "未扫描：不在所选频率范围内（接收机可调谐）"
    elif why.startswith("not swept: not in the recording"):
        zh = "未扫描：录音文件不含此频段（接收机可调谐）"
    elif why.startswith("not captured"):
        zh = "未采集到（扫描中断或处理跟不上接收机）"
    else:
        return why
    return why if zh == why else f"{zh} {why}"


def _merge_not_covered(items: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    """One row per range: reasons of identical ranges joined (Chinese with the English)."""
    merged: dict[tuple[float, float], list[str]] = {}
    for lo, hi, why in items:
        reasons = merged.setdefault((lo, hi), [])
        why = _reason_zh(why)
        if why not in reasons:
            reasons.append(why)
    return [(lo, hi, "; ".join(why)) for (lo, hi), why in merged.items()]


def write_report(result: SweepResult, path: str | Path, *, clock: Clock, level: str = "内部", head_hash: str | None = None) -> Path:
    from meetkit.reports.pdf import MarkedPdf
    from meetkit.sweep.report.spectrum import render_zoom

    doc = result.doc
    pdf = MarkedPdf(level=level, title="射频检测报告 RF sweep report", head_hash=head_hash, printed_at=clock.now(), orientation="L")
    pdf.add_page()
    pdf.heading("射频检测报告  RF sweep report")
    suspects = doc.suspects
    counts: dict[str, int] = {}
    for f in doc.findings:
        counts[f.status] = counts.get(f.status, 0) + 1
    acq = doc.extra.get("acquisition", {}) or {}
    summary = [
        ("频段配置 Profile", doc.profile or "—"),
        ("信号源 Source", doc.source),
        ("开始时间 Started", beijing_time(doc.started)),
        ("扫描遍数 Passes", doc.passes),
        ("基线 Baseline", result.baseline.source if result.baseline else "无 none (every signal counts as new)"),
        (
            "结论 Result",
            f"可疑信号 {len(suspects)} 个 suspects; "
            + ", ".join(f"{STATUS_ZH.get(k, k)} {k}: {v}" for k, v in sorted(counts.items())),
        ),
    ]
    if suspects:  # what to look for, on the first page
        listed = "; ".join(f"{_mhz(f.freq_hz)} MHz {KIND_ZH.get(f.kind, f.kind)} {f.kind.replace('_', ' ')}" for f in suspects[:8])
        summary.append(("可疑信号 Suspects", listed + (f"; … (+{len(suspects) - 8})" if len(suspects) > 8 else "")))
    covered_mhz = sum(hi - lo for lo, hi in doc.covered) / 1e6
    skipped = [(lo, hi) for lo, hi, why in doc.not_covered if why.startswith("not swept")]
    if skipped:
        summary.append((
            "扫描范围 Swept",
            f"只扫描了 {covered_mhz:.1f} MHz（{len(doc.covered)} 段）；24–1766 MHz 中其余 {sum(hi - lo for lo, hi in skipped) / 1e6:.1f} MHz "
            f"及 1766 MHz 以上未扫描，见“未覆盖”。 Only {covered_mhz:.1f} MHz ({len(doc.covered)} span(s)) were swept; the rest of "
            "24–1766 MHz and everything above 1766 MHz were not: see Not covered.",
        ))
    if any(f.peak_dbfs > 3.0 for f in doc.findings):
        summary.append((
            "电平说明 Levels",
            "部分电平高于 0 dBFS：浮点录音（如 cf32）没有满量程，电平只能相对比较。"
            " Some levels exceed 0 dBFS: a float recording (e.g. cf32) has no full scale; compare levels with each other only.",
        ))
    if acq.get("partial"):
        summary.append(("注意 Warning", f"扫描不完整 partial sweep: {acq.get('error_zh') or ''} {acq.get('error') or ''}"))
    pdf.key_values(summary)
    pdf.paragraph(
        "可疑信号（新出现或比基线强 6 dB 以上）在技术员标记为友好、已排除或已申报之前会阻止会议开始。"
        " Suspects (new, or at least 6 dB stronger than the baseline) block the meeting's gate until the technician marks them "
        "friendly, resolved or declared."
    )
    with tempfile.TemporaryDirectory() as tmp:
        spectrum = Path(result.out_dir or tmp) / "spectrum.png"
        if spectrum.exists():
            available = pdf.page_break_trigger - pdf.get_y() - 12
            if available < 60:
                pdf.add_page()
                available = pdf.page_break_trigger - pdf.get_y() - 12
            w = min(pdf.epw, available * 1800 / 760)
            pdf.image(str(spectrum), x=pdf.l_margin + (pdf.epw - w) / 2, w=w)
        pdf.paragraph("蓝：平均；浅蓝：最大保持；深灰：基线；浅灰：噪声底；三角形：检测到的信号（颜色表示状态）。 "
                      "Blue: mean; light blue: max-hold; dark grey: baseline; light grey: noise floor; triangles: findings coloured by status.", size=8)
        # suspects first, with close-ups
        pdf.add_page()
        pdf.subheading(f"可疑信号 Suspects ({len(suspects)})")
        if not suspects:
            pdf.paragraph("未发现新出现或增强的信号。 No new or stronger emitter was found.")
        noise_db = to_db(result.detection.noise_p) if len(result.detection.noise_p) else None
        base = result.baseline.trace if result.baseline else None
        for i, f in enumerate(suspects[:12], start=1):
            if pdf.get_y() > pdf.h - 95:
                pdf.add_page()
            pdf.set_font("cjk", "B", 10)
            pdf.cell(
                pdf.epw, 6,
                f"{i}. {_mhz(f.freq_hz)} MHz  {KIND_ZH.get(f.kind, f.kind)} {f.kind.replace('_', ' ')}  ({STATUS_ZH.get(f.status, f.status)} {f.status}, "
                f"置信度 confidence {f.confidence:.2f})",
                new_x="LMARGIN", new_y="NEXT",
            )
            y0 = pdf.get_y()
            zoom = Path(tmp) / f"zoom{i}.png"
            render_zoom(result.trace, f, zoom, baseline=base, noise_dbfs=noise_db, title=f"{_mhz(f.freq_hz)} MHz")
            pdf.image(str(zoom), x=pdf.l_margin, y=y0, w=130)
            pdf.set_xy(pdf.l_margin + 135, y0)
            pdf.set_font("cjk", "", 8.5)
            lines = [
                f"带宽 Bandwidth: {_bw(f.bandwidth_hz)}",
                f"峰值 Peak: {f.peak_dbfs:.1f} dBFS; 平均 Mean: {f.mean_dbfs:.1f} dBFS; 信噪比 SNR: {f.snr_db:.1f} dB",
                f"占用率 Occupancy: {f.occupancy * 100:.0f}%; 出现 Passes seen: {f.passes_seen}/{doc.passes}",
                f"首次/最后 First/last seen: {_seen(f)}",
                f"频段 Band: {_band(f)}",
            ] + [f"· {r.zh} / {r.en}" for r in f.reasons]
            pdf.multi_cell(pdf.epw - 135, 4.2, "\n".join(lines), new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.set_y(max(pdf.get_y(), y0 + 57) + 3)
    # all findings
    pdf.add_page()
    pdf.subheading(f"全部信号 All findings ({len(doc.findings)})")
    rows: list[list[Any]] = []
    for i, f in enumerate(sorted(doc.findings, key=lambda x: x.freq_hz), start=1):
        rows.append([
            i, _mhz(f.freq_hz), _bw(f.bandwidth_hz), f"{f.peak_dbfs:.1f}", f"{f.mean_dbfs:.1f}", f"{f.snr_db:.1f}",
            f"{f.occupancy * 100:.0f}%", f"{STATUS_ZH.get(f.status, f.status)}\n{f.status}",
            _kind_cell(f), _band(f), f"{f.passes_seen}/{doc.passes}",
        ])
    pdf.table(
        ["#", "MHz", "带宽 BW", "峰值\nPeak dBFS", "平均\nMean dBFS", "SNR dB", "占用 Occ.", "状态 Status", "类型 Kind", "频段 Band", "遍 Passes"],
        rows,
        widths=[6, 18, 16, 14, 14, 11, 11, 18, 30, 40, 11],
        font_size=7,
    )
    # coverage
    pdf.subheading("覆盖范围 Coverage")
    covered = "; ".join(f"{lo / 1e6:.3f}–{hi / 1e6:.3f}" for lo, hi in doc.covered) or "—"
    pdf.paragraph(f"已覆盖 Covered (MHz): {covered}", size=8.5)
    pdf.subheading("未覆盖 Not covered")
    pdf.table(["MHz", "原因 Reason"], [[f"{lo / 1e6:.1f}–{hi / 1e6:.1f}", why] for lo, hi, why in _merge_not_covered(doc.not_covered)], widths=[30, 200], font_size=7.5)
    # hardware and settings
    pdf.subheading("设备与设置 Hardware and settings")
    hw = doc.extra.get("hardware", {}) or {}
    settings = doc.extra.get("settings", {}) or {}
    plan = doc.extra.get("plan") or {}
    pairs = _settings_rows(hw, settings, plan, acq)
    if suspects:  # the IQ evidence kept of the suspects, or why there is none
        kept = len(doc.extra.get("snippets") or [])
        why_zh = why_en = ""
        if kept < len(suspects):
            why_zh, why_en = ("（信号源已中断，无法再录）", " (the source was lost: none could be recorded afterwards)") if acq.get("partial") and acq.get("error") else ("", "")
        pairs.append(("IQ 片段 IQ snippets", f"{kept}/{len(suspects)} 个可疑信号已录 IQ 片段{why_zh}（snippets/） {kept} of {len(suspects)} suspects{why_en}"))
    for k, v in pairs:
        # one pair at a time with room checked first: MarkedPdf.key_values measures its row from the
        # y before an automatic page break, which would push every later pair onto a page of its own
        if pdf.get_y() > pdf.page_break_trigger - 12:
            pdf.add_page()
        pdf.key_values([(k, str(v)[:300])], key_width=80)
    pdf.paragraph(
        "检测方法：每跳平均周期图（汉宁窗），按区域稳健估计噪声底，对平均迹线和最大保持迹线分别做恒虚警（CFAR）门限检测。"
        " Method: averaged periodogram per hop (Hann window), robust regional noise floor, CFAR thresholds on the mean and the "
        "max-hold traces from the number of averages and a per-bin false-alarm probability; levels are uncalibrated dBFS.",
        size=8,
    )
    return pdf.save(path)
