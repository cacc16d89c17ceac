"""The base of every error stratclass reports to a user as one line (the CLI exits 2 on these)."""


class StratclassError(ValueError):
    """A problem with the user's input, model or settings, not a bug in stratclass."""
