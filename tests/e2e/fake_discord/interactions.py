"""Interaction responses: the callback endpoint and the interaction webhook.

Imitates Discord's rules: one callback per interaction, within the response window (3 s by
default) or 404 10062 "Unknown interaction"; a second callback is 400 40060; followups and
@original before the callback are 404 10015 "Unknown Webhook"; the token lives 15 minutes
(then 401 50027); the first followup after a type 5 defer replaces the loading message and
keeps the defer's ephemerality; `?with_response=true` returns an InteractionCallbackResponse.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .limits import ApiError, check_autocomplete, check_message, error
from .messages import EPHEMERAL, LOADING
from .records import Changes, InteractionRecord, SentMessage

if TYPE_CHECKING:
    from .rest import Call
    from .server import FakeDiscord

JSON = dict[str, Any]
# Callback types allowed per interaction type (2 command, 3 component, 4 autocomplete, 5 modal).
ALLOWED_CALLBACKS = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}
MESSAGE_CALLBACKS = {4, 5, 7}


class Interactions:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.records: dict[int, InteractionRecord] = {}
        self.changes = Changes()

    def add(self, payload: JSON, dispatched_at: float) -> InteractionRecord:
        rec = InteractionRecord(
            id=int(payload["id"]),
            token=payload["token"],
            type=int(payload["type"]),
            payload=payload,
            dispatched_at=dispatched_at,
            changes=self.changes,
        )
        self.records[rec.id] = rec
        return rec

    def _now(self) -> float:
        return self.fake.clock()

    def _by_token(self, app_id: str, token: str) -> InteractionRecord:
        rec = next((r for r in self.records.values() if r.token == token), None)
        if rec is None or app_id != str(self.fake.application_id):
            raise error(404, 10015, "Unknown Webhook")
        if self._now() - rec.dispatched_at > self.fake.token_lifetime:
            raise error(401, 50027, "Invalid Webhook Token")
        if rec.callback is None:  # Discord creates the webhook message only after the ack.
            raise error(404, 10015, "Unknown Webhook")
        return rec

    def _touch(self, rec: InteractionRecord, call: Call, *, content: bool) -> None:
        rec.responses.append(call.record)
        if content and rec.content_at is None:
            rec.content_at = rec.callback_at if call.record is rec.responses[0] else self._now()
        self.changes.notify()

    # POST /interactions/{interaction_id}/{interaction_token}/callback
    async def callback(self, call: Call) -> tuple[int, Any]:
        rec = self.records.get(int(call.params["interaction_id"]))
        now = self._now()
        if rec is None or rec.token != call.params["interaction_token"]:
            raise error(404, 10062, "Unknown interaction")
        if rec.callback is not None:
            raise error(400, 40060, "Interaction has already been acknowledged.")
        if now - rec.dispatched_at > self.fake.interaction_window:
            raise error(404, 10062, "Unknown interaction")
        body = call.json if isinstance(call.json, dict) else {}
        ctype, data = int(body.get("type", 0)), body.get("data") or {}
        if ctype not in ALLOWED_CALLBACKS.get(rec.type, set()):
            errs = {
                "type": {
                    "_errors": [
                        {
                            "code": "INTERACTION_CALLBACK_TYPE_INVALID",
                            "message": "Invalid callback type",
                        }
                    ]
                }
            }
            raise ApiError(400, {"code": 50035, "message": "Invalid Form Body", "errors": errs})
        problem = None
        if ctype == 4:
            problem = check_message(data | {"files": call.files}, base=("data",))
        elif ctype == 7:
            problem = check_message(data, partial=True, base=("data",))
        elif ctype == 8:
            problem = check_autocomplete(data)
        if problem:
            raise problem
        rec.callback, rec.callback_at = body, now
        self._apply(rec, ctype, data, call)
        self._touch(rec, call, content=ctype in (4, 7, 8))
        if call.query.get("with_response") not in ("1", "true", "True"):
            return 204, None
        return 200, self._callback_response(rec, ctype)

    def _apply(self, rec: InteractionRecord, ctype: int, data: JSON, call: Call) -> None:
        store = self.fake.store
        channel = store.channel(int(rec.payload["channel_id"]))
        if ctype == 4:
            rec.original = store.create(
                channel, data, source="interaction", files=call.files, interaction=rec.payload
            )
        elif ctype == 5:
            loading = {"flags": LOADING | (int(data.get("flags") or 0) & EPHEMERAL)}
            rec.original = store.create(
                channel, loading, source="interaction", interaction=rec.payload
            )
            rec.original.message["flags"] = loading["flags"]
        elif ctype in (6, 7):
            clicked = store.by_id.get(int(rec.payload.get("message", {}).get("id", 0)))
            rec.original = clicked
            if ctype == 7 and clicked is not None:
                store.edit(clicked, data, call.files)

    def _callback_response(self, rec: InteractionRecord, ctype: int) -> JSON:
        info: JSON = {"id": str(rec.id), "type": rec.type}
        resource: JSON = {"type": ctype}
        if ctype in MESSAGE_CALLBACKS and rec.original is not None:
            flags = int(rec.original.message.get("flags") or 0)
            info |= {
                "response_message_id": str(rec.original.id),
                "response_message_loading": bool(flags & LOADING),
                "response_message_ephemeral": bool(flags & EPHEMERAL),
            }
            resource["message"] = rec.original.message
        return {"interaction": info, "resource": resource}

    # POST /webhooks/{application_id}/{interaction_token}
    async def followup(self, call: Call) -> tuple[int, Any]:
        rec = self._by_token(call.params["application_id"], call.params["interaction_token"])
        body = call.json if isinstance(call.json, dict) else {}
        problem = check_message(body | {"files": call.files})
        if problem:
            raise problem
        original = rec.original
        loading = original is not None and int(original.message.get("flags") or 0) & LOADING
        if rec.callback and rec.callback.get("type") == 5 and original is not None and loading:
            # Discord: the first followup after a defer edits the "thinking" message.
            sent = self.fake.store.edit(original, body, call.files)
        else:
            channel = self.fake.store.channel(int(rec.payload["channel_id"]))
            sent = self.fake.store.create(
                channel, body, source="followup", files=call.files, interaction=rec.payload
            )
        rec.followups.append(sent)
        self._touch(rec, call, content=True)
        wait = call.query.get("wait", "false").lower() in ("1", "true")
        return (200, sent.message) if wait else (204, None)

    def _target(self, rec: InteractionRecord, message_id: str) -> SentMessage:
        if message_id == "@original":
            if rec.original is None:
                raise error(404, 10008, "Unknown Message")
            return rec.original
        found = next((m for m in rec.followups if str(m.id) == message_id), None)
        if found is None and rec.original is not None and str(rec.original.id) == message_id:
            found = rec.original
        if found is None or found.deleted:
            raise error(404, 10008, "Unknown Message")
        return found

    # GET/PATCH/DELETE /webhooks/{application_id}/{interaction_token}/messages/{message_id}
    async def webhook_message(self, call: Call) -> tuple[int, Any]:
        rec = self._by_token(call.params["application_id"], call.params["interaction_token"])
        target = self._target(rec, call.params["message_id"])
        if call.method == "GET":
            return 200, target.message
        if call.method == "DELETE":
            target.deleted = True
            self._touch(rec, call, content=False)
            return 204, None
        body = call.json if isinstance(call.json, dict) else {}
        problem = check_message(body, partial=True)
        if problem:
            raise problem
        self.fake.store.edit(target, body, call.files)
        has_content = bool(body.get("content") or body.get("embeds") or body.get("components"))
        self._touch(rec, call, content=has_content)
        return 200, target.message
