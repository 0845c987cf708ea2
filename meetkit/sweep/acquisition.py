"""The acquisition engine: walks a hop plan on a source and hands IQ blocks to processing.

Capture runs on its own thread and passes blocks through a bounded queue. A live source is never
made to wait for a slow consumer (an rtl_tcp server's buffer would overflow): when the queue is
full the block is dropped, its samples are counted in ``result.dropped_samples`` and in the next
delivered block's ``info.dropped``. A recording is replayed at the consumer's pace (nothing is
dropped). A source lost mid-sweep (dongle unplugged, connection closed) ends the iteration with
``result.partial = True`` and ``result.error`` saying where; what was captured is kept.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from meetkit.clock import Clock
from meetkit.errors import ErrorCode, MeetkitError
from meetkit.sweep.blocks import IQBlock, Source
from meetkit.sweep.hopplan import HopPlan

log = logging.getLogger(__name__)

_END = object()
_POLL_S = 0.1


@dataclass
class AcquisitionResult:
    hops_planned: int = 0  # hops per pass × passes (for a recording: its capture blocks)
    hops_done: int = 0  # hop blocks captured (delivered or dropped)
    blocks_delivered: int = 0
    blocks_dropped: int = 0
    passes_done: int = 0  # complete passes
    samples_delivered: int = 0
    dropped_samples: int = 0  # captured but thrown away because processing fell behind
    discarded_samples: int = 0  # thrown away on purpose: settle after each retune, stale buffered data
    partial: bool = False
    stopped: bool = False  # stopped on request (stop event)
    error: str | None = None
    error_zh: str | None = None
    warnings: list[str] = field(default_factory=list)
    wall_time_s: float = 0.0
    hardware_time_s: float = 0.0  # what the plan says the receiver needs for the passes done

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class Acquisition:
    """Iterate ``blocks()`` once; read ``result`` afterwards."""

    def __init__(
        self,
        source: Source,
        plan: HopPlan | None,
        *,
        gain_db: float | None = None,
        ppm: int = 0,
        clock: Clock,
        queue_blocks: int = 64,
        stop_event: threading.Event | None = None,
    ) -> None:
        if plan is None and getattr(source, "is_live", True):
            raise MeetkitError(ErrorCode.INVALID_INPUT, "a live source needs a hop plan", "实时信号源需要扫描计划")
        self.source = source
        self.plan = plan
        self.gain_db = gain_db
        self.ppm = int(ppm)
        self.clock = clock
        self.stop_event = stop_event or threading.Event()
        self.result = AcquisitionResult()
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, int(queue_blocks)))
        self._thread: threading.Thread | None = None
        self._fatal: MeetkitError | None = None
        self._lock = threading.Lock()
        self._pending_dropped = 0
        self._started = False
        self._halt = threading.Event()  # set when the consumer is done (or gave up)
        self._where: tuple[int, int] = (0, -1)

    # -- capture thread -----------------------------------------------------------------------

    def _halted(self) -> bool:
        if self.stop_event.is_set():
            self.result.stopped = True
            return True
        return self._halt.is_set()

    def _deliver(self, block: IQBlock, live: bool) -> bool:
        """Hand a block to the consumer. Live: never wait (drop and count). Replay: wait."""
        out = block
        if self._pending_dropped:
            out = IQBlock(block.samples, dataclasses.replace(block.info, dropped=block.info.dropped + self._pending_dropped))
        if live:
            try:
                self._queue.put_nowait(out)
            except queue.Full:
                with self._lock:
                    self.result.dropped_samples += len(block)
                    self.result.blocks_dropped += 1
                self._pending_dropped += len(block)
                return False
            self._pending_dropped = 0
            return True
        while not self._halted():
            try:
                self._queue.put(out, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def _run_live(self) -> None:
        plan = self.plan
        assert plan is not None
        src: Any = self.source
        if hasattr(src, "set_settle"):
            src.set_settle(plan.settle_s)
            settle_samples = 0
        else:
            settle_samples = int(round(plan.settle_s * plan.rate_sps))
        src.set_sample_rate(plan.rate_sps)
        src.set_gain(self.gain_db)
        src.set_ppm(self.ppm)
        hop_count = len(plan.hops)
        for pass_index in range(plan.passes):
            for hop in plan.hops:
                if self._halted():
                    return
                self._where = (pass_index, hop.index)
                src.tune(plan.centre_for_pass(hop, pass_index))  # odd passes a little off the DC
                if settle_samples:
                    src.read(settle_samples)
                    with self._lock:
                        self.result.discarded_samples += settle_samples
                block = src.read(plan.dwell_samples)
                info = dataclasses.replace(
                    block.info,
                    hop_index=hop.index,
                    pass_index=pass_index,
                    extra={**block.info.extra, "keep_lo_hz": hop.keep_lo_hz, "keep_hi_hz": hop.keep_hi_hz},
                )
                with self._lock:
                    self.result.hops_done += 1
                self._deliver(IQBlock(block.samples, info), live=True)
            with self._lock:
                self.result.passes_done = pass_index + 1
            log.debug("pass %d of %d done (%d hops)", pass_index + 1, plan.passes, hop_count)

    def _run_replay(self) -> None:
        src: Any = self.source
        block_samples = self.plan.dwell_samples if self.plan is not None else 32768
        last_pass = 0
        last_capture: tuple[Any, ...] | None = None
        for block in src.iter_blocks(block_samples):
            if self._halted():
                return
            self._where = (block.info.pass_index, block.info.hop_index)
            if block.info.pass_index != last_pass:
                with self._lock:
                    self.result.passes_done = block.info.pass_index
                last_pass = block.info.pass_index
            capture = (block.info.pass_index, block.info.hop_index, block.info.extra.get("capture_index"))
            if capture != last_capture:
                last_capture = capture
                with self._lock:
                    self.result.hops_done += 1
            self._deliver(block, live=False)
        with self._lock:
            self.result.passes_done = last_pass + 1

    def _capture(self) -> None:
        live = bool(getattr(self.source, "is_live", True))
        try:
            if live:
                self._run_live()
            else:
                self._run_replay()
            if self.result.stopped:
                with self._lock:
                    self.result.partial = True
                    self.result.error = "stopped before the end of the plan; kept what was captured"
                    self.result.error_zh = "扫描在计划完成前被停止；已保留已采集的数据"
        except MeetkitError as err:
            self._record_error(err)
        except Exception as err:  # a bug or an unexpected library failure: keep what we have
            log.exception("capture failed")
            self._record_error(MeetkitError(ErrorCode.SOURCE_LOST, f"capture failed: {err!r}", f"采集失败：{err!r}"))
        finally:
            with self._lock:
                self.result.discarded_samples += int(getattr(self.source, "discarded_samples", 0) or 0)
                self.result.warnings.extend(getattr(self.source, "warnings", []) or [])
            while True:  # the end marker must get through; the consumer drains until it sees it
                try:
                    self._queue.put(_END, timeout=_POLL_S)
                    break
                except queue.Full:
                    if self._halt.is_set():
                        break

    def _record_error(self, err: MeetkitError) -> None:
        pass_index, hop_index = self._where
        where_en = where_zh = ""
        if self.plan is not None and getattr(self.source, "is_live", True) and hop_index >= 0:
            where_en = f" at hop {hop_index + 1} of {len(self.plan.hops)}, pass {pass_index + 1} of {self.plan.passes}"
            where_zh = f"（第 {pass_index + 1}/{self.plan.passes} 遍，第 {hop_index + 1}/{len(self.plan.hops)} 跳）"
        with self._lock:
            self.result.partial = True
            self.result.error = f"{err.en}{where_en}; kept what was captured before"
            self.result.error_zh = f"{err.zh}{where_zh}；已保留此前采集的数据"
        self._fatal = err

    # -- consumer side ------------------------------------------------------------------------

    def blocks(self) -> Iterator[IQBlock]:
        if self._started:
            raise MeetkitError(ErrorCode.INVALID_STATE, "an acquisition runs only once", "一次采集只能运行一次")
        self._started = True
        plan = self.plan
        if plan is not None:
            self.result.hops_planned = len(plan.hops) * plan.passes
        elif hasattr(self.source, "captures"):
            self.result.hops_planned = len(self.source.captures())
        t0 = time.perf_counter()
        self._thread = threading.Thread(target=self._capture, name="meetkit-sweep-capture", daemon=True)
        self._thread.start()
        delivered_any = False
        try:
            while True:
                try:
                    item = self._queue.get(timeout=_POLL_S)
                except queue.Empty:
                    continue
                if item is _END:
                    break
                delivered_any = True
                with self._lock:
                    self.result.blocks_delivered += 1
                    self.result.samples_delivered += len(item)
                yield item
        finally:
            # the consumer may stop early (break / exception): stop capture and let it finish
            self._halt.set()
            self._drain_queue()
            self._thread.join(timeout=10)
            self.result.wall_time_s = time.perf_counter() - t0
            if plan is not None:
                self.result.hardware_time_s = plan.hardware_time_s() * (self.result.hops_done / max(1, len(plan.hops)))
                if self.result.hops_done < self.result.hops_planned:
                    self.result.partial = True  # the consumer stopped early, or the source was lost
        if self._fatal is not None and not delivered_any and self.result.dropped_samples == 0:
            raise self._fatal

    def _drain_queue(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return

    def run(self) -> AcquisitionResult:
        """Run to the end, throwing the blocks away (for tests and benchmarks)."""
        for _ in self.blocks():
            pass
        return self.result
