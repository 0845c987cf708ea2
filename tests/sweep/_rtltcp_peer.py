"""A hand-made rtl_tcp peer for tests: a real socket server on 127.0.0.1 that sends the real
12-byte greeting, records every 5-byte command it receives (and the raw bytes), and streams
cu8 bytes. The byte value it streams is a tag that changes with every frequency command, so a
test can see whether stale samples from before a retune leaked into a block.

It reads commands between chunks in the same thread that sends, so after it has seen a tune
command, at most one chunk (``chunk_bytes``) of the old tag is still on its way.
"""

from __future__ import annotations

import select
import socket
import struct
import threading
import time


class RtlTcpPeer:
    def __init__(
        self,
        *,
        tuner: int = 5,
        gain_count: int = 29,
        header: bytes | None = None,
        chunk_bytes: int = 16384,
        rate_bytes_per_s: float | None = 4.8e6,  # paced like a dongle at 2.4 MS/s; None: as fast as possible
        close_after_tunes: int | None = None,
        silent: bool = False,
        payload: bytes | None = None,  # stream this (repeated) instead of tags
    ) -> None:
        self.header = header if header is not None else b"RTL0" + struct.pack(">II", tuner, gain_count)
        self.chunk_bytes = chunk_bytes
        self.rate = rate_bytes_per_s
        self.close_after_tunes = close_after_tunes
        self.silent = silent
        self.payload = payload
        self.commands: list[tuple[int, int]] = []
        self.raw_commands = bytearray()
        self.tunes = 0
        self.tag = 1
        self.bytes_sent = 0
        self._listen = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listen.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listen.bind(("127.0.0.1", 0))
        self._listen.listen(1)
        self.port = self._listen.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _handle(self, data: bytes, pending: bytearray) -> bool:
        """Parse commands; False when the peer should hang up."""
        self.raw_commands += data
        pending += data
        while len(pending) >= 5:
            cmd, param = struct.unpack(">BI", bytes(pending[:5]))
            del pending[:5]
            self.commands.append((cmd, param))
            if cmd == 0x01:
                self.tunes += 1
                self.tag = 1 + (self.tunes % 250)
                if self.close_after_tunes is not None and self.tunes >= self.close_after_tunes:
                    return False
        return True

    def _serve(self) -> None:
        self._listen.settimeout(0.2)
        conn = None
        while not self._stop.is_set():
            try:
                conn, _ = self._listen.accept()
                break
            except TimeoutError:
                continue
        if conn is None:
            return
        pending = bytearray()
        chunk_cache: dict[int, bytes] = {}
        payload = self.payload
        try:
            conn.sendall(self.header)
            interval = self.chunk_bytes / self.rate if self.rate else 0.0
            next_send = time.monotonic()
            offset = 0
            while not self._stop.is_set():
                wait = max(0.0, next_send - time.monotonic()) if not self.silent else 0.05
                readable, _, _ = select.select([conn], [], [], wait)
                if readable:
                    data = conn.recv(4096)
                    if not data or not self._handle(data, pending):
                        break
                    continue
                if self.silent:
                    continue
                if payload is not None:
                    end = offset + self.chunk_bytes
                    if end <= len(payload):
                        chunk = payload[offset:end]
                    else:
                        chunk = payload[offset:] + payload[: end - len(payload)]
                    offset = end % len(payload)
                else:
                    chunk = chunk_cache.get(self.tag)
                    if chunk is None:
                        chunk = chunk_cache[self.tag] = bytes([self.tag]) * self.chunk_bytes
                conn.sendall(chunk)
                self.bytes_sent += len(chunk)
                if interval:
                    next_send = max(next_send + interval, time.monotonic() - 0.05)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listen.close()

    def __enter__(self) -> RtlTcpPeer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
