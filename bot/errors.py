"""Errors a member can cause. One base class, caught once at the edge and shown plainly."""

from __future__ import annotations


class UserError(Exception):
    """Something the member can fix; the message says what was wrong and what is allowed."""

    def __init__(self, message: str, hint: str | None = None, option: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.option = option  # the command option it is about, so a form can show it under that field

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class NotFound(UserError):
    pass


class Forbidden(UserError):
    pass


class Conflict(UserError):
    """A valid request that the debate's current state does not allow."""


class StoreUnavailable(Exception):
    """The store could not be reached or the write was not acknowledged; nothing was saved."""
