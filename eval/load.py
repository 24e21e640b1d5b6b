"""A load generator that costs this machine little per request, for benches whose clients share the server's cores.

Phones upload over a network from CPUs of their own. Here the clients run on the server's two cores, so whatever
a client spends per request is taken from the server and lands in the latency it measures. Twenty httpx clients
in threads spent 3.5–3.9 ms of CPU per upload, more than the API itself (2.2 ms, docs/measurements.md). These
clients are asyncio tasks on one thread: each sends requests built beforehand (by httpx, so they are well formed)
as raw HTTP/1.1 over a kept-alive connection and reads the response by its Content-Length."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx


def raw(request: httpx.Request) -> bytes:
    """The request as it goes on the wire (HTTP/1.1, its body read in full)."""
    body = request.read()
    target = request.url.raw_path.decode("ascii")
    head = f"{request.method} {target} HTTP/1.1\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in request.headers.items()) + "\r\n"
    return head.encode("latin-1") + body


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    ms: float  # from the first byte sent to the last byte of the response read


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    lengths = [int(line.split(":", 1)[1]) for line in head[1:] if line.lower().startswith("content-length:")]
    if not lengths:  # the API answers with a length; a chunked reply would need more than this client reads
        raise RuntimeError(f"a response without Content-Length: {head[0]}")
    return status, await reader.readexactly(lengths[0])


async def _client(url: str, requests: Sequence[bytes]) -> list[Reply]:
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    replies = []
    try:
        for wire in requests:
            started = time.perf_counter()
            writer.write(wire)
            await writer.drain()
            status, body = await _response(reader)
            replies.append(Reply(status, body, (time.perf_counter() - started) * 1000))
    finally:
        writer.close()
    return replies


def run(url: str, clients: Sequence[Sequence[bytes]]) -> list[Reply]:
    """Each client sends its requests one after another, all clients at once (closed loop); every reply."""

    async def every() -> list[list[Reply]]:
        return await asyncio.gather(*(_client(url, requests) for requests in clients))

    return [reply for replies in asyncio.run(every()) for reply in replies]
