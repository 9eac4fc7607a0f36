"""Who may run admin actions: an allow-list, because a reindex affects every server.

`default_permissions` on a slash command only hides it by default; server admins can open it
to anyone, so every admin action checks this at run time as well.
"""

from __future__ import annotations

REFUSAL = "Only the bot's administrators can reindex. Nothing was changed."


def is_bot_admin(user_id: int, admin_ids: frozenset[int], owner_ids: frozenset[int]) -> bool:
    """Whether the user is in CITEBOT_ADMIN_IDS or owns the Discord application."""
    return user_id in admin_ids or user_id in owner_ids
