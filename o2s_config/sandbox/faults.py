"""Faults on demand, for testing clients: latency, rate limiting (429) and random failures (503).

The middleware decides before the request reaches its endpoint, so a faulted request never
starts a transaction and never leaves a half-applied write.
"""

from __future__ import annotations

import asyncio
import math
import random
import threading
import time
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Receive, Scope, Send

from o2s_config.sandbox.problems import ProblemError, problem_response


@dataclass
class Faults:
    """What to inject; all off by default."""

    fail_rate: float = 0.0
    rate_limit: int | None = None
    latency_ms: int = 0
    seed: int | None = None
    _random: random.Random = field(init=False)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)
    _window: int = field(init=False, default=-1)
    _count: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    @property
    def active(self) -> bool:
        """True when any fault is configured (the middleware is installed only then)."""
        return bool(self.fail_rate or self.rate_limit or self.latency_ms)

    def decide(self, clock: float) -> ProblemError | None:
        """The fault this request gets, if any (one draw per request, in arrival order)."""
        with self._lock:
            if self.rate_limit is not None:
                second = math.floor(clock)
                if second != self._window:
                    self._window, self._count = second, 0
                self._count += 1
                if self._count > self.rate_limit:
                    return ProblemError("rate-limited", f"more than {self.rate_limit} requests in one second")
            if self.fail_rate and self._random.random() < self.fail_rate:
                return ProblemError("unavailable", "injected failure (--fail-rate); retry later")
        return None


class FaultMiddleware:
    """ASGI middleware applying ``Faults`` to every HTTP request."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.faults.latency_ms:
            await asyncio.sleep(self.faults.latency_ms / 1000)
        fault = self.faults.decide(time.time())
        if fault is None:
            await self.app(scope, receive, send)
            return
        response = problem_response(fault, scope.get("path"), headers={"Retry-After": "1"})
        await response(scope, receive, send)
