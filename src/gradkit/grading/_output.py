"""Write reports so that a gradebook is never lost.

Output paths are checked before grading starts (`check_file`, `check_folder`),
every file is written atomically (`write_atomic`: a temporary file in the same
directory, fsync, rename, so a full disk leaves the previous report intact),
and when a final write still fails the JSON report goes to a fallback file
(`save_fallback`).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from pathlib import Path

from .._errors import GradingError


def _probe(folder: Path, what: str) -> None:
    """Create and remove a file in ``folder``: the one check that cannot lie."""
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=".gradkit-probe-")
    except OSError as error:
        raise GradingError(
            f"{what}: cannot create files in {str(folder)!r} ({error.strerror}); "
            "give a writable directory"
        ) from error
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)


def check_file(path: str, what: str = "-o") -> None:
    """Raise `GradingError` unless a report can be written to ``path``."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise GradingError(
            f"{what} {path!r}: the directory {str(folder)!r} does not exist; create it first"
        )
    if target.is_dir():
        raise GradingError(f"{what} {path!r} is a directory; give a file path")
    if os.path.lexists(target) and not stat.S_ISREG(target.stat().st_mode):
        raise GradingError(
            f"{what} {path!r} is not a regular file; give a file path "
            "(leave -o out to write to standard output)"
        )
    _probe(folder, f"{what} {path!r}")


def check_folder(path: str, what: str = "--feedback") -> None:
    """Make ``path`` (and parents); raise `GradingError` unless files can be written there."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as error:
        raise GradingError(f"{what} {path!r} is not a directory; give a directory") from error
    except OSError as error:
        raise GradingError(
            f"{what} {path!r}: cannot create the directory ({error.strerror}); "
            "give a writable directory"
        ) from error
    _probe(folder, f"{what} {path!r}")


def write_atomic(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text`` all at once, or leave it as it was."""
    target = Path(path)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def save_fallback(text: str, near: str | None = None) -> Path:
    """Write the JSON report ``text`` somewhere it fits; return where.

    Tries the current directory, then the system's temporary directory (and
    ``near``'s directory first, when given). Raises `OSError` when all fail.
    """
    name = f"gradkit-report-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.json"
    places = [Path(near).parent] if near else []
    places += [Path.cwd(), Path(tempfile.gettempdir())]
    error: OSError | None = None
    for folder in dict.fromkeys(places):
        try:
            write_atomic(folder / name, text)
        except OSError as failed:
            error = failed
            continue
        return folder / name
    assert error is not None
    raise error
