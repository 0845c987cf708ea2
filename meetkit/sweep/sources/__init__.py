"""Where samples come from: a USB dongle, an rtl_tcp server (a Pi in the venue or the kit's
simulator), or a recording. ``open_source(spec, clock)`` turns what a person types into one.

Specs: ``rtlsdr`` or ``rtlsdr:INDEX``; ``rtltcp:HOST:PORT`` (``rtltcp:HOST`` uses port 1234);
or a recording path (``.sigmf-meta``/``.sigmf-data``, ``.cu8``/``.bin``, ``.cfile``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from meetkit.clock import Clock
from meetkit.errors import ErrorCode, MeetkitError

DEFAULT_RTLTCP_PORT = 1234


def _bad_spec(spec: str, why: str, why_zh: str) -> MeetkitError:
    return MeetkitError(
        ErrorCode.INVALID_INPUT,
        f"bad source {spec!r}: {why} (use rtlsdr[:INDEX], rtltcp:HOST:PORT or a recording path)",
        f"信号源 {spec!r} 无效：{why_zh}（可用 rtlsdr[:序号]、rtltcp:主机:端口 或录音文件路径）",
    )


def parse_rtltcp_spec(spec: str) -> tuple[str, int]:
    """``rtltcp:HOST:PORT`` → (host, port); ``rtltcp:[::1]:PORT`` for IPv6."""
    rest = spec.split(":", 1)[1] if ":" in spec else ""
    if not rest:
        raise _bad_spec(spec, "no host", "缺少主机")
    if rest.startswith("["):
        host, _, tail = rest[1:].partition("]")
        port_text = tail[1:] if tail.startswith(":") else ""
    elif rest.count(":") == 1:
        host, port_text = rest.split(":")
    elif ":" not in rest:
        host, port_text = rest, ""
    else:
        raise _bad_spec(spec, "write IPv6 hosts in brackets", "IPv6 地址须写在方括号内")
    if not host:
        raise _bad_spec(spec, "no host", "缺少主机")
    if not port_text:
        return host, DEFAULT_RTLTCP_PORT
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise _bad_spec(spec, f"port {port_text!r} is not 1–65535", f"端口 {port_text!r} 不在 1–65535 内")
    return host, int(port_text)


def open_source(spec: str, clock: Clock, **options: Any) -> Any:
    """Open the source named by ``spec``. Options: ``settle_s``, ``timeout_s`` (rtl_tcp);
    ``rate_sps``, ``centre_hz``, ``datatype`` (raw recordings)."""
    spec = spec.strip()
    lower = spec.lower()
    if lower == "rtlsdr" or lower.startswith("rtlsdr:"):
        from meetkit.sweep.sources.rtlsdr_usb import RtlSdrUsbSource

        index_text = spec.split(":", 1)[1] if ":" in spec else "0"
        if not index_text.isdigit():
            raise _bad_spec(spec, f"device index {index_text!r} is not a number", f"设备序号 {index_text!r} 不是数字")
        return RtlSdrUsbSource(int(index_text), clock=clock, settle_s=float(options.get("settle_s", 0.0)))
    if lower.startswith("rtltcp:") or lower == "rtltcp":
        from meetkit.sweep.sources.rtltcp import RtlTcpSource

        host, port = parse_rtltcp_spec(spec)
        return RtlTcpSource(
            host,
            port,
            clock=clock,
            settle_s=float(options.get("settle_s", 0.0)),
            timeout_s=float(options.get("timeout_s", 5.0)),
        )
    from meetkit.sweep.sources.recording import RecordingSource

    path = Path(spec).expanduser()
    if not path.exists():
        raise MeetkitError(
            ErrorCode.BAD_RECORDING,
            f"no such source {spec!r} (recording file not found): give rtlsdr[:INDEX], rtltcp:HOST:PORT or a recording file "
            "(.sigmf-meta, .cu8, .bin, .cfile) that exists",
            f"没有这个信号源 {spec!r}：请给出 rtlsdr[:序号]、rtltcp:主机:端口 或已存在的录音文件"
            "（.sigmf-meta、.cu8、.bin、.cfile）",
        )
    return RecordingSource(
        path,
        clock=clock,
        rate_sps=options.get("rate_sps"),
        centre_hz=options.get("centre_hz"),
        datatype=options.get("datatype"),
    )


__all__ = ["DEFAULT_RTLTCP_PORT", "open_source", "parse_rtltcp_spec"]
