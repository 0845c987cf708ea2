"""CLI commands under 'meetkit sweep': plan, record, profiles (acquisition). No store, no operator."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from meetkit.cli.context import CliContext
from meetkit.errors import ErrorCode, MeetkitError
from meetkit.sweep.hopplan import (
    DEFAULT_CROP,
    DEFAULT_DWELL_SAMPLES,
    DEFAULT_RATE_SPS,
    DEFAULT_SETTLE_S,
    HopPlan,
    describe_plan,
    mhz,
    parse_freq,
    plan_profile,
    plan_span,
)

EXIT_PARTIAL = 2
EXIT_INTERRUPTED = 130


def _freq(text: str) -> float:
    try:
        return parse_freq(text)
    except MeetkitError as err:
        raise argparse.ArgumentTypeError(err.en) from err


def _count(text: str) -> int:
    """A sample count: plain, or with a binary k/M as sample counts go (32k = 32768, the default dwell)."""
    stripped = text.strip()
    scale = {"k": 1024, "K": 1024, "m": 1024 * 1024, "M": 1024 * 1024}.get(stripped[-1:], 0)
    if scale:
        try:
            number = float(stripped[:-1])
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a sample count: {text!r} (e.g. 32768 or 32k)") from None
        value = number * scale
    else:
        try:
            value = float(stripped)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a sample count: {text!r} (e.g. 32768 or 32k)") from None
    if not value > 0 or value == float("inf") or value != int(value):
        raise argparse.ArgumentTypeError(f"not a positive whole number of samples: {text!r} (e.g. 32768 or 32k)")
    return int(value)


def _gain(text: str) -> float | None:
    if text.strip().lower() == "auto":
        return None
    try:
        value = float(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"gain must be 'auto' or dB (e.g. 38.6), not {text!r}") from err
    if not 0.0 <= value <= 60.0:
        raise argparse.ArgumentTypeError(f"gain must be 0–60 dB, not {value}")
    return value


def _add_plan_options(p: argparse.ArgumentParser, *, need_range: bool) -> None:
    where = p.add_mutually_exclusive_group(required=need_range)
    where.add_argument("--profile", help="band profile: china-default, mics, phones, radios, full (频段配置)")
    where.add_argument("--start", type=_freq, help="start frequency, e.g. 24M, 433.92M, 1.2G (起始频率)")
    p.add_argument("--stop", type=_freq, help="stop frequency, with --start (终止频率)")
    p.add_argument("--rate", type=_freq, default=DEFAULT_RATE_SPS, help="sample rate (default 2.4M; 2.048M also safe) (采样率)")
    p.add_argument("--crop", type=float, default=DEFAULT_CROP, help="share of each hop's width discarded at the edges (default 0.25)")
    p.add_argument("--settle-ms", type=float, default=DEFAULT_SETTLE_S * 1e3, help="samples discarded after each retune, in ms (default 10)")
    p.add_argument("--dwell", type=_count, default=DEFAULT_DWELL_SAMPLES, help="samples kept per hop (default 32768; 32k works)")
    p.add_argument("--passes", type=int, default=1, help="number of passes over the plan (default 1) (扫描遍数)")


def _make_plan(args: argparse.Namespace) -> HopPlan | None:
    common: dict[str, Any] = dict(
        rate_sps=args.rate, crop=args.crop, settle_s=args.settle_ms / 1e3, dwell_samples=args.dwell, passes=args.passes
    )
    if getattr(args, "profile", None):
        from meetkit.sweep.profiles import load_profile

        return plan_profile(load_profile(args.profile), **common)
    if getattr(args, "start", None) is not None:
        if args.stop is None:
            raise MeetkitError(ErrorCode.INVALID_INPUT, "--start needs --stop", "--start 需要与 --stop 一起使用")
        return plan_span(args.start, args.stop, **common)
    if getattr(args, "stop", None) is not None:
        raise MeetkitError(ErrorCode.INVALID_INPUT, "--stop needs --start", "--stop 需要与 --start 一起使用")
    return None


def _not_covered_lines(lang: str) -> list[str]:
    from meetkit.sweep.profiles import not_covered_details

    head = "接收机无法覆盖（报告中需注明）：" if lang == "zh" else "Not covered by the dongle (reports say so):"
    lines = [head]
    for item in not_covered_details():
        reason = item["reason_zh"] if lang == "zh" else item["reason"]
        lines.append(f"  {mhz(item['lo_hz'])} – {mhz(item['hi_hz'])}  {reason}")
    return lines


def cmd_plan(args: argparse.Namespace, ctx: CliContext) -> int:
    plan = _make_plan(args)
    assert plan is not None
    if args.json:
        from meetkit.sweep.profiles import not_covered_details

        doc = plan.to_dict()
        if not args.hops:
            doc.pop("hops")
        doc["not_covered"] = not_covered_details()
        ctx.out(doc)
        return 0
    for line in describe_plan(plan, ctx.lang):
        print(line)
    if args.hops:
        for hop in plan.hops:
            print(f"  #{hop.index:4d}  centre {mhz(hop.centre_hz)}  keep {mhz(hop.keep_lo_hz)} – {mhz(hop.keep_hi_hz)}")
    for line in _not_covered_lines(ctx.lang):
        print(line)
    return 0


def cmd_profiles(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.sweep.profiles import load_profile, not_covered_details, profile_names

    profiles = [load_profile(name) for name in profile_names()]
    if args.json:
        ctx.out(
            {
                "profiles": [
                    {
                        "name": p.name,
                        "title": p.title,
                        "title_zh": p.title_zh,
                        "bands": [b.__dict__ for b in p.bands],
                    }
                    for p in profiles
                ],
                "not_covered": not_covered_details(),
            }
        )
        return 0
    zh = ctx.lang == "zh"
    for p in profiles:
        print(f"{p.name}: {p.title_zh if zh else p.title}")
        for b in p.bands:
            print(f"  {mhz(b.lo_hz)} – {mhz(b.hi_hz)}  {b.label(ctx.lang)}  [{b.source}]")
    for line in _not_covered_lines(ctx.lang):
        print(line)
    return 0


def _summary_lines(lang: str, result: Any, writer: Any, meta_path: Any) -> list[str]:
    if lang == "zh":
        lines = [
            f"已写入 {meta_path}：{len(writer.captures)} 段（跳），{writer.samples_written} 个样本",
            f"完成 {result.passes_done} 遍，采集 {result.hops_done}/{result.hops_planned} 跳，"
            f"丢弃（处理跟不上）{result.dropped_samples} 个样本，稳定/缓冲舍弃 {result.discarded_samples} 个样本，"
            f"用时 {result.wall_time_s:.1f} s（计划硬件时间 {result.hardware_time_s:.1f} s）",
            "结果：不完整（部分）" if result.partial else "结果：完整",
        ]
        if result.error_zh:
            lines.append(f"原因：{result.error_zh}")
    else:
        lines = [
            f"wrote {meta_path}: {len(writer.captures)} capture segment(s) (hops), {writer.samples_written} samples",
            f"{result.passes_done} pass(es) complete, {result.hops_done} of {result.hops_planned} hops captured, "
            f"{result.dropped_samples} samples dropped (processing behind), {result.discarded_samples} discarded (settle/stale), "
            f"{result.wall_time_s:.1f} s wall time (plan's hardware time {result.hardware_time_s:.1f} s)",
            "result: PARTIAL" if result.partial else "result: complete",
        ]
        if result.error:
            lines.append(f"why: {result.error}")
    for warning in result.warnings:
        lines.append(("警告：" if lang == "zh" else "warning: ") + warning)
    return lines


def _progress(ctx: CliContext, passes_done: int, passes: int, writer: Any) -> None:
    en = f"pass {passes_done} of {passes} done ({len(writer.captures)} hops recorded)"
    zh = f"第 {passes_done}/{passes} 遍完成（已记录 {len(writer.captures)} 跳）"
    print(zh if ctx.lang == "zh" else en, file=sys.stderr, flush=True)


def cmd_record(args: argparse.Namespace, ctx: CliContext) -> int:
    from meetkit.sweep.acquisition import Acquisition
    from meetkit.sweep.sigmf_writer import SigMFSweepWriter, sigmf_paths
    from meetkit.sweep.sources import open_source

    plan = _make_plan(args)
    if not args.out:
        args.out = f"sweep-{ctx.clock.now().strftime('%Y%m%dT%H%M%SZ')}.sigmf-meta"
    sigmf_paths(args.out)  # a bad name fails before anything is opened
    settle_s = args.settle_ms / 1e3
    source = open_source(
        args.source, ctx.clock, settle_s=settle_s, rate_sps=args.rec_rate, centre_hz=args.centre, timeout_s=args.timeout
    )
    try:
        live = bool(getattr(source, "is_live", True))
        if live and plan is None:
            raise MeetkitError(
                ErrorCode.INVALID_INPUT,
                "say what to sweep: --profile NAME or --start F --stop F",
                "请指定扫描范围：--profile 配置名 或 --start 频率 --stop 频率",
            )
        if not live:
            plan = None  # a recording is replayed as it is, capture by capture
            caps = source.captures()
            ctx.say(
                f"Replaying {args.source}: {len(caps)} capture segment(s), {sum(c.n_samples for c in caps)} samples",
                f"回放 {args.source}：{len(caps)} 段，共 {sum(c.n_samples for c in caps)} 个样本",
            )
        else:
            assert plan is not None
            for line in describe_plan(plan, ctx.lang):
                print(line)
        sys.stdout.flush()
        writer = SigMFSweepWriter(
            args.out,
            source_info=source.describe(),
            plan=plan,
            gain_db=args.gain,
            ppm=args.ppm,
            overwrite=args.overwrite,
            description=args.description or "",
        )
        stop = threading.Event()
        acq = Acquisition(source, plan, gain_db=args.gain, ppm=args.ppm, clock=ctx.clock, queue_blocks=args.queue, stop_event=stop)
        interrupted = False
        gen = acq.blocks()
        try:
            try:
                last_pass = 0
                for block in gen:
                    if live and plan is not None and block.info.pass_index != last_pass:
                        last_pass = block.info.pass_index  # the pass before this block is done
                        _progress(ctx, last_pass, plan.passes, writer)
                    writer.add(block)
            except KeyboardInterrupt:
                interrupted = True
                stop.set()
                gen.close()
        except BaseException:
            if writer.samples_written == 0:
                writer.abort()
            else:
                writer.finish(acq.result)
            raise
        result = acq.result
        if interrupted:
            result.partial = True
            result.error = result.error or "interrupted by the operator; kept what was captured"
            result.error_zh = result.error_zh or "操作员中断；已保留已采集的数据"
        try:
            # the receiver as it ran (rate, gain, settle set by the sweep), not as it was when opened
            writer.source_info.update(source.describe())
        except Exception:  # noqa: BLE001 - informational; a source that cannot say must not lose the recording
            pass
        meta_path = writer.finish(result)
    finally:
        source.close()
    if args.json:
        doc = result.to_dict()
        doc.update({"meta": str(meta_path), "captures": len(writer.captures), "samples_written": writer.samples_written})
        ctx.out(doc)
    else:
        for line in _summary_lines(ctx.lang, result, writer, meta_path):
            print(line)
    if interrupted:
        return EXIT_INTERRUPTED
    if result.partial and result.error:
        print(f"meetkit: {result.error_zh if ctx.lang == 'zh' else result.error}", file=sys.stderr)
        return EXIT_PARTIAL
    return 0


def register(group: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = group.add_parser("plan", help="print the hop plan of a sweep (扫描计划)")
    _add_plan_options(p, need_range=True)
    p.add_argument("--hops", action="store_true", help="list every hop")
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.set_defaults(func=cmd_plan)

    p = group.add_parser("profiles", help="list the band profiles and what the dongle cannot cover (频段配置)")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=cmd_profiles)

    p = group.add_parser("record", help="record a sweep to a multi-capture SigMF file (扫描录制)")
    p.add_argument("--source", required=True, help="rtlsdr[:INDEX], rtltcp:HOST:PORT or a recording path (信号源)")
    p.add_argument(
        "--out",
        default=None,
        help="output NAME.sigmf-meta, NAME.sigmf-data is written beside it (default sweep-<UTC time>.sigmf-meta here)",
    )
    _add_plan_options(p, need_range=False)
    p.add_argument("--gain", type=_gain, default=None, help="tuner gain in dB, or auto (default auto) (增益)")
    p.add_argument("--ppm", type=int, default=0, help="frequency correction in ppm (频率校正)")
    p.add_argument("--queue", type=int, default=64, help="blocks buffered between capture and writing (default 64)")
    p.add_argument("--timeout", type=float, default=5.0, help="seconds without data before an rtl_tcp source counts as lost")
    p.add_argument("--centre", type=_freq, default=None, help="centre frequency of a raw recording (.cu8/.cfile) without it in its name")
    p.add_argument("--rec-rate", type=_freq, default=None, help="sample rate of a raw recording without it in its name")
    p.add_argument("--description", default="", help="core:description of the recording")
    p.add_argument("--overwrite", action="store_true", help="replace an existing recording of that name")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_record)
