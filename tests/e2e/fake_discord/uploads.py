"""Files users upload, and the CDN that serves them (as cdn.discordapp.com does).

A slash command's attachment option (type 11) carries only the attachment's id; Discord puts
the attachment object (id, filename, size, url, proxy_url, content_type) in the
interaction's `data.resolved.attachments`, keyed by id. Its `url` is on the CDN, here on the
fake's own port under /attachments/<channel id>/<id>/<filename>, with the signed-URL query
Discord adds (`ex`, `is`, `hm`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .server import FakeDiscord

JSON = dict[str, Any]


@dataclass(frozen=True)
class Upload:
    """One uploaded file."""

    id: int
    channel_id: int
    filename: str
    data: bytes
    content_type: str


class Uploads:
    """The uploaded files by id, and the CDN route that serves them."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.files: dict[int, Upload] = {}
        self.served: list[int] = []  # ids of the files fetched from the CDN, in order

    def add(self, channel_id: int, filename: str, data: bytes, content_type: str) -> Upload:
        upload = Upload(self.fake.ids.next(), channel_id, filename, data, content_type)
        self.files[upload.id] = upload
        return upload

    def url(self, upload: Upload) -> str:
        path = f"/attachments/{upload.channel_id}/{upload.id}/{upload.filename}"
        return f"http://127.0.0.1:{self.fake.port}{path}?ex=6a1b2c3d&is=6a1a0000&hm=00ff"

    def payload(self, upload: Upload) -> JSON:
        """The attachment object Discord sends in `resolved.attachments`."""
        url = self.url(upload)
        return {
            "id": str(upload.id),
            "filename": upload.filename,
            "size": len(upload.data),
            "url": url,
            "proxy_url": url,
            "content_type": upload.content_type,
            "ephemeral": True,
        }

    async def serve(self, request: web.Request) -> web.Response:
        """GET /attachments/{channel_id}/{attachment_id}/{filename}."""
        upload = self.files.get(int(request.match_info["attachment_id"]))
        if upload is None or upload.filename != request.match_info["filename"]:
            return web.Response(status=404, text="Not Found")
        self.served.append(upload.id)
        return web.Response(body=upload.data, headers={"Content-Type": upload.content_type})
