"""The rate limit several API processes share, counted in the machine's Redis; open when Redis is away."""

from __future__ import annotations

import secrets
import time

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from attest.api.auth import SharedRateLimiter
from attest.api.problems import Problem
from attest.cluster import free_port


def test_two_processes_share_one_limit() -> None:
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    first, second = SharedRateLimiter(5, client), SharedRateLimiter(5, client)  # as in two API processes
    key = f"key_{secrets.token_hex(6)}"
    for i in range(5):
        (first if i % 2 else second).check(key)
    with pytest.raises(Problem) as refused:
        first.check(key)
    assert refused.value.status == 429 and 0 < refused.value.extra["retry_after"] <= 60
    second.check(f"key_{secrets.token_hex(6)}")  # another key has its own window


def test_an_unreachable_redis_lets_requests_through_without_waiting() -> None:
    away = redis.Redis(host="127.0.0.1", port=free_port(), socket_timeout=0.2, socket_connect_timeout=0.2,
                       retry=Retry(NoBackoff(), 0))
    limiter = SharedRateLimiter(1, away)
    started = time.perf_counter()
    for _ in range(50):
        limiter.check("key_x")
    assert time.perf_counter() - started < 1.0  # one failed attempt, then Redis is left alone for a while
