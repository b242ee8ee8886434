# ruff: noqa
"""Looks for the segment and the queue ipc_a_writer left, and reports their marker."""

import ctypes

libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
KEY = 0x67726B31
SEEN = "found:"
shm = libc.shmget(KEY, 0, 0)
if shm >= 0:
    SEEN += " shm " + ctypes.string_at(libc.shmat(shm, None, 0), 18).decode()


class _Message(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("text", ctypes.c_char * 64)]


queue = libc.msgget(KEY, 0)
if queue >= 0:
    message = _Message()
    if libc.msgrcv(queue, ctypes.byref(message), 64, 0, 0o4000) > 0:  # IPC_NOWAIT
        SEEN += " msg " + message.text.decode()
