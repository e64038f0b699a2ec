#!/usr/bin/env python3
"""Runs a command in a pseudo-terminal of a given size and copies everything it writes to stdout.

Usage: pty-run.py COLUMNS ROWS COMMAND [ARG...]

The e2e tests of the live progress view need a real terminal (isTTY, columns, rows) without a
native node module: the child's stdin, stdout and stderr are the pty, its window size is set before
it starts, and this script exits with the child's exit code (128 + N when a signal N ended it).
"""
import fcntl
import os
import pty
import struct
import sys
import termios


def main() -> int:
    if len(sys.argv) < 4:
        sys.stderr.write("usage: pty-run.py COLUMNS ROWS COMMAND [ARG...]\n")
        return 2
    columns, rows = int(sys.argv[1]), int(sys.argv[2])
    command = sys.argv[3:]
    pid, master = pty.fork()
    if pid == 0:
        # In the child the pty is the controlling terminal: size it before the command reads it.
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        os.execvp(command[0], command)
    out = sys.stdout.buffer
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child has exited and closed the terminal
            break
        if not data:
            break
        out.write(data)
        out.flush()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())
