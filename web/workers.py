"""`ledger serve --workers N`: N server processes on one listening socket, one supervisor (issue 17.3).

The supervisor binds the socket and starts N fresh worker processes (`ledger serve --listen-fd FD`, no fork of a
process holding threads or connections), each building its own app and serving the shared socket with
waitress; the kernel hands each connection to one of them. The process-wide duties (the automatic checkpointer,
the daily sweep) run once, in the supervisor. Correctness across processes rests on the database: the guarded
insert orders every append, the sweep takes its lease. A worker that dies is started again; SIGTERM or Ctrl-C
stops them all.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable

RESTART_PAUSE_SECONDS = 1.0


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket that every worker will accept from."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def inherited_socket(fd: int) -> socket.socket:
    """The supervisor's listening socket, in a worker."""
    return socket.socket(fileno=fd)


def _start_worker(sock: socket.socket, worker_args: list[str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "ledger.cli", "serve", "--listen-fd", str(sock.fileno()), *worker_args]
    return subprocess.Popen(command, pass_fds=[sock.fileno()])


def supervise(sock: socket.socket, workers: int, worker_args: list[str], start_duties: Callable[[], None]) -> int:
    """Start `workers` worker processes on `sock`, run `start_duties` here, and keep the workers alive."""
    running = [_start_worker(sock, worker_args) for _ in range(workers)]
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True
        for process in running:
            process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    start_duties()
    while not stopping:
        time.sleep(RESTART_PAUSE_SECONDS)
        for n, process in enumerate(running):
            if process.poll() is not None and not stopping:
                print(f"ledger serve: worker {process.pid} exited with {process.returncode}; starting another",
                      file=sys.stderr, flush=True)
                running[n] = _start_worker(sock, worker_args)
    for process in running:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    return 0
