"""uvicorn's worker processes, each with a listening socket of its own (SO_REUSEPORT on Linux).

uvicorn's own supervisor binds one socket and hands it to every worker: whichever worker's
event loop wakes first accepts every connection waiting, so a client that keeps its
connections open (a pool, a proxy, wrk) is served by one worker while the others sit idle.
Here each worker gets a socket of its own, all bound to the same address with SO_REUSEPORT,
and Linux spreads new connections across them by a hash of the client's address and port.
Elsewhere (no SO_REUSEPORT, or a kernel that does not balance by it) uvicorn runs as it does
by default.
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess, Process

logger = logging.getLogger("uvicorn.error")


def balances_connections() -> bool:
    """Whether the kernel spreads connections across sockets bound with SO_REUSEPORT.

    Linux does; macOS and the BSDs accept the option but give every connection to one socket.
    """
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def run(app: str, *, host: str, port: int, workers: int, **options: Any) -> None:
    """Run `app` as uvicorn.run would, with a listening socket per worker where that balances."""
    if workers <= 1 or not balances_connections():
        uvicorn.run(app, host=host, port=port, workers=workers, **options)
        return
    config = uvicorn.Config(app, host=host, port=port, workers=workers, **options)
    try:
        sockets = listening_sockets(host, port, workers, backlog=config.backlog)
    except OSError as exc:
        logger.error("Could not listen on %s:%d: %s", host, port, exc)
        sys.exit(STARTUP_FAILURE)
    config.port = sockets[0].getsockname()[1]  # where port 0 asked for any free port
    logger.info(
        "Uvicorn running on http://%s:%d with a listening socket per worker (Press CTRL+C to quit)",
        host,
        config.port,
    )
    try:
        SocketPerWorker(config, sockets).run()
    finally:
        for each in sockets:
            each.close()


def listening_sockets(
    host: str, port: int, count: int, *, backlog: int = 2048
) -> list[socket.socket]:
    """`count` sockets listening on host:port together, bound with SO_REUSEPORT.

    SO_REUSEPORT would also let this join the sockets of another server already listening on a
    fixed port (a second `homecoming serve`, say) and quietly share its clients: a plain bind
    first keeps "address already in use" for that case.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    if port:
        with socket.socket(family) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            listener = socket.socket(family)
            sockets.append(listener)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            listener.bind((host, port))
            port = listener.getsockname()[1]  # the others join the port the first one got
            listener.listen(backlog)
            listener.set_inheritable(True)
    except OSError:
        for each in sockets:
            each.close()
        raise
    return sockets


class SocketPerWorker(Multiprocess):
    """uvicorn's supervisor (signals, health checks, restarts), each worker on a socket of its own.

    Worker N always serves socket N, so a worker that dies and is replaced leaves the
    connections waiting on its socket queued for its successor. Adding or removing workers
    on a running server (SIGTTIN, SIGTTOU) is not offered: the sockets are bound at start.
    """

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket]) -> None:
        super().__init__(config, sockets)
        self.processes_num = len(sockets)

    def _started(self, slot: int) -> Process:
        process = Process(self.config, [self.sockets[slot]])
        process.start()
        return process

    def init_processes(self) -> None:
        self.processes = [self._started(slot) for slot in range(len(self.sockets))]

    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return
        for slot, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()  # hung or gone
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                # Broken before it served (the app, its settings): every restart would fail too.
                logger.error(f"Child process [{process.pid}] failed to start, stopping.")
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            logger.info(f"Child process [{process.pid}] died")
            self.processes[slot] = self._started(slot)

    def restart_all(self) -> None:
        """SIGHUP: replace each worker, its successor serving before it is retired."""
        for slot, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._started(slot)
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                if not self.should_exit.is_set():
                    logger.error(
                        f"New child process [{new.pid}] was not ready in time; "
                        f"keeping worker [{old.pid}] and aborting the restart."
                    )
                return
            old.terminate()
            old.join()
            self.processes[slot] = new

    def handle_ttin(self) -> None:
        logger.info("Received SIGTTIN: the worker count is fixed at start (--workers).")

    def handle_ttou(self) -> None:
        logger.info("Received SIGTTOU: the worker count is fixed at start (--workers).")
