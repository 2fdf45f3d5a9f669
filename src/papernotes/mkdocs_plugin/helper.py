"""A second process that works through papernotes' pages from the other end.

MkDocs builds pages one after another in one process. On a machine with more
than one core, papernotes forks a helper at the start of each of MkDocs' two
page loops (converting pages; rendering them into the theme and indexing them
for search). The helper takes papernotes' pages from the last one backwards
and does the cacheable part of the work for each, while MkDocs goes forward;
when the two meet, the helper stops.

Its results reach the build only through the caches, under the same keys a
rebuild checks: a page the helper finished is a cache hit, anything else is
built as usual. So the output is what a build without the helper makes,
whatever the helper did or did not get to, and a helper that fails costs
nothing but its time. (The search index's helper, pagefind.py, sends back
what Pagefind said instead; the build indexes the site itself if it sent nothing.)

The helper runs only where fork is safe: a POSIX system other than macOS, more
than one core, and a single thread (never under `mkdocs serve`, whose server
has threads).
"""

from __future__ import annotations

import marshal
import mmap
import os
import signal
import struct
import sys
import threading
from typing import Any, Callable

_LENGTH = struct.Struct("<I")


def available() -> bool:
    # macOS system libraries may not survive a fork (Python itself spawns there instead).
    return hasattr(os, "fork") and sys.platform != "darwin" and (os.cpu_count() or 1) > 1 and threading.active_count() == 1


class Helper:
    """One forked helper over `count` tasks, numbered in the order MkDocs will reach them.

    The build `claim`s each task as it starts it; the helper goes from the
    last task down and stops at the first claimed one. `work(i)` returns
    what the helper has to send back (a list of plain values), which
    `receive` hands to the build; work that lands in an on-disk cache
    returns nothing.
    """

    def __init__(
        self, count: int, work: Callable[[int], list[Any] | None], *, taken: int = -1, setup: Callable[[], None] | None = None
    ) -> None:
        self.count = count
        self.claims = mmap.mmap(-1, max(count, 1))  # shared with the helper: 1 once the build started a task
        for index in range(min(taken + 1, count)):  # tasks up to `taken` are the build's already
            self.claims[index] = 1
        self.pid: int | None = None
        self._fd: int | None = None
        self._buffer = b""
        read, write = os.pipe()
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:  # no process to spare: the build does every task itself
            for fd in (read, write):
                os.close(fd)
            return
        if pid == 0:
            os.close(read)
            _end_with(parent)
            self._run(work, write, setup)
        os.close(write)
        os.set_blocking(read, False)
        self.pid, self._fd = pid, read

    def _run(self, work: Callable[[int], list[Any] | None], fd: int, setup: Callable[[], None] | None) -> None:
        """In the helper: do tasks from the end until one is claimed, then leave without cleanup."""
        status = 0
        try:
            if setup is not None:
                setup()
            # Messages are still made (the caches record them, to replay on a hit),
            # but only the build prints them.
            quiet = os.open(os.devnull, os.O_WRONLY)
            os.dup2(quiet, 1)
            os.dup2(quiet, 2)
            try:
                import fcntl

                fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
            except (ImportError, OSError):
                pass
            for index in reversed(range(self.count)):
                if self.claims[index]:
                    break
                message = work(index)
                if message:
                    data = marshal.dumps(message)
                    os.write(fd, _LENGTH.pack(len(data)))
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view):]
        except BaseException:
            status = 1
        finally:
            os._exit(status)  # never run the build's exit handlers or flush its buffers twice

    def claim(self, index: int) -> None:
        if 0 <= index < self.count:
            self.claims[index] = 1

    def receive(self) -> list[Any]:
        """Every complete message the helper has sent so far (never waits)."""
        if self._fd is None:
            return []
        while True:
            try:
                chunk = os.read(self._fd, 1 << 20)
            except BlockingIOError:
                break
            if not chunk:
                break
            self._buffer += chunk
        messages, start = [], 0
        while len(self._buffer) - start >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self._buffer, start)
            end = start + _LENGTH.size + size
            if len(self._buffer) < end:
                break
            messages.append(marshal.loads(self._buffer[start + _LENGTH.size : end]))
            start = end
        self._buffer = self._buffer[start:]
        return messages

    def wait(self) -> list[Any]:
        """Let the helper finish its tasks, then clean up; the messages not received yet."""
        if self.pid is not None:
            _reap(self.pid)
            self.pid = None
        messages = self.receive()
        self.stop()
        return messages

    def stop(self) -> None:
        """End the helper, whatever it is doing."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _reap(self.pid)
            self.pid = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self.claims.close()


def _end_with(parent: int) -> None:
    """In the helper: be killed when the build ends, however it ends.

    A build killed outright (SIGKILL, a closed terminal) runs none of its
    cleanup; without this its helper went on rendering pages nobody waits for.
    """
    if die_with_parent() and os.getppid() != parent:  # the build ended before the request was made
        os._exit(1)


def die_with_parent() -> bool:
    """Have this process killed when the one that forked it ends (Linux); False where that cannot be asked.

    Also a `preexec_fn`, for programs the build starts (Pagefind's).
    """
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL) == 0  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the helper ends when it next finds its work claimed, or at its end
        return False


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # already reaped (SIGCHLD ignored by whoever started the build)
        pass
