"""Rate-limit headers, real per-bucket counting, and injected failures (429 / 5xx).

Imitates Discord: every response carries `X-RateLimit-Limit/Remaining/Reset/Reset-After/
Bucket` so discord.py's bucket logic runs; a 429 carries `Retry-After`, `X-RateLimit-Scope`,
`Via` (discord.py treats a 429 without `Via` as a Cloudflare ban and does not retry) and the
body `{"message": "You are being rate limited.", "retry_after": x, "global": bool}`.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from fnmatch import fnmatchcase

from .limits import ApiError


@dataclass
class FailRule:
    """Answer the next `count` requests matching `pattern` with `status`."""

    pattern: str
    status: int
    count: int
    retry_after: float
    global_: bool
    body: dict[str, object] | None = None

    def matches(self, route_key: str, method: str, path: str) -> bool:
        return fnmatchcase(route_key, self.pattern) or fnmatchcase(f"{method} {path}", self.pattern)


def rate_limited(retry_after: float, global_: bool) -> ApiError:
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": global_}
    headers = {
        "Retry-After": str(math.ceil(retry_after)),
        "X-RateLimit-Scope": "global" if global_ else "user",
    }
    if global_:
        headers["X-RateLimit-Global"] = "true"
    return ApiError(429, body, headers)


class RateLimits:
    """Fixed one-window-per-`per` buckets keyed by route and major parameters."""

    def __init__(self, limit: int, per: float) -> None:
        self.limit = limit
        self.per = per
        self.rules: list[FailRule] = []
        self._windows: dict[str, tuple[float, int]] = {}

    def injected(self, route_key: str, method: str, path: str) -> ApiError | None:
        for rule in self.rules:
            if rule.count > 0 and rule.matches(route_key, method, path):
                rule.count -= 1
                if rule.status == 429:
                    err = rate_limited(rule.retry_after, rule.global_)
                    if rule.body:
                        err.body |= rule.body
                    return err
                return ApiError(
                    rule.status, rule.body or {"message": "Internal Server Error", "code": 0}
                )
        return None

    def consume(self, bucket_key: str) -> tuple[dict[str, str], ApiError | None]:
        """Counts one request; returns the headers to send and a 429 if over the limit."""
        now = time.time()
        start, used = self._windows.get(bucket_key, (now, 0))
        if now - start >= self.per:
            start, used = now, 0
        used += 1
        self._windows[bucket_key] = (start, used)
        reset_after = max(start + self.per - now, 0.001)
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(self.limit - used, 0)),
            "X-RateLimit-Reset": f"{start + self.per:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": hashlib.sha1(bucket_key.split("|")[0].encode()).hexdigest()[:16],
        }
        if used > self.limit:
            return headers, rate_limited(round(reset_after, 3), False)
        return headers, None
