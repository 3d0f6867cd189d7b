"""The audit head's marks for each request, read off the event loop and shared.

Every guarded request reads the authentication mark (the principal cache's check that nothing
about users changed) and every search the audit head (what its index must catch up to): both
are one row, `audit.marks`. On PostgreSQL that read is a round trip to the server, and made in
the event loop it stopped the worker for that time: at 1,000,000 records under `/search` load
the workers spent a third of their time waiting on these reads (py-spy, docs/operations.md).

Here the read runs on a thread of its own, so the event loop serves other requests while it
waits, and the requests that wait together share it: a request joins the next read, one not
sent yet, so whatever it reads was committed before that read began, and every write that
ended before the request arrived is seen (a read already on its way when a request arrives
is never shared with it: it may have left before that write's commit). One read is in flight
at a time; the next leaves when it lands. SQLite's read is a local file's: made inline.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from starlette.requests import Request

from homecoming.services import audit
from homecoming.services.audit import Marks
from homecoming.store.db import Database


class MarksReader:
    """Reads `audit.marks` for the requests of one event loop, one read for all that wait."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._shared = db.dialect == "postgresql"
        self._executor: ThreadPoolExecutor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._next: asyncio.Future[Marks] | None = None  # the read not sent yet: join it
        self._flying = False

    async def read(self) -> Marks:
        """The marks as of a read that began after this call."""
        if not self._shared:
            return audit.marks(self.db)
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests run one per client): start afresh
            self._loop, self._next, self._flying = loop, None, False
        if self._next is None:
            self._next = loop.create_future()
            waiting = self._next
            if not self._flying:
                self._send(loop)
        else:
            waiting = self._next
        # Shielded: a request that is cancelled leaves the read to the others waiting on it.
        return await asyncio.shield(waiting)

    def _send(self, loop: asyncio.AbstractEventLoop) -> None:
        waiting, self._next = self._next, None
        assert waiting is not None
        self._flying = True
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="homecoming-marks")
        flight = loop.run_in_executor(self._executor, audit.marks, self.db)
        flight.add_done_callback(lambda done: self._landed(loop, waiting, done))

    def _landed(
        self,
        loop: asyncio.AbstractEventLoop,
        waiting: asyncio.Future[Marks],
        done: asyncio.Future[Marks],
    ) -> None:
        if loop is not self._loop:
            return  # a read of a loop since replaced
        self._flying = False
        if done.cancelled():
            waiting.cancel()
        elif not waiting.done():
            error = done.exception()
            if error is not None:
                waiting.set_exception(error)
            else:
                waiting.set_result(done.result())
        if self._next is not None:
            self._send(loop)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None


async def marks_of(request: Request) -> Marks:
    """The marks for this request: read once (`MarksReader`), then kept on the request."""
    known: Marks | None = getattr(request.state, "audit_marks", None)
    if known is None:
        reader: MarksReader = request.app.state.marks
        known = await reader.read()
        request.state.audit_marks = known
    return known
