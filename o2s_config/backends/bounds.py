"""The client's bounds: a total deadline per command, a time limit per request, a size limit per answer,
and a nesting limit on the JSON it decodes (the interpreter's own recursion limit, met as a clean error).

A tenant that drips its answer a byte at a time, or sends one without end, must not hold a
command or its memory: each breach is a clean error naming the bound and how to change it.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import orjson

from o2s_config.errors import DeadlineExceededError, O2SConfigError, ResponseTooLargeError

DEADLINE_VARIABLE = "O2S_DEADLINE"
DEFAULT_DEADLINE = 3600.0  # seconds: a first apply of 50,000 users takes about 2 minutes embedded
REQUEST_LIMIT = 120.0  # seconds one request may take, its whole answer included
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # a page of 1,000 users is about 1 MB


class Deadline:
    """The time a command has left."""

    def __init__(self, seconds: float = DEFAULT_DEADLINE, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._end = clock() + seconds

    def remaining(self) -> float:
        """Seconds left (0 or less once past)."""
        return self._end - self._clock()

    def exceeded(self, trouble: str | None = None) -> DeadlineExceededError:
        """The error to raise once past it; ``trouble`` says what the time went on (a tenant answering 503...)."""
        cause = f" (meanwhile: {trouble})" if trouble else ""
        return DeadlineExceededError(
            f"the command did not finish within its deadline of {self.seconds:g} s{cause}; "
            f"give it more with --deadline SECONDS or {DEADLINE_VARIABLE}"
        )


def deadline_seconds(given: float | None, env: Mapping[str, str] | None = None) -> float:
    """``--deadline``, else ``O2S_DEADLINE``, else the default; a positive number of seconds."""
    env = os.environ if env is None else env
    if given is not None:
        return given
    text = env.get(DEADLINE_VARIABLE)
    if not text:
        return DEFAULT_DEADLINE
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not math.isfinite(seconds) or seconds <= 0:
        raise O2SConfigError(f"{DEADLINE_VARIABLE}={text!r}: give a positive number of seconds")
    return seconds


async def read_bounded(response: httpx.Response, limit: int = MAX_RESPONSE_BYTES) -> bytes:
    """The body of a streamed answer, refused once it grows past ``limit`` bytes (decoded)."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit and "Content-Encoding" not in response.headers:
        raise _too_large(response, limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise _too_large(response, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(response: httpx.Response, limit: int) -> ResponseTooLargeError:
    request = response.request
    return ResponseTooLargeError(
        f"the tenant's answer to {request.method} {request.url.path} is larger than {limit // (1024 * 1024)} MiB; "
        "it was not read (a page of 1,000 users is about 1 MB)"
    )


# what a buffered copy of a streamed answer must not repeat: its body is already decoded and whole
_STREAM_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


def buffered(response: httpx.Response, body: bytes) -> httpx.Response:
    """A plain answer holding ``body``, read from the streamed ``response``."""
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _STREAM_HEADERS]
    return httpx.Response(response.status_code, headers=headers, content=body, request=response.request)


def json_of(response: httpx.Response) -> Any:
    """The JSON body of an answer; one nested too deeply to decode is a ``ValueError``, as one that is not JSON."""
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        pass  # not UTF-8, NaN, deeper than orjson goes...: the json module decides, as it always did
    try:
        return response.json()
    except RecursionError:
        raise ValueError("its JSON is nested too deeply to be read") from None
