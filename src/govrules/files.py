"""Writing output files whole or not at all.

:func:`write_atomically` is how every file govrules writes (reports with ``-o``, the handbook)
reaches the disk:

- the text goes to a file with no name yet (Linux ``O_TMPFILE``) in the target's folder, is
  flushed to the disk (``fsync``), and only then gets a name and replaces the target in one
  step; a process killed half-way (even by SIGKILL) leaves nothing behind and the old file
  untouched;
- where the file system has no unnamed files, a hidden temporary file is used instead; it is
  removed if writing fails or the process is interrupted or terminated (SIGTERM);
- the new file gets the permissions the user's umask gives new files (0644 under the usual
  022), like any file an editor saves, not a temporary file's 0600.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """While writing, SIGTERM unwinds the stack (so ``finally`` can clean up) instead of
    ending the process on the spot."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def write_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) in one step, or leave it as it was.

    Raises:
        OSError: the folder cannot be written (nothing is left behind).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    data = text.encode("utf-8")
    mode = 0o666 & ~_umask()
    staged = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
    with _terminate_as_exit():
        try:
            fd = os.open(folder, os.O_TMPFILE | os.O_WRONLY, mode)
        except (AttributeError, OSError) as err:
            if isinstance(err, OSError) and err.errno not in (
                errno.EOPNOTSUPP,
                errno.EISDIR,
                errno.EINVAL,
            ):
                raise
            _write_named(staged, target, data, mode)
            return
        try:
            _write_all(fd, data)
            os.fsync(fd)
            linked = _link_unnamed(fd, staged)
        finally:
            os.close(fd)
        if not linked:
            _write_named(staged, target, data, mode)
            return
        try:
            os.replace(staged, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(staged)
            raise
    _fsync_folder(folder)


def _link_unnamed(fd: int, name: Path) -> bool:
    """Give the unnamed file ``fd`` a name (``linkat`` through /proc, following the link);
    False where the system does not allow it."""
    root = os.open("/", os.O_RDONLY)
    try:
        # A src_dir_fd makes os.link call linkat(..., AT_SYMLINK_FOLLOW) rather than link().
        os.link(f"/proc/self/fd/{fd}", name, src_dir_fd=root, follow_symlinks=True)
    except OSError:
        return False
    finally:
        os.close(root)
    return True


def _write_named(staged: Path, target: Path, data: bytes, mode: int) -> None:
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(staged, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(staged)
        raise
    _fsync_folder(target.parent if str(target.parent) else Path("."))
