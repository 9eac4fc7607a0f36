"""Message storage and the message objects Discord serves back for the bot's sends.

Imitates what Discord does with a create/edit body: assigns a snowflake, sets author, type
(0 default, 19 reply, 20 slash-command response), timestamps and flags, echoes embeds
(as `rich`) and components, and turns uploaded files into attachment objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .limits import ApiError, error
from .payloads import FakeChannel, iso_now
from .records import SentMessage

if TYPE_CHECKING:
    from .server import FakeDiscord

JSON = dict[str, Any]
EPHEMERAL, LOADING = 1 << 6, 1 << 7
# Fields an edit may change; the rest of the message stays as created.
EDITABLE = ("content", "embeds", "components", "attachments", "flags", "allowed_mentions")


class MessageStore:
    """Every message in the fake: the bot's (`sent`) and those the fake dispatched as users."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.sent: list[SentMessage] = []
        self.by_id: dict[int, SentMessage] = {}
        self.user_messages: dict[int, JSON] = {}
        self.dm_channels: dict[int, FakeChannel] = {}  # by recipient user id

    def channel(self, channel_id: int) -> FakeChannel:
        found = self.fake.world.channel(channel_id)
        if found is None:
            found = next((c for c in self.dm_channels.values() if c.id == channel_id), None)
        if found is None:
            raise error(404, 10003, "Unknown Channel")
        return found

    def dm_channel(self, user_id: int) -> FakeChannel:
        """The DM channel with `user_id`, created on first use like POST /users/@me/channels."""
        if user_id not in self.dm_channels:
            user = self.fake.world.user(user_id)
            if user is None:
                raise ApiError(400, {"code": 50035, "message": "Invalid Form Body", "errors": {}})
            self.dm_channels[user_id] = FakeChannel(self.fake.ids.next(), type=1, recipient=user)
        return self.dm_channels[user_id]

    def build(
        self,
        channel: FakeChannel,
        payload: JSON,
        *,
        files: list[str] | None = None,
        interaction: JSON | None = None,
    ) -> JSON:
        """The message object Discord returns for a bot's create body."""
        bot = self.fake.world.bot
        flags = int(payload.get("flags") or 0) & ~LOADING
        msg: JSON = {
            "id": str(self.fake.ids.next()),
            "channel_id": str(channel.id),
            "author": bot.payload(),
            "content": payload.get("content") or "",
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": bool(payload.get("tts")),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._attachments(payload, files or []),
            "embeds": [{"type": "rich", **e} for e in payload.get("embeds") or []],
            "pinned": False,
            "type": 0,
            "flags": flags,
            "components": list(payload.get("components") or []),
        }
        if channel.guild_id is not None:
            msg["guild_id"] = str(channel.guild_id)
        if payload.get("nonce") is not None:
            msg["nonce"] = payload["nonce"]
        ref = payload.get("message_reference")
        referenced = self.lookup(int(ref["message_id"])) if ref else None
        if ref and referenced is None and not ref.get("fail_if_not_exists", True):
            ref = None  # Discord sends it as a plain message when the original is gone
        if ref:
            if referenced is None:
                errs = {
                    "_errors": [
                        {"code": "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "message": "Unknown message"}
                    ]
                }
                body = {"code": 50035, "message": "Invalid Form Body"}
                raise ApiError(400, body | {"errors": {"message_reference": errs}})
            msg["type"] = 19
            msg["message_reference"] = {
                "message_id": ref["message_id"],
                "channel_id": str(channel.id),
            }
            msg["referenced_message"] = referenced
        if interaction is not None:
            app_id = str(self.fake.application_id)
            msg |= {"webhook_id": app_id, "application_id": app_id}
            msg["type"] = 20 if interaction["type"] == 2 else 0
            msg["interaction_metadata"] = {
                "id": interaction["id"],
                "type": interaction["type"],
                "user": (interaction.get("member") or {}).get("user") or interaction.get("user"),
                "authorizing_integration_owners": interaction["authorizing_integration_owners"],
            }
        return msg

    def _attachments(self, payload: JSON, files: list[str]) -> list[JSON]:
        described = {int(a.get("id", i)): a for i, a in enumerate(payload.get("attachments") or [])}
        out = []
        for i, name in enumerate(files):
            att_id = self.fake.ids.next()
            url = f"https://cdn.discordapp.com/attachments/0/{att_id}/{name}"
            desc = described.get(i, {})
            out.append(
                {
                    "id": str(att_id),
                    "filename": desc.get("filename", name),
                    "size": 0,
                    "url": url,
                    "proxy_url": url,
                    "content_type": "application/octet-stream",
                }
            )
        return out

    def lookup(self, message_id: int) -> JSON | None:
        if message_id in self.by_id:
            return self.by_id[message_id].message
        return self.user_messages.get(message_id)

    def create(
        self,
        channel: FakeChannel,
        payload: JSON,
        *,
        source: str,
        files: list[str] | None = None,
        interaction: JSON | None = None,
    ) -> SentMessage:
        message = self.build(channel, payload, files=files, interaction=interaction)
        iid = int(interaction["id"]) if interaction else None
        sent = SentMessage(int(message["id"]), channel.id, source, payload, message, iid)
        self.sent.append(sent)
        self.by_id[sent.id] = sent
        return sent

    def edit(self, sent: SentMessage, payload: JSON, files: list[str] | None = None) -> SentMessage:
        """Applies an edit body: only the keys present change (null clears)."""
        sent.edits.append(payload)
        sent.payload = {**sent.payload, **{k: payload[k] for k in EDITABLE if k in payload}}
        msg = sent.message
        if "content" in payload:
            msg["content"] = payload["content"] or ""
        if "embeds" in payload:
            msg["embeds"] = [{"type": "rich", **e} for e in payload["embeds"] or []]
        if "components" in payload:
            msg["components"] = list(payload["components"] or [])
        if "attachments" in payload or files:
            kept = {str(a.get("id")) for a in payload.get("attachments") or []}
            old = [a for a in msg["attachments"] if a["id"] in kept]
            msg["attachments"] = old + self._attachments(payload, files or [])
        if "flags" in payload and payload["flags"] is not None:
            # Ephemeral is fixed at creation; only other flags (e.g. suppress embeds) change.
            msg["flags"] = (int(msg["flags"]) & EPHEMERAL) | (int(payload["flags"]) & ~EPHEMERAL)
        msg["flags"] = int(msg["flags"]) & ~LOADING
        msg["edited_timestamp"] = iso_now()
        return sent

    def own(self, channel_id: int, message_id: int) -> SentMessage:
        sent = self.by_id.get(message_id)
        if sent is None or sent.channel_id != channel_id or sent.deleted:
            if message_id in self.user_messages:
                raise error(403, 50005, "Cannot edit a message authored by another user")
            raise error(404, 10008, "Unknown Message")
        return sent

    def sent_in(self, channel_id: int | None = None) -> list[SentMessage]:
        return [m for m in self.sent if channel_id is None or m.channel_id == channel_id]
