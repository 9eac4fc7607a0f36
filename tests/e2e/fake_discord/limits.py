"""Discord's payload limits, checked the way Discord checks them.

Each `check_*` returns `None` when the payload is acceptable, or an `ApiError` carrying the
HTTP status and JSON body Discord would answer with (400 Invalid Form Body, code 50035, with
an `errors` tree keyed by the offending path; 50006 for an empty message).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]
Path = tuple[str | int, ...]

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
EMBED_FIELD_LIMITS = {"title": 256, "description": 4096}
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_NAME_MAX = 256
ROWS_MAX = 5
ROW_ITEMS_MAX = 5
LABEL_MAX = 80
CUSTOM_ID_MAX = 100
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
COMMAND_NAME_RE = re.compile(r"^[-_\w]{1,32}$")
COMMAND_DESC_MAX = 100
OPTIONS_MAX = 25
STRING_OPTION_MAX_LENGTH = 6000
COMPONENTS_V2_FLAG = 1 << 15


@dataclass
class ApiError(Exception):
    """An HTTP error answer: status plus Discord's JSON body."""

    status: int
    body: JSON
    headers: dict[str, str] = field(default_factory=dict)


def error(status: int, code: int, message: str) -> ApiError:
    return ApiError(status, {"message": message, "code": code})


class _Errors:
    """Collects `{"a": {"0": {"b": {"_errors": [...]}}}}` trees like Discord's form errors."""

    def __init__(self) -> None:
        self.tree: JSON = {}

    def add(self, path: Path, code: str, message: str) -> None:
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def too_long(self, path: Path, value: Any, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def length_between(self, path: Path, value: Any, lo: int, hi: int) -> None:
        if not isinstance(value, str) or not lo <= len(value) <= hi:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {lo} and {hi} in length.")

    def too_many(self, path: Path, items: Any, limit: int) -> None:
        if isinstance(items, list) and len(items) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def result(self) -> ApiError | None:
        if not self.tree:
            return None
        body = {"code": 50035, "message": "Invalid Form Body", "errors": self.tree}
        return ApiError(400, body)


def _embed_text_len(embed: JSON) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    for f in embed.get("fields") or []:
        total += len(f.get("name") or "") + len(f.get("value") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total


def _check_embeds(errs: _Errors, embeds: Any, base: Path) -> None:
    if not isinstance(embeds, list):
        return
    errs.too_many((*base, "embeds"), embeds, EMBEDS_MAX)
    for i, embed in enumerate(embeds):
        path = (*base, "embeds", i)
        for key, limit in EMBED_FIELD_LIMITS.items():
            errs.too_long((*path, key), embed.get(key), limit)
        fields = embed.get("fields") or []
        errs.too_many((*path, "fields"), fields, FIELDS_MAX)
        for j, f in enumerate(fields):
            errs.too_long((*path, "fields", j, "name"), f.get("name"), FIELD_NAME_MAX)
            errs.too_long((*path, "fields", j, "value"), f.get("value"), FIELD_VALUE_MAX)
        errs.too_long(
            (*path, "footer", "text"), (embed.get("footer") or {}).get("text"), FOOTER_MAX
        )
        author_name = (embed.get("author") or {}).get("name")
        errs.too_long((*path, "author", "name"), author_name, AUTHOR_NAME_MAX)
    if sum(_embed_text_len(e) for e in embeds) > EMBED_TOTAL_MAX:
        msg = f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}"
        errs.add((*base, "embeds"), "MAX_EMBED_SIZE_EXCEEDED", msg)


def _custom_ids(component: JSON) -> list[str]:
    """All custom_ids in a component tree (rows, containers, sections, accessories)."""
    found = [component["custom_id"]] if "custom_id" in component else []
    for child in component.get("components") or []:
        found += _custom_ids(child)
    if isinstance(component.get("accessory"), dict):
        found += _custom_ids(component["accessory"])
    return found


def _check_item(errs: _Errors, item: JSON, path: Path) -> None:
    if item.get("type") == 2:  # button
        errs.too_long((*path, "label"), item.get("label"), LABEL_MAX)
        if item.get("style") != 5 and item.get("style") != 6:  # link/premium buttons have none
            errs.length_between((*path, "custom_id"), item.get("custom_id"), 1, CUSTOM_ID_MAX)
    elif "custom_id" in item:
        errs.length_between((*path, "custom_id"), item.get("custom_id"), 1, CUSTOM_ID_MAX)


def _check_components(errs: _Errors, components: Any, flags: int, base: Path) -> None:
    if not isinstance(components, list):
        return
    if not flags & COMPONENTS_V2_FLAG:
        errs.too_many((*base, "components"), components, ROWS_MAX)
        for i, row in enumerate(components):
            items = row.get("components") or []
            errs.too_many((*base, "components", i, "components"), items, ROW_ITEMS_MAX)
            for j, item in enumerate(items):
                _check_item(errs, item, (*base, "components", i, "components", j))
    seen: set[str] = set()
    for cid in (c for comp in components for c in _custom_ids(comp)):
        if cid in seen:
            msg = f"Component custom id cannot be duplicated ({cid})"
            errs.add((*base, "components"), "COMPONENT_CUSTOM_ID_DUPLICATED", msg)
        seen.add(cid)


def check_message(payload: JSON, *, partial: bool = False, base: Path = ()) -> ApiError | None:
    """Checks a message create/edit body. `partial` (edits) skips the empty-message rule."""
    errs = _Errors()
    errs.too_long((*base, "content"), payload.get("content"), CONTENT_MAX)
    _check_embeds(errs, payload.get("embeds"), base)
    _check_components(errs, payload.get("components"), int(payload.get("flags") or 0), base)
    if found := errs.result():
        return found
    has_body = (
        any(
            payload.get(k)
            for k in ("embeds", "components", "attachments", "sticker_ids", "poll", "files")
        )
        or (payload.get("content") or "").strip()
    )
    if not partial and not has_body:
        return error(400, 50006, "Cannot send an empty message")
    return None


def check_autocomplete(data: JSON) -> ApiError | None:
    errs = _Errors()
    choices = data.get("choices")
    if not isinstance(choices, list):
        errs.add(("data", "choices"), "BASE_TYPE_REQUIRED", "This field is required")
        return errs.result()
    errs.too_many(("data", "choices"), choices, CHOICES_MAX)
    for i, choice in enumerate(choices):
        errs.length_between(("data", "choices", i, "name"), choice.get("name"), 1, CHOICE_NAME_MAX)
        errs.too_long(("data", "choices", i, "value"), choice.get("value"), CHOICE_VALUE_MAX)
    return errs.result()


def _check_options(errs: _Errors, options: Any, path: Path) -> None:
    if not isinstance(options, list):
        return
    errs.too_many((*path, "options"), options, OPTIONS_MAX)
    for i, opt in enumerate(options):
        p = (*path, "options", i)
        if not COMMAND_NAME_RE.match(opt.get("name") or "") or opt["name"] != opt["name"].lower():
            errs.add((*p, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        errs.length_between((*p, "description"), opt.get("description"), 1, COMMAND_DESC_MAX)
        errs.too_many((*p, "choices"), opt.get("choices"), CHOICES_MAX)
        for key in ("max_length", "min_length"):
            value = opt.get(key)
            if value is not None and not 0 <= int(value) <= STRING_OPTION_MAX_LENGTH:
                msg = f"int value should be less than or equal to {STRING_OPTION_MAX_LENGTH}."
                errs.add((*p, key), "NUMBER_TYPE_MAX", msg)
        _check_options(errs, opt.get("options"), p)


def check_commands(commands: Any) -> ApiError | None:
    """Checks a bulk-overwrite body (a list of application commands)."""
    errs = _Errors()
    if not isinstance(commands, list):
        errs.add((), "BASE_TYPE_ARRAY", "Must be an array")
        return errs.result()
    for i, cmd in enumerate(commands):
        name = cmd.get("name") or ""
        is_slash = cmd.get("type", 1) == 1
        if (
            not (1 <= len(name) <= 32)
            or (is_slash and not COMMAND_NAME_RE.match(name))
            or (is_slash and name != name.lower())
        ):
            errs.add((i, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        if is_slash:
            errs.length_between((i, "description"), cmd.get("description"), 1, COMMAND_DESC_MAX)
        _check_options(errs, cmd.get("options"), (i,))
    return errs.result()
