# ruff: noqa
"""Leaves a SysV shared-memory segment and a message queue behind, with a marker.

A second submission (ipc_b_reader) looks for them: a channel between students,
and memory that RLIMIT_DATA does not count.
"""

import ctypes

libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
KEY = 0x67726B31
MARK = b"gradkit-ipc-marker"
SEEN = "created:"
shm = libc.shmget(KEY, 4096, 0o1666)  # IPC_CREAT | 0666
if shm >= 0:
    address = libc.shmat(shm, None, 0)
    ctypes.memmove(address, MARK, len(MARK))
    SEEN += " shm"


class _Message(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("text", ctypes.c_char * 64)]


queue = libc.msgget(KEY, 0o1666)
if queue >= 0 and libc.msgsnd(queue, ctypes.byref(_Message(1, MARK)), len(MARK), 0) == 0:
    SEEN += " msg"
