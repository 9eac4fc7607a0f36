"""The one error type whose message is shown to the user as is, in one line."""


class UserFacingError(Exception):
    """A problem to report in one line, without a traceback."""
