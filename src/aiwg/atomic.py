"""Crash-safe file writes: each file replaced whole by a rename, made durable in one batch.

Per-file fsync was most of a deploy's wall time. Instead every file of a run is written (temp
file + rename, mode kept) without waiting for the disk, then the whole batch is made durable at
once — `syncfs` of each filesystem touched where the system has it, else one fsync per written
file and per touched folder — and only then is the manifest that records them written and
synced. So after a power loss the manifest never records a file whose new bytes were lost.

Reads of files aiwg may replace go through `read_regular`: a named pipe, device or socket at
such a path is refused with one line, never opened for a blocking read.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from aiwg.errors import UnsafePathError

DEFAULT_MODE = 0o644
TEMP_SUFFIX = ".aiwg-tmp"
# `.<name>.<8 hex>.aiwg-tmp`: the only names `clean_temporaries` will ever delete.
TEMP_NAME = re.compile(r"^\.(?P<target>.+)\.[0-9a-f]{8}" + re.escape(TEMP_SUFFIX) + "$")
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)

KINDS = ((stat.S_ISFIFO, "named pipe"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "device"),
         (stat.S_ISBLK, "device"), (stat.S_ISDIR, "folder"), (stat.S_ISLNK, "symlink"))


def kind_of(mode: int) -> str:
    """'file' for a regular file, else what it is (named pipe, socket, device, folder, symlink)."""
    if stat.S_ISREG(mode):
        return "file"
    return next((name for test, name in KINDS if test(mode)), "special file")


def refuse_kind(shown: str | Path, mode: int) -> UnsafePathError:
    return UnsafePathError(f"{shown}: a {kind_of(mode)} is where aiwg reads or writes a file; "
                           "aiwg handles only regular files, so it left it alone")


def read_regular(path: Path, shown: str | Path | None = None) -> bytes | None:
    """The bytes of a regular file, or None when nothing is there.

    Anything else at the path (named pipe, socket, device, folder) raises UnsafePathError without
    being read: a pipe opened for reading would block the run for ever while it holds the lock.
    """
    shown = path if shown is None else shown
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISLNK(info.st_mode):
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return None  # a dangling link: nothing to read
    if not stat.S_ISREG(info.st_mode):
        raise refuse_kind(shown, info.st_mode)
    # O_NONBLOCK: if the file was swapped for a pipe since the stat, opening it does not wait.
    fd = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY)
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise refuse_kind(shown, opened.st_mode)
        chunks = []
        while chunk := os.read(fd, max(opened.st_size, 65536)):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def mode_for(destination: Path, executable: bool | None) -> int:
    """The existing file's mode (a new file gets 0644 under the umask), with x set or cleared."""
    try:
        mode = os.stat(destination).st_mode & 0o7777
    except FileNotFoundError:
        mode = DEFAULT_MODE & ~_umask()
    return with_executable(mode, executable)


def is_executable(path: Path) -> bool:
    return bool(os.stat(path).st_mode & stat.S_IXUSR)


def with_executable(mode: int, executable: bool | None) -> int:
    if executable:
        return mode | (mode & 0o444) >> 2  # add x wherever r is set
    if executable is False:
        return mode & ~0o111
    return mode


def temp_name(destination: Path) -> Path:
    return destination.with_name(f".{destination.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def clean_temporaries(folders: Iterable[Path], owned_names: set[tuple[Path, str]]) -> list[Path]:
    """Remove temp files a killed run left, in the folders this run writes.

    Only aiwg's own temp names for files it writes (`.<name>.<8 hex>.aiwg-tmp` where `<name>` is in
    `owned_names` for that folder) are removed; any other file is someone else's.
    """
    removed = []
    for folder in sorted(set(folders)):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            match = TEMP_NAME.match(entry.name)
            if (match and (folder, match["target"]) in owned_names
                    and entry.is_file(follow_symlinks=False)):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


class Batch:
    """The writes of one run, made durable together by `make_durable`."""

    def __init__(self) -> None:
        self.files: list[Path] = []
        self.folders: set[Path] = set()
        # Folders this batch found or made: a deploy writes thousands of files into a few
        # dozen folders, and each would otherwise be probed again per file.
        self._present: set[Path] = set()
        self._umask: int | None = None

    def umask(self) -> int:
        """The process's umask, read once per batch (reading it takes two system calls)."""
        if self._umask is None:
            self._umask = _umask()
        return self._umask

    def new_file_mode(self, executable: bool | None) -> int:
        """The mode of a file that does not exist yet: 0644 under the umask."""
        return with_executable(DEFAULT_MODE & ~self.umask(), executable)

    def make_folders(self, folder: Path) -> None:
        """Create `folder` and any missing parents; each new entry's parent is synced later."""
        if folder in self._present:
            return
        missing = []
        while not os.path.isdir(folder):
            missing.append(folder)
            if folder.parent == folder:
                break
            folder = folder.parent
        for created in reversed(missing):
            with contextlib.suppress(FileExistsError):
                os.mkdir(created)
            self.folders.add(created.parent)
        self._present.update(missing)
        self._present.add(folder)

    def write(self, destination: Path, data: bytes, mode: int) -> None:
        """Replace `destination` whole (temp file in the same folder, then a rename)."""
        self.make_folders(destination.parent)
        try:
            self._replace(destination, data, mode)
        except FileNotFoundError:
            # The folder went since this batch saw it (a person's `rm -r` mid-run): make it
            # again, as a batch that had not seen it would.
            self._present.discard(destination.parent)
            self.make_folders(destination.parent)
            self._replace(destination, data, mode)
        self.files.append(destination)
        self.folders.add(destination.parent)

    def _replace(self, destination: Path, data: bytes, mode: int) -> None:
        temp = temp_name(destination)
        # Created with its final permission bits when the umask leaves them all (the usual
        # case), so no chmod follows; otherwise private until fchmod sets them.
        direct = mode == mode & 0o777 & ~self.umask()
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY,
                     mode if direct else 0o600)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                if not direct and hasattr(os, "fchmod"):
                    os.fchmod(fd, mode)
            finally:
                os.close(fd)
            if not direct and not hasattr(os, "fchmod"):
                os.chmod(temp, mode)
            os.replace(temp, destination)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise

    def chmod(self, destination: Path, mode: int) -> None:
        os.chmod(destination, mode)
        self.files.append(destination)

    def delete(self, path: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        self.folders.add(path.parent)

    def remove_folder(self, folder: Path) -> None:
        os.rmdir(folder)
        self.folders.add(folder.parent)

    def make_durable(self) -> None:
        """Every write so far reaches the disk before this returns."""
        if not self.files and not self.folders:
            return
        if not _syncfs_each(self.folders | {f.parent for f in self.files}):
            for path in self.files:
                _fsync_path(path)
            for folder in sorted(self.folders):
                _fsync_path(folder)
        self.files.clear()
        self.folders.clear()


def atomic_write(destination: Path, data: bytes, mode: int | None = None) -> None:
    """One file replaced whole and synced with its folder (the manifest, written after everything
    else; aiwg.toml). `mode` None keeps the existing file's mode."""
    batch = Batch()
    batch.write(destination, data, mode_for(destination, None) if mode is None else mode)
    _fsync_path(destination)
    _fsync_path(destination.parent)
    for folder in batch.folders - {destination.parent}:
        _fsync_path(folder)


def _fsync_path(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY)
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        return  # gone since (a later delete), or a folder Windows will not open: nothing to sync
    try:
        os.fsync(fd)
    except OSError as error:
        if not _fsync_unsupported(error):
            raise
    finally:
        os.close(fd)


def _fsync_unsupported(error: OSError) -> bool:
    """Some filesystems (and folders on some systems) cannot be fsynced; that is not a failure."""
    import errno

    return error.errno in (errno.EINVAL, errno.EBADF, errno.ENOTSUP, errno.EACCES)


def _syncfs_each(folders: Iterable[Path]) -> bool:
    """syncfs(2) once per filesystem among `folders`; False where the system has no syncfs."""
    syncfs = _syncfs()
    if syncfs is None:
        return False
    by_device: dict[int, Path] = {}
    for folder in folders:
        with contextlib.suppress(OSError):
            by_device.setdefault(os.stat(folder).st_dev, folder)
    for folder in by_device.values():
        fd = os.open(folder, os.O_RDONLY)
        try:
            if syncfs(fd) != 0:
                import ctypes

                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code), str(folder))
        finally:
            os.close(fd)
    return True


_SYNCFS_CACHE: list[Callable[[int], int] | None] = []


def _syncfs() -> Callable[[int], int] | None:
    """libc's syncfs (Linux), looked up once; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    if not _SYNCFS_CACHE:
        try:
            import ctypes

            function: Callable[[int], int] | None = ctypes.CDLL(None, use_errno=True).syncfs
        except (OSError, AttributeError):
            function = None
        _SYNCFS_CACHE.append(function)
    return _SYNCFS_CACHE[0]
