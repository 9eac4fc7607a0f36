"""Discord's gateway websocket (v10, JSON text frames) for one bot.

Imitates: HELLO, IDENTIFY (with `shard`, see shards.py) -> READY + GUILD_CREATE per guild of
the shard, HEARTBEAT -> HEARTBEAT_ACK,
RESUME -> replay of missed dispatches + RESUMED, REQUEST_GUILD_MEMBERS -> one chunk, sequence
numbers, intent filtering (including the MESSAGE_CONTENT rules), no events from channels the
bot cannot view, close codes 4004/4014, and
the faults a bot must survive: dropped socket, op 7 RECONNECT, op 9 INVALID_SESSION.
discord.py asks for zlib-stream compression but only decompresses binary frames, so plain
text frames are valid here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .payloads import VIEW_CHANNEL
from .permissions import channel_permissions
from .records import Changes
from .shards import UNSHARDED, Shard, parse_shard, receives, shard_of

if TYPE_CHECKING:
    from .server import FakeDiscord

JSON = dict[str, Any]

# Opcodes and intents (https://discord.com/developers/docs/topics/gateway).
DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, RESUME, RECONNECT = 0, 1, 2, 3, 6, 7
REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11
GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT = 1 << 1, 1 << 8, 1 << 15
GUILD_MESSAGES, DIRECT_MESSAGES = 1 << 9, 1 << 12
PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT


@dataclass
class Session:
    """A gateway session: survives socket drops until invalidated, so RESUME can replay."""

    id: str
    intents: int
    shard: Shard = UNSHARDED
    seq: int = 0
    sent: list[JSON] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    request: web.Request | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Gateway:
    """Serves `/gateway` and `/gateway-resume` (the READY `resume_gateway_url`)."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.sessions: dict[str, Session] = {}
        self.ops: list[tuple[str, JSON]] = []  # ("IDENTIFY", d), ("RESUME", d), ("CONNECT", ...)
        # When each session was started, and its shard (IDENTIFYs refused for pace: not here).
        self.identified: list[tuple[float, Shard]] = []
        self.changes = Changes()

    def count(self, op: str) -> int:
        return sum(1 for name, _ in self.ops if name == op)

    async def wait_for_op(self, op: str, count: int = 1, timeout: float = 5.0) -> None:
        """Waits until the client has sent `op` ("IDENTIFY", "RESUME", ...) `count` times,
        or the fake finished answering it ("READY_SENT", "RESUMED_SENT")."""
        probe = lambda: True if self.count(op) >= count else None  # noqa: E731
        await self.changes.wait_for(probe, timeout, f"{op} x{count}")

    def _log(self, op: str, data: JSON) -> None:
        self.ops.append((op, data))
        self.changes.notify()

    # --- websocket endpoint -------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._log("CONNECT", {"path": request.path, "query": dict(request.query)})
        interval = self.fake.heartbeat_interval_ms
        await ws.send_json(
            {"op": HELLO, "d": {"heartbeat_interval": interval}, "s": None, "t": None}
        )
        session: Session | None = None
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                break
            frame = json.loads(msg.data)
            op, d = frame.get("op"), frame.get("d")
            if op == HEARTBEAT:
                self._log("HEARTBEAT", {"seq": d})
                await ws.send_json({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            elif op == IDENTIFY:
                self._log("IDENTIFY", d)
                session = await self._identify(ws, request, d)
            elif op == RESUME:
                self._log("RESUME", d)
                session = await self._resume(ws, request, d)
            elif op == REQUEST_MEMBERS and session is not None:
                await self._send_members_chunk(session, d)
            elif op == PRESENCE:
                self._log("PRESENCE", d)
        # Discord ends a session when the client closes with 1000/1001; other closes resume.
        if session is not None and session.ws is ws:
            session.ws = None
            if ws.close_code in (1000, 1001):
                self.sessions.pop(session.id, None)
        return ws

    async def _identify(
        self, ws: web.WebSocketResponse, req: web.Request, d: JSON
    ) -> Session | None:
        if d.get("token") != self.fake.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        intents = int(d.get("intents", 0))
        if intents & PRIVILEGED & ~self.fake.privileged_intents:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        shard = parse_shard(d)
        if shard is None:
            await ws.close(code=4010, message=b"Invalid shard.")
            return None
        guilds = [g for g in self.fake.world.guilds if shard_of(g.id, shard[1]) == shard[0]]
        if len(guilds) >= self.fake.sharding_required_at:
            await ws.close(code=4011, message=b"Sharding required.")
            return None
        if self._too_soon():
            self._log("IDENTIFY_REFUSED", d)
            await ws.send_json({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return None
        self.identified.append((self.fake.clock(), shard))
        session = Session(secrets.token_hex(16), intents, shard, ws=ws, request=req)
        self.sessions[session.id] = session
        world = self.fake.world
        bot = world.bot.payload() | {"verified": True, "mfa_enabled": False, "email": None}
        ready: JSON = {
            "v": 10,
            "user": bot,
            "guilds": [g.unavailable_payload() for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.fake.resume_gateway_url,
            "application": {"id": str(self.fake.application_id), "flags": self.fake.app_flags},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth": {},
            "_trace": ["fake-discord"],
        }
        if "shard" in d:
            ready["shard"] = d["shard"]
        await self._send(session, "READY", ready)
        for guild in guilds:
            await self._send(session, "GUILD_CREATE", guild.create_payload())
        self._log("READY_SENT", {"session_id": session.id})
        return session

    async def _resume(self, ws: web.WebSocketResponse, req: web.Request, d: JSON) -> Session | None:
        session = self.sessions.get(str(d.get("session_id")))
        if session is None or d.get("token") != self.fake.token:
            await ws.send_json({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return None
        async with session.lock:
            old, session.ws, session.request = session.ws, ws, req
            if old is not None and old is not ws:
                await old.close(code=4000)
            last = int(d.get("seq") or 0)
            for frame in session.sent:
                if frame["s"] > last:
                    await ws.send_json(frame)
        await self._send(session, "RESUMED", {"_trace": ["fake-discord"]})
        self._log("RESUMED_SENT", {"session_id": session.id, "from_seq": last})
        return session

    async def _send_members_chunk(self, session: Session, d: JSON) -> None:
        guild = self.fake.world.guild(int(d.get("guild_id") or 0))
        if guild is None:
            return
        chunk: JSON = {
            "guild_id": str(guild.id),
            "members": [m.payload() for m in guild.members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if d.get("nonce"):
            chunk["nonce"] = d["nonce"]
        await self._send(session, "GUILD_MEMBERS_CHUNK", chunk)

    # --- dispatching ----------------------------------------------------------------------

    async def _send(self, session: Session, event: str, data: JSON) -> None:
        """Numbers and buffers a dispatch; sends it now if the session has a live socket."""
        async with session.lock:
            session.seq += 1
            frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
            session.sent.append(frame)
            ws = session.ws
            if ws is not None and not ws.closed:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await ws.send_json(frame)

    async def dispatch(self, event: str, data: JSON) -> int:
        """Sends `event` to every session whose intents ask for it. Returns how many got it."""
        delivered = 0
        if not self._visible(data):
            return 0  # Discord sends nothing about channels the bot cannot view
        for session in list(self.sessions.values()):
            if not receives(session.shard, data):
                continue
            filtered = filter_for_intents(session.intents, event, data, self.fake.world.bot.id)
            if filtered is not None:
                await self._send(session, event, filtered)
                delivered += 1
        return delivered

    def _visible(self, data: JSON) -> bool:
        channel = self.fake.world.channel(int(data.get("channel_id") or 0))
        if channel is None or "guild_id" not in data:
            return True
        return bool(channel_permissions(self.fake.world, channel, self.fake.bot.id) & VIEW_CHANNEL)

    # --- fault injection ------------------------------------------------------------------

    def _live(self) -> list[Session]:
        return [s for s in self.sessions.values() if s.ws is not None and not s.ws.closed]

    async def drop_connection(self, code: int | None = None) -> None:
        """Cuts the socket: abruptly (no close frame) by default, else with close `code`."""
        for session in self._live():
            ws, req = session.ws, session.request
            session.ws = None
            if code is None and req is not None and req.transport is not None:
                req.transport.abort()
            elif ws is not None:
                await ws.close(code=code or 1011)

    def _too_soon(self) -> bool:
        """Whether a session started less than the IDENTIFY window ago (one bucket)."""
        window = self.fake.identify_window
        if window is None or not self.identified:
            return False
        return self.fake.clock() - self.identified[-1][0] < window

    async def send_reconnect(self) -> None:
        """Op 7: the client must close and RESUME."""
        for session in self._live():
            assert session.ws is not None
            await session.ws.send_json({"op": RECONNECT, "d": None, "s": None, "t": None})

    async def invalidate_session(self, resumable: bool = False) -> None:
        """Op 9: with `resumable` the client may RESUME, else it must IDENTIFY afresh."""
        for session in self._live():
            assert session.ws is not None
            if not resumable:
                self.sessions.pop(session.id, None)
            await session.ws.send_json(
                {"op": INVALID_SESSION, "d": resumable, "s": None, "t": None}
            )

    async def close(self) -> None:
        for session in self._live():
            assert session.ws is not None
            await session.ws.close(code=1001)


def filter_for_intents(intents: int, event: str, data: JSON, bot_id: int) -> JSON | None:
    """What Discord delivers for these intents: guild/DM messages need GUILD_MESSAGES /
    DIRECT_MESSAGES, and without MESSAGE_CONTENT guild messages arrive with empty content,
    embeds, attachments and components unless they mention the bot or are its own."""
    if event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
        return data
    in_guild = "guild_id" in data
    if not intents & (GUILD_MESSAGES if in_guild else DIRECT_MESSAGES):
        return None
    if not in_guild or intents & MESSAGE_CONTENT:
        return data
    author_id = int(data.get("author", {}).get("id", 0))
    mentioned = any(int(u["id"]) == bot_id for u in data.get("mentions", []))
    if author_id == bot_id or mentioned:
        return data
    empty = {"content": "", "embeds": [], "attachments": [], "components": []}
    return data | empty
