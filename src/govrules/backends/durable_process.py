"""durable_rules in a supervised child process: a crash costs one evaluation, not the process.

durable_rules is a C extension that can crash the whole interpreter (a segmentation fault on
inputs it mis-parses, and on some misuse). govrules never calls it in its own process for an
evaluation. :class:`DurableProcess` starts ``python -m govrules.backends.durable_process``, a
worker that holds the registered rulesets and evaluates batches of input facts, and talks to it
over a pipe: one length-prefixed pickled request, one answer.

- If the worker dies (a signal such as SIGSEGV, or any exit), the evaluation in flight raises
  :class:`~govrules.errors.EvaluationError` naming the signal, the failure is logged, and the next
  evaluation starts a new worker (which registers the plans again).
- If the worker does not answer within :data:`ANSWER_TIMEOUT` seconds (durable hangs on some
  conditions), it is killed and the evaluation fails the same way.
- One worker per process, shared by every engine and thread of it; requests are serialised by a
  lock (durable_rules is single-threaded and holds the GIL anyway).

The pipe carries only our own data (engine plans and typed input facts, never rule text or a
declaration), between this process and a child it started itself.
"""

from __future__ import annotations

import logging
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ..errors import EvaluationError
from ..ir import AtomValue
from ..ir import EnginePlan
from ..ir import Outcome

log = logging.getLogger("govrules.durable")

#: Seconds the worker may take to answer one request before it is killed.
ANSWER_TIMEOUT = 30.0
#: Seconds a new worker may take to start (import durable_rules) and register the plans.
START_TIMEOUT = 60.0
_HEADER = struct.Struct(">I")
_MAX_MESSAGE = 256 * 1024 * 1024

Batch = Sequence[tuple[str, Sequence[Mapping[str, AtomValue]]]]


class WorkerStopped(EvaluationError):
    """The durable_rules worker ended (or was killed) while evaluating."""


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "did not answer in time and was stopped"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"crashed ({name})"
    return f"exited with status {code}"


class DurableProcess:
    """A durable_rules worker process, started on first use and restarted after a crash."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._plans: dict[str, EnginePlan] = {}  # every plan any engine asked for, by name
        self._sent: set[str] = set()  # the plans the current worker has registered
        self._starts = 0

    # ------------------------------------------------------------------ public

    def register(self, plans: Sequence[EnginePlan]) -> None:
        """Make ``plans`` known: registered in the worker now, and in a restarted worker when
        first used again (so a restart costs only the plans still in use).

        Raises:
            EvaluationError: durable_rules refuses a plan, or the worker cannot start.
        """
        with self._lock:
            for plan in plans:
                known = self._plans.get(plan.name)
                if known is not None and known != plan:
                    raise EvaluationError(
                        f"a different plan named {plan.name!r} is already registered"
                    )
                self._plans[plan.name] = plan
            self._ensure_registered([p.name for p in plans])

    def evaluate(self, batch: Batch) -> dict[str, Outcome]:
        """Outcomes for ``[(plan name, input facts), …]`` (plans registered beforehand).

        Raises:
            EvaluationError: durable_rules failed, crashed or hung on this batch.
        """
        with self._lock:
            self._ensure_registered([name for name, _ in batch])
            answer = self._call(("evaluate", [(name, list(facts)) for name, facts in batch]))
        if not isinstance(answer, dict):  # pragma: no cover - a worker bug
            raise EvaluationError("the durable_rules worker gave an unexpected answer")
        return answer

    def warm_up(self) -> None:
        """Start the worker now, without waiting for it: its imports (about half a second) then
        overlap with the caller's own work of reading and compiling the rules."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._start()

    def close(self) -> None:
        """Stop the worker (a new one starts on the next use)."""
        with self._lock:
            self._stop()

    @property
    def restarts(self) -> int:
        """How many workers were started after the first (after a crash, a hang or close)."""
        return max(0, self._starts - 1)

    @property
    def pid(self) -> int | None:
        """The worker's process id, if one is running."""
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    # ------------------------------------------------------------------ worker lifecycle

    def _ensure_registered(self, names: Sequence[str]) -> None:
        if self._proc is None or self._proc.poll() is not None:
            self._start()  # a new worker knows no plan: each is sent again when first used
        missing = [self._plans[n] for n in dict.fromkeys(names) if n not in self._sent]
        if missing:
            self._call(("register", missing), timeout=START_TIMEOUT)
            self._sent.update(p.name for p in missing)

    def _start(self) -> None:
        self._stop()
        self._starts += 1
        env = dict(os.environ)
        env["PYTHONFAULTHANDLER"] = "1"  # a crash in the C extension shows its stack in the log
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "govrules.backends.durable_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        self._sent = set()

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait()

    # ------------------------------------------------------------------ the pipe

    def _call(self, request: tuple[str, Any], timeout: float = ANSWER_TIMEOUT) -> Any:
        proc = self._proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        payload = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            proc.stdin.write(_HEADER.pack(len(payload)) + payload)
            proc.stdin.flush()
            kind, value = _read_message(proc.stdout.fileno(), time.monotonic() + timeout)
        except (OSError, EOFError, TimeoutError) as err:
            timed_out = isinstance(err, TimeoutError)
            if timed_out:
                proc.kill()
            code = proc.wait()
            self._proc = None
            what = _describe_exit(None if timed_out else code)
            log.error("the durable_rules worker (pid %s) %s during %s", proc.pid, what, request[0])
            raise WorkerStopped(
                f"the durable_rules engine {what} while evaluating this declaration; "
                "it has been restarted for later evaluations (use --engine python to avoid it)"
            ) from None
        if kind == "error":
            raise EvaluationError(str(value))
        return value


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    """``size`` bytes from ``fd``; EOFError at its end, TimeoutError past ``deadline``."""
    chunks: list[bytes] = []
    while size:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                raise TimeoutError
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _read_message(fd: int, deadline: float | None) -> tuple[str, Any]:
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
    if size > _MAX_MESSAGE:
        raise EOFError
    message = pickle.loads(_read_exact(fd, size, deadline))  # noqa: S301 - our own child
    if not (isinstance(message, tuple) and len(message) == 2):
        raise EOFError
    return message


_SHARED: DurableProcess | None = None
_SHARED_LOCK = threading.Lock()


def shared() -> DurableProcess:
    """The worker of this process (one per process: forked servers each start their own)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = DurableProcess()
        return _SHARED


# --------------------------------------------------------------------------- the worker side


def _serve(read_fd: int, write_fd: int) -> None:  # pragma: no cover - runs in the child
    from . import durable

    engines: dict[str, durable.DurableEngine] = {}

    def handle(kind: str, value: Any) -> Any:
        if kind == "register":
            for plan in value:
                engines[plan.name] = durable.DurableEngine(plan)
            return None
        if kind == "evaluate":
            outcomes: dict[str, Outcome] = {}
            for name, facts in value:
                if facts:
                    outcomes.update(engines[name].evaluate(facts))
            return outcomes
        raise EvaluationError(f"unknown request {kind!r}")

    while True:
        try:
            kind, value = _read_message(read_fd, None)
        except EOFError:
            return
        try:
            answer: tuple[str, Any] = ("ok", handle(kind, value))
        except Exception as err:  # every failure is answered, never fatal to the worker
            answer = ("error", str(err))
        payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        data = memoryview(_HEADER.pack(len(payload)) + payload)
        while data:
            data = data[os.write(write_fd, data) :]


def main() -> None:  # pragma: no cover - runs in the child
    """The worker: answer requests on stdin/stdout until the parent closes the pipe."""
    read_fd = os.dup(sys.stdin.fileno())
    write_fd = os.dup(sys.stdout.fileno())
    # Anything durable_rules or a library prints goes to stderr, never into the protocol.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when the worker stops
    _serve(read_fd, write_fd)


if __name__ == "__main__":  # pragma: no cover
    main()
