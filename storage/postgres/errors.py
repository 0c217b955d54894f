"""Which driver errors mean "the database is out of reach", and what to tell an operator at start.

During a unit of work these become `StoreUnavailable`, which the core answers with "could not save, try
again" (nothing half-written stays: the transaction dies with its connection). At start they become a
`StoreUnavailable` whose message names the setting to fix; the password never appears in it.
"""

from __future__ import annotations

import contextlib
import socket
from urllib.parse import urlsplit

import asyncpg

# Connection lost, server restarting or shutting down, a deadlock victim: all are worth a plain retry.
UNREACHABLE: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.TransactionRollbackError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.InternalClientError,  # a connection in a state the driver cannot follow: drop it
    OSError,
    TimeoutError,
)


def discard(conn: asyncpg.Connection) -> None:
    """Close a connection whose state is unknown (a query may still answer later), so no one reuses it."""
    with contextlib.suppress(asyncpg.InterfaceError):  # already closed and handed back by asyncpg
        conn.terminate()


def safe_url(url: str) -> str:
    """The URL without its password (a URL may carry one even though the config says not to)."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.hostname or ""
        netloc = f"{parts.username}@{host}" + (f":{parts.port}" if parts.port else "")
        return parts._replace(netloc=netloc).geturl()
    except ValueError:
        return "(an unreadable URL)"


def explain(exc: BaseException, url: str) -> str:
    """One sentence an operator can act on, naming the setting that is wrong."""
    where = safe_url(url)
    if isinstance(exc, asyncpg.InvalidPasswordError):
        return (f"PostgreSQL at {where} refused the password: set the environment variable named by "
                "[storage] password_env to the right password")
    if isinstance(exc, asyncpg.InvalidAuthorizationSpecificationError):
        return f"PostgreSQL at {where} refused the user ({exc}): check the user in [storage] url"
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return (f"PostgreSQL at {where}: {exc}. Create it first (createdb), or fix the database name "
                "in [storage] url")
    if isinstance(exc, socket.gaierror):
        return f"cannot find the PostgreSQL host of {where}: check the host in [storage] url"
    if isinstance(exc, (ValueError, OverflowError)) and not isinstance(exc, asyncpg.PostgresError):
        return f"[storage] url {where} is not a valid PostgreSQL URL ({exc}): use postgresql://USER@HOST:PORT/DB"
    if isinstance(exc, (OSError, TimeoutError)):
        return (f"cannot connect to PostgreSQL at {where} ({exc or 'timed out'}): is the server running, "
                "and is [storage] url right?")
    return f"cannot use PostgreSQL at {where} ([storage] url): {exc}"
