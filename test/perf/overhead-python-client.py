#!/usr/bin/env python3
"""A raw-socket floor in another runtime, for the overhead benchmark (overhead-python-client.ts).

The same job as overhead-raw-client.ts, in CPython's asyncio (standard library only): open the
connections, write every request at once, stamp each read in the protocol's data_received with
CLOCK_MONOTONIC (time.monotonic_ns), count its content events by a byte search, and print the
records as JSON. vLLM's own benchmark client runs on this event loop (through aiohttp, which adds
its parsing and a task wake-up per chunk on top), so this is the floor under it on this machine.

Usage: overhead-python-client.py PORT STREAMS MAX_TOKENS
"""
import asyncio
import json
import socket
import sys
import time

CONTENT = b'"content":" token"'
DONE = b"data: [DONE]"


def now_ms() -> float:
    return time.monotonic_ns() / 1e6


class Stream(asyncio.Protocol):
    def __init__(self, index: int, done: asyncio.Future) -> None:
        self.index = index
        self.done = done
        self.chunks: list[float] = []
        self.sent = 0.0
        self.written = 0.0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        at = now_ms()  # first thing: the read's stamp
        self.chunks.extend([at] * data.count(CONTENT))
        if DONE in data:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def main(port: int, streams: int, max_tokens: int) -> None:
    loop = asyncio.get_running_loop()
    protocols: list[Stream] = []
    for index in range(streams):
        protocol = Stream(index, loop.create_future())
        await loop.create_connection(lambda p=protocol: p, "127.0.0.1", port)
        protocols.append(protocol)
    cpu_start = time.process_time()
    for p in protocols:
        body = json.dumps({"model": "bench-model", "messages": [{"role": "user", "content": f"{p.index} python"}], "max_tokens": max_tokens, "stream": True})
        head = f"POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
        p.sent = now_ms()
        p.transport.write((head + body).encode())
        p.written = now_ms()
    await asyncio.gather(*(p.done for p in protocols))
    cpu_ms = (time.process_time() - cpu_start) * 1000
    records = [{"index": p.index, "sentAtMonotonicMs": p.sent, "writtenAtMonotonicMs": p.written, "chunkAtMonotonicMs": p.chunks} for p in protocols]
    print(json.dumps({"cpuMs": cpu_ms, "records": records}))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))
