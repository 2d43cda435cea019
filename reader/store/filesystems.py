"""Which filesystem holds a library, so that one on a network share can be refused clearly.

SQLite's write-ahead log keeps its index in a memory-mapped `-shm` file that every process using
the library must share; over NFS, SMB, sshfs and the like that memory is not shared and file locks
are unreliable, so two programs can damage the library (https://sqlite.org/wal.html, "WAL does
not work over a network filesystem").
"""

from __future__ import annotations

import os
from pathlib import Path

MOUNTS = Path("/proc/mounts")

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "coda",
        "9p",  # WSL's Windows drives and VM shares
        "drvfs",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "ocfs2",
        "gfs2",
        "davfs",
        "sshfs",
        "fuse.sshfs",
        "fuse.glusterfs",
        "fuse.cephfs",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gcsfuse",
        "fuse.davfs",
        "fuse.smbnetfs",
        "fuse.curlftpfs",
    }
)


def _unescape(field: str) -> str:
    """Mount points in /proc/mounts write space, tab, newline and backslash as octal escapes."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def filesystem_type(path: Path, mounts: str) -> str | None:
    """The type of the filesystem holding `path` (absolute), given the text of /proc/mounts.

    The longest mount point above the path wins; of equal ones the last, which hides the others.
    """
    best: tuple[int, str] | None = None
    target = str(path)
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape(fields[1]).rstrip("/") or "/"
        inside = point == "/" or target == point or target.startswith(point + "/")
        if inside and (best is None or len(point) >= best[0]):
            best = (len(point), fields[2])
    return best[1] if best else None


def network_filesystem(path: Path) -> str | None:
    """The network filesystem type holding `path`, or None when it is local (or unknown)."""
    try:
        mounts = MOUNTS.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None  # not Linux, or /proc not mounted: nothing to go by
    kind = filesystem_type(Path(os.path.realpath(path)), mounts)
    return kind if kind in NETWORK_FILESYSTEMS else None
