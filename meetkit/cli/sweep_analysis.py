"""CLI commands under 'meetkit sweep': run, analyze, import-csv, monitor, locate (analysis side)."""

from __future__ import annotations

import argparse
import time
from typing import Any

from meetkit.cli.sweep_acquire import _count


def register(group: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = group.add_parser(
        "run",
        help="sweep a profile from a live source and analyse it (扫描并分析)",
        description="Sweep a band profile from a dongle, an rtl_tcp server or the simulator, detect and classify "
        "emitters against an optional baseline, and write findings.json, trace.csv, spectrum.png, report.pdf and "
        "IQ snippets to --out.",
    )
    p.add_argument("--source", required=True, help="rtlsdr[:INDEX], rtltcp:HOST:PORT or a recording path")
    p.add_argument("--profile", default="china-default", help="band profile (default china-default)")
    p.add_argument("--passes", type=int, default=2, help="passes over the profile (default 2)")
    _common(p)
    p.add_argument("--gain", type=float, default=None, help="tuner gain in dB (default automatic)")
    p.add_argument("--dwell", type=_count, default=None, help="samples per hop (default the hop plan's 32768; 32k works)")
    p.set_defaults(func=handle_run)

    p = group.add_parser(
        "analyze",
        help="analyse recordings (分析录音)",
        description="Analyse SigMF (single- or multi-capture), .cu8 or .cfile recordings like a sweep.",
    )
    p.add_argument("recordings", nargs="+", metavar="RECORDING")
    _common(p)
    p.set_defaults(func=handle_analyze)

    p = group.add_parser(
        "import-csv",
        help="import an rtl_power / rtl_power_fftw / hackrf_sweep CSV (导入扫频 CSV)",
        description="Read an rtl_power-style CSV into a trace usable as a baseline (the --out directory) "
        "and analyse it like a sweep. Bad lines are skipped and counted unless --strict.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--baseline", default=None, help="baseline: previous output directory, CSV or recording")
    p.add_argument("--strict", action="store_true", help="stop at the first bad line")
    p.add_argument("--no-pdf", action="store_true", help="skip report.pdf")
    p.set_defaults(func=handle_import)

    p = group.add_parser(
        "monitor",
        help="repeat sweeps and alert when a new emitter appears (持续监测)",
        description="Sweep the profile again and again; print one JSON line per alert (time, frequency, kind). "
        "Without --baseline the first sweep is the reference.",
    )
    p.add_argument("--source", required=True)
    p.add_argument("--profile", default="phones", help="band profile, a subset is faster (default phones)")
    p.add_argument("--baseline", default=None)
    p.add_argument("--friendly", default=None, help="JSON list of declared emitters")
    p.add_argument("--max-sweeps", type=int, default=None, help="stop after this many sweeps (default: until Ctrl-C)")
    p.add_argument("--dwell", type=_count, default=None, help="samples per hop (32k works)")
    p.set_defaults(func=handle_monitor)

    p = group.add_parser(
        "locate",
        help="level meter at one frequency, 10 readings a second (信号强度计)",
        description="Print the level of one frequency ten times a second, to walk the room towards an emitter.",
    )
    p.add_argument("--source", required=True)
    p.add_argument("--freq", required=True, help="frequency, e.g. 645.5M or 645500000")
    p.add_argument("--seconds", type=float, default=10.0, help="how long (default 10 s)")
    p.add_argument("--bandwidth", default="25k", help="measurement bandwidth (default 25 kHz)")
    p.set_defaults(func=handle_locate)


    p = group.add_parser(
        "attach",
        help="attach a sweep's output to a meeting (needs the store; audited) (将扫描结果附到会议)",
        description="Store a sweep's findings with the meeting; new and stronger findings become suspects that block "
        "the meeting's gate until marked friendly, resolved or declared.",
    )
    p.add_argument("dir", metavar="DIR", help="the sweep's output directory (or its findings.json)")
    p.add_argument("--meeting", type=int, required=True, help="meeting id")
    p.add_argument("--room", default="", help="room the sweep covered")
    p.set_defaults(func=handle_attach)

    p = group.add_parser("findings", help="list a stored sweep's findings and their states (列出扫描结果)")
    p.add_argument("--sweep", type=int, help="sweep id (default: every sweep of --meeting)")
    p.add_argument("--meeting", type=int, help="meeting id")
    p.set_defaults(func=handle_findings)

    p = group.add_parser("mark", help="mark a suspect finding friendly, resolved or declared (处置可疑信号)")
    p.add_argument("finding", type=int, metavar="FINDING_ID")
    p.add_argument("--state", required=True, choices=["friendly", "resolved", "declared", "suspect"])
    p.add_argument("--note", default="", help="what was done (required for resolved)")
    p.set_defaults(func=handle_mark)
    _register_report(group)


def handle_report(args: argparse.Namespace, ctx: Any) -> int:
    from meetkit.sweep.attach import write_meeting_report

    path = write_meeting_report(ctx.store(), ctx.clock, ctx.actor(), args.sweep, args.out)
    ctx.out({"sweep_id": args.sweep, "report": str(path)})
    return 0


def handle_attach(args: argparse.Namespace, ctx: Any) -> int:
    from meetkit.sweep.attach import attach_sweep

    done = attach_sweep(ctx.store(), ctx.clock, ctx.actor(), args.meeting, args.dir, room_name=args.room)
    ctx.out({"sweep_id": done.id, "meeting_id": done.meeting_id, "findings": done.findings, "suspects": done.suspects})
    return 0


def handle_findings(args: argparse.Namespace, ctx: Any) -> int:
    from meetkit.errors import InvalidInput
    from meetkit.sweep.attach import findings, sweeps

    store = ctx.store()
    if args.sweep is not None:
        ids = [args.sweep]
    elif args.meeting is not None:
        from meetkit.meetings import get_meeting

        get_meeting(store, args.meeting)  # no such meeting: one line, exit 2 (not an empty list)
        ids = [int(s["id"]) for s in sweeps(store, args.meeting)]
    else:
        raise InvalidInput("give --sweep ID or --meeting ID", "请给出 --sweep 编号 或 --meeting 编号")
    for sweep_id in ids:
        for f in findings(store, sweep_id):
            ctx.out(f.to_json())
    return 0


def handle_mark(args: argparse.Namespace, ctx: Any) -> int:
    from meetkit.sweep.attach import mark_finding

    done = mark_finding(ctx.store(), ctx.clock, ctx.actor(), args.finding, args.state, args.note)
    ctx.out(done.to_json())
    return 0


def _register_report(group: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = group.add_parser(
        "report",
        help="the PDF report of a stored sweep, with the meeting's mark, review states and audit head (扫描报告)",
    )
    p.add_argument("--sweep", type=int, required=True, help="stored sweep id")
    p.add_argument("--out", required=True, help="PDF file to write")
    p.set_defaults(func=handle_report)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--baseline", default=None, help="baseline: previous output directory, CSV or recording")
    p.add_argument("--friendly", default=None, help="JSON list of declared emitters: [{freq_hz, name, tolerance_hz}]")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--level", default="内部", help="classification mark of the report (default 内部)")
    p.add_argument("--no-pdf", action="store_true", help="skip report.pdf (the other outputs are written)")


def _baseline(args: argparse.Namespace, ctx: Any) -> Any:
    from meetkit.sweep.pipeline import load_baseline

    return load_baseline(args.baseline, ctx.clock) if getattr(args, "baseline", None) else None


def _check_baseline(baseline: Any, spans: list[tuple[float, float]], what: tuple[str, str], ctx: Any, *, refuse: bool) -> None:
    """A baseline from another profile or band: refuse one that covers none of the sweep (before sweeping),
    say in one line when it covers only part (what it misses counts as new)."""
    import sys

    if baseline is None or not spans:
        return
    share = baseline.check_covers(spans, *what) if refuse else baseline.share_of(spans)
    if share < 0.95:
        print(f"meetkit: 警告：基线只覆盖{what[1]}的 {share:.0%}，其余频段的信号一律算作新出现" if ctx.lang == "zh"
              else f"meetkit: warning: the baseline covers only {share:.0%} of {what[0]}; signals elsewhere all count as new",
              file=sys.stderr, flush=True)


def _friendly(args: argparse.Namespace) -> Any:
    from meetkit.sweep.analysis.baseline import load_friendly

    return load_friendly(args.friendly) if getattr(args, "friendly", None) else None


def _level(args: argparse.Namespace) -> str:
    from meetkit.levels import parse_level

    return parse_level(args.level)


def handle_run(args: argparse.Namespace, ctx: Any) -> int:
    import sys

    from meetkit.sweep.hopplan import describe_plan, plan_profile
    from meetkit.sweep.pipeline import run_sweep
    from meetkit.sweep.profiles import load_profile

    baseline = _baseline(args, ctx)  # a bad baseline fails before the sweep, not after it
    if args.source.split(":", 1)[0] in ("rtlsdr", "rtltcp") and args.passes >= 1:
        # the plan (hops, expected time per pass) before a live run; stdout keeps its one JSON line
        kwargs: dict[str, Any] = {"passes": args.passes}
        if args.dwell:
            kwargs["dwell_samples"] = args.dwell
        plan = plan_profile(load_profile(args.profile), **kwargs)
        for line in describe_plan(plan, ctx.lang):
            print(line, file=sys.stderr, flush=True)
        _check_baseline(baseline, list(plan.spans), (f"profile {args.profile}", f"频段配置 {args.profile} "),
                        ctx, refuse=True)
    import signal
    import threading

    stop = threading.Event()

    def on_interrupt(signum: int, frame: Any) -> None:
        # first Ctrl-C: stop capturing and write what was captured; a second one aborts
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        print("停止中，正在写入已采集的结果（再按 Ctrl-C 放弃）" if ctx.lang == "zh"
              else "stopping: writing what was captured (Ctrl-C again to abort)", file=sys.stderr, flush=True)

    previous = signal.signal(signal.SIGINT, on_interrupt) if threading.current_thread() is threading.main_thread() else None
    try:
        result = _run(args, ctx, run_sweep, stop, baseline)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    ctx.out(result.summary())
    if stop.is_set():
        print(f"meetkit: 操作员中断；部分结果已写入 {args.out}" if ctx.lang == "zh"
              else f"meetkit: interrupted; partial results written to {args.out}", file=sys.stderr)
        return 130
    acq = result.acquisition
    if acq.get("error") and not acq.get("stopped"):
        # the source was lost mid-sweep: the outputs hold what was captured, marked partial
        err = acq.get("error_zh") if ctx.lang == "zh" and acq.get("error_zh") else acq["error"]
        zh = f"meetkit: 扫描不完整（部分结果已写入 {args.out}）：{err}"
        en = f"meetkit: sweep incomplete (partial results written to {args.out}): {err}"
        print(zh if ctx.lang == "zh" else en, file=sys.stderr)
        return 2
    return 0


def _run(args: argparse.Namespace, ctx: Any, run_sweep: Any, stop: Any, baseline: Any) -> Any:
    return run_sweep(
        args.source,
        args.profile,
        args.passes,
        args.out,
        clock=ctx.clock,
        baseline=baseline,
        friendly=_friendly(args),
        gain_db=args.gain,
        dwell_samples=args.dwell,
        level=_level(args),
        write_pdf=not args.no_pdf,
        stop_event=stop,
    )


def handle_analyze(args: argparse.Namespace, ctx: Any) -> int:
    from meetkit.sweep.pipeline import analyze_recordings

    baseline = _baseline(args, ctx)
    result = analyze_recordings(
        list(args.recordings),
        args.out,
        clock=ctx.clock,
        baseline=baseline,
        friendly=_friendly(args),
        level=_level(args),
        write_pdf=not args.no_pdf,
    )
    ctx.out(result.summary())
    _check_baseline(baseline, list(result.doc.covered), ("the recording(s)", "录音"), ctx, refuse=False)
    acq = result.acquisition
    if acq.get("partial"):
        # damaged or truncated recording(s): analysed as far as they go (exit 0, as the README says), said in one line
        err = acq.get("error_zh") if ctx.lang == "zh" and acq.get("error_zh") else acq.get("error") or ""
        import sys

        print(f"meetkit: 警告：录音不完整，结果只覆盖现有数据（已写入 {args.out}）：{err}" if ctx.lang == "zh"
              else f"meetkit: warning: incomplete recording, the results cover only what it holds (written to {args.out}): {err}",
              file=sys.stderr)
    return 0


def handle_import(args: argparse.Namespace, ctx: Any) -> int:
    from meetkit.sweep.pipeline import import_csv

    result, skipped = import_csv(args.file, args.out, clock=ctx.clock, baseline=_baseline(args, ctx), strict=args.strict, write_pdf=not args.no_pdf)
    ctx.out({**result.summary(), "skipped_lines": skipped})
    return 0


def handle_monitor(args: argparse.Namespace, ctx: Any) -> int:
    import sys

    from meetkit.clock import iso
    from meetkit.sweep.pipeline import monitor

    zh = ctx.lang == "zh"
    started = time.monotonic()
    last_note = [started]

    def on_sweep(index: int, alerts: int, reference: bool) -> None:
        # signs of life on stderr (stdout keeps one JSON line per alert): the reference, then every 30 s
        now = time.monotonic()
        if reference:
            text = "第 1 次扫描完成，已作为参照；持续监测中（Ctrl-C 停止）" if zh else "sweep 1 done: it is the reference; monitoring (Ctrl-C stops)"
        elif index == 0:
            text = "第 1 次扫描完成；持续监测中（Ctrl-C 停止）" if zh else "sweep 1 done; monitoring (Ctrl-C stops)"
        elif now - last_note[0] >= 30.0:
            text = (f"{iso(ctx.clock.now())[:19]} 已扫描 {index + 1} 次，告警 {len(seen)} 条" if zh
                    else f"{iso(ctx.clock.now())[:19]} {index + 1} sweeps done, {len(seen)} alert(s)")
        else:
            return
        last_note[0] = now
        print(text, file=sys.stderr, flush=True)

    seen: list[Any] = []
    for alert in monitor(
        args.source,
        args.profile,
        clock=ctx.clock,
        baseline=_baseline(args, ctx),
        friendly=_friendly(args),
        max_sweeps=args.max_sweeps,
        dwell_samples=args.dwell,
        on_sweep=on_sweep,
    ):
        seen.append(alert)
        ctx.out(alert.to_json())
    return 0


def handle_locate(args: argparse.Namespace, ctx: Any) -> int:
    from meetkit.sweep.hopplan import parse_freq
    from meetkit.sweep.pipeline import level_meter
    from meetkit.sweep.sources import open_source

    from meetkit.errors import InvalidInput
    from meetkit.sweep.hopplan import TUNER_MAX_HZ, TUNER_MIN_HZ

    freq = parse_freq(args.freq)
    bandwidth = parse_freq(args.bandwidth)
    if args.source.split(":", 1)[0] in ("rtlsdr", "rtltcp") and not TUNER_MIN_HZ <= freq <= TUNER_MAX_HZ:
        raise InvalidInput(
            f"{freq / 1e6:.3f} MHz is outside what an RTL-SDR can tune (24–1766 MHz)",
            f"{freq / 1e6:.3f} MHz 超出 RTL-SDR 可调谐范围（24–1766 MHz）",
        )
    if not 0 < args.seconds <= 86400 or not 0 < bandwidth <= 1e6:
        raise InvalidInput("--seconds must be 0–86400 and --bandwidth 0–1M", "--seconds 须在 0–86400 之间，--bandwidth 须在 0–1M 之间")
    count = max(1, int(round(args.seconds * 10)))
    source = open_source(args.source, ctx.clock)
    try:
        next_t = time.monotonic()
        for reading in level_meter(source, freq, bandwidth_hz=bandwidth, count=count):
            ctx.out(reading.to_json())
            next_t += 0.1
            delay = next_t - time.monotonic()
            if delay > 0 and getattr(source, "is_live", False):
                time.sleep(delay)  # pace an unpaced source (the simulator) at 10 readings a second
    finally:
        source.close()
    return 0
