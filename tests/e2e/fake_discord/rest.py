"""Discord's REST API under /api/v10: routing, auth, body parsing, faults and recording.

Every request is recorded (unknown routes too, answered 404 `{"message": "404: Not Found",
"code": 0}` like Discord). Bot-authenticated routes require `Authorization: Bot <token>`
(else 401); interaction callbacks and interaction webhooks are authenticated by their token
in the path, as on Discord. Bodies are JSON or multipart/form-data with `payload_json`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .limits import ApiError
from .records import RecordedRequest

if TYPE_CHECKING:
    from .server import FakeDiscord

API_PREFIX = "/api/v10"
MAJOR_PARAMS = ("channel_id", "guild_id", "application_id", "interaction_token")
NO_RATE_LIMIT = {"POST /interactions/{interaction_id}/{interaction_token}/callback"}


@dataclass
class Call:
    """A parsed request handed to a route handler."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[str]
    record: RecordedRequest


Handler = Callable[[Call], Awaitable[tuple[int, Any]]]


@dataclass
class Route:
    method: str
    template: str
    handler: Handler
    auth: bool = True
    regex: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.template))
        self.regex = re.compile(f"^{pattern}$")

    @property
    def key(self) -> str:
        return f"{self.method} {self.template}"


class RestApi:
    def __init__(self, fake: FakeDiscord, routes: list[Route]) -> None:
        self.fake = fake
        self.routes = routes

    def _match(self, method: str, path: str) -> tuple[Route | None, dict[str, str]]:
        for route in self.routes:
            if route.method == method and (m := route.regex.match(path)):
                return route, m.groupdict()
        return None, {}

    @staticmethod
    async def _body(request: web.Request) -> tuple[Any, list[str]]:
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            files = [
                f.filename
                for k, f in form.items()
                if hasattr(f, "filename") and k != "payload_json"
            ]
            raw = form.get("payload_json")
            return (json.loads(str(raw)) if raw is not None else None), files
        text = await request.text()
        return (json.loads(text) if text else None), []

    async def handle(self, request: web.Request) -> web.Response:
        fake = self.fake
        method, full_path = request.method, request.path
        path = full_path.removeprefix(API_PREFIX)
        route, params = (
            self._match(method, path) if full_path.startswith(API_PREFIX) else (None, {})
        )
        try:
            body, files = await self._body(request)
        except (ValueError, UnicodeDecodeError):
            body, files = None, []
        record = RecordedRequest(
            method=method,
            path=path,
            route_key=route.key if route else "UNKNOWN",
            json=body,
            status=0,
            at=fake.clock(),
            query=dict(request.query),
            params=params,
            files=files,
        )
        headers: dict[str, str] = {"Via": "1.1 google"}  # Discord is behind Google's LB.
        try:
            if route is None:
                raise ApiError(404, {"message": "404: Not Found", "code": 0})
            if route.auth and request.headers.get("Authorization") != f"Bot {fake.token}":
                raise ApiError(401, {"message": "401: Unauthorized", "code": 0})
            injected = fake.limits.injected(route.key, method, path)
            if injected:
                raise injected
            if route.key not in NO_RATE_LIMIT:
                major = ",".join(params.get(p, "") for p in MAJOR_PARAMS)
                rl_headers, over = fake.limits.consume(f"{route.key}|{major}")
                headers |= rl_headers
                if over:
                    raise over
            call = Call(method, path, params, dict(request.query), body, files, record)
            status, payload = await route.handler(call)
        except ApiError as exc:
            status, payload = exc.status, exc.body
            headers |= exc.headers
        record.status, record.response = status, payload
        fake.requests.append(record)
        fake.changes.notify()
        if status == 204:
            return web.Response(status=204, headers=headers)
        # Exactly "application/json": discord.py parses JSON only on that exact content type.
        body = json.dumps(payload).encode()
        headers["Content-Type"] = "application/json"
        return web.Response(body=body, status=status, headers=headers)
