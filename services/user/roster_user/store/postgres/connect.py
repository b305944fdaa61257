"""PostgreSQL connections: the pool, its timeouts, and failing fast while the database is down."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from roster_user.domain.errors import Unavailable, store_unavailable, too_complex_for_store
from roster_user.store.failures import Meaning, StoreFault
from roster_user.store.postgres import failures

log = logging.getLogger(__name__)
Conn = psycopg.AsyncConnection[DictRow]

# While the database is known to be unreachable, callers wait this long for a
# connection instead of the full connect timeout: RPCs fail fast with
# UNAVAILABLE (and clients retry elsewhere or later) rather than piling up.
_OUTAGE_WAIT_SECONDS = 0.25
# Readiness must answer within the probe's own timeout (at least 1 s).
_PROBE_WAIT_SECONDS = 0.3
# How long the pool retries a lost connection before giving the slot up and
# re-growing on demand; it bounds the back-off between attempts, and so how
# long after the database returns the pool notices.
_RECONNECT_SECONDS = 5.0


@dataclasses.dataclass(frozen=True, slots=True)
class PostgresOptions:
    """Where the database is and how patiently to talk to it."""

    url: str
    pool_size: int
    connect_timeout_s: float
    statement_timeout_s: float

    def redacted(self) -> str:
        """The URL's host, port and database, never its user or password, for logs."""
        parts = urlsplit(self.url)
        host = parts.hostname or "local socket"
        port = f":{parts.port}" if parts.port else ""
        return f"postgresql://{host}{port}{parts.path}"

    def connect_kwargs(self) -> dict[str, Any]:
        """psycopg connection arguments applied to every connection."""
        statement_ms = int(self.statement_timeout_s * 1000)
        return {
            "autocommit": True,
            "row_factory": dict_row,
            # libpq rounds this up to whole seconds and treats below 2 as 2.
            "connect_timeout": max(2, round(self.connect_timeout_s)),
            "application_name": "roster-user",
            # synchronous_commit=on: COMMIT returns only once the WAL is flushed,
            # so an acknowledged write survives a crash of the database.
            "options": f"-c statement_timeout={statement_ms} -c synchronous_commit=on",
        }


class ConnectionSource:
    """Hands out pooled connections and turns connection failures into Unavailable."""

    def __init__(self, options: PostgresOptions) -> None:
        self._options = options
        self._reachable = True
        self._closed = False
        self._pool: AsyncConnectionPool[Conn] = AsyncConnectionPool(
            options.url,
            kwargs=options.connect_kwargs(),
            min_size=options.pool_size,
            max_size=options.pool_size,
            open=False,
            # A connection broken by a database restart is noticed and
            # replaced when borrowed, not by the RPC that happens to get it.
            check=AsyncConnectionPool.check_connection,
            timeout=options.connect_timeout_s,
            reconnect_timeout=_RECONNECT_SECONDS,
            name="roster",
        )
        # The pool logs every borrow at INFO; keep only its warnings.
        logging.getLogger("psycopg.pool").setLevel(logging.WARNING)

    async def open(self) -> None:
        """Open the pool and wait until it holds at least one connection."""
        log.info("opening database pool", extra={"database": self._options.redacted()})
        try:
            await self._pool.open(wait=True, timeout=self._options.connect_timeout_s)
        except PoolTimeout as exc:
            raise self._failed(exc) from exc

    async def close(self) -> None:
        """Close every pooled connection; later calls fail with Unavailable."""
        self._closed = True
        await self._pool.close()

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[Conn]:
        """A pooled connection, or a direct one before the pool opens (for migrate)."""
        if self._closed:
            raise Unavailable("the user store is closed")
        try:
            if self._pool.closed:
                async with await psycopg.AsyncConnection.connect(
                    self._options.url, **self._options.connect_kwargs()
                ) as conn:
                    yield conn
            else:
                wait = self._options.connect_timeout_s if self._reachable else _OUTAGE_WAIT_SECONDS
                async with self._pool.connection(timeout=wait) as conn:
                    yield conn
        except psycopg.Error as exc:
            # Every database error is sorted (store/postgres/failures.py): only a
            # down, busy or overloaded database may become UNAVAILABLE.
            raise self._failed(exc) from exc
        self._reachable = True

    async def probe(self, sql: str) -> object:
        """The single value `sql` returns: from a pooled connection, else a direct one.

        A pool busy with load has no connection to spare within the short wait;
        that says nothing about the database, so a direct connection decides.
        """
        try:
            async with self._pool.connection(timeout=_PROBE_WAIT_SECONDS) as conn:
                row = await (await conn.execute(sql)).fetchone()
        except PoolTimeout:
            row = await self._probe_directly(sql)
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise self._failed(exc, lost=True) from exc
        self._reachable = True
        return None if row is None else next(iter(row.values()))

    async def _probe_directly(self, sql: str) -> DictRow | None:
        try:
            async with await psycopg.AsyncConnection.connect(
                self._options.url, **self._options.connect_kwargs()
            ) as conn:
                return await (await conn.execute(sql)).fetchone()
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise self._failed(exc, lost=True) from exc
        except asyncio.CancelledError:
            # The readiness probe gave up waiting: as good as unreachable.
            self._reachable = False
            raise

    def _failed(self, exc: psycopg.Error, *, lost: bool = False) -> Exception:
        """What to raise for `exc`: only a down, busy or overloaded database is UNAVAILABLE."""
        sqlstate = exc.sqlstate or ""
        meaning = failures.meaning(exc)
        if meaning is not Meaning.UNAVAILABLE and not lost:
            log.warning(
                "postgres store error",
                extra={"error": type(exc).__name__, "sqlstate": sqlstate, "meaning": meaning.value},
            )
            if meaning is Meaning.TOO_COMPLEX:
                return too_complex_for_store()
            return StoreFault(f"postgres {type(exc).__name__} {sqlstate}")
        # Only lost or refused connections mean the database is down: a pool
        # busy with load or a statement timeout says nothing about reachability.
        lost = (
            lost
            or isinstance(exc, psycopg.InterfaceError)
            or (not isinstance(exc, PoolTimeout) and (not sqlstate or sqlstate[:2] == "08"))
        )
        # Administrator or crash shutdown of the server (not 57014, a timeout).
        lost = lost or sqlstate in ("57P01", "57P02", "57P03")
        if lost:
            self._reachable = False
        log.warning(
            "postgres store error",
            extra={"error": type(exc).__name__, "sqlstate": sqlstate, "detail": str(exc)},
        )
        return store_unavailable()
