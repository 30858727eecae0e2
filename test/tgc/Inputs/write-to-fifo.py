"""write-to-fifo.py DIR COMMAND...: makes the FIFO DIR/out, reads it on a
thread, runs COMMAND with each '{fifo}' replaced by its path, and checks
that the command succeeded, that the FIFO is still a FIFO (a program that
renames a temporary file over its output path replaces it, as it would
replace /dev/null), and that it carried the output. Prints what it saw."""
import os
import stat
import subprocess
import sys
import threading

fifo = os.path.join(sys.argv[1], "out")
if os.path.lexists(fifo):
    os.unlink(fifo)
os.mkfifo(fifo)
received = []


def drain():
    with open(fifo, "rb") as f:
        received.append(f.read())


reader = threading.Thread(target=drain, daemon=True)
reader.start()
command = [arg.replace("{fifo}", fifo) for arg in sys.argv[2:]]
status = subprocess.run(command, timeout=600).returncode
if status != 0:
    # Unblock the reader if the command never opened the FIFO.
    with open(fifo, "wb"):
        pass
reader.join(timeout=60)
kind = "fifo" if stat.S_ISFIFO(os.lstat(fifo).st_mode) else "replaced"
size = len(received[0]) if received else 0
print(f"exit {status}, output path: {kind}, {'bytes' if size else 'nothing'} received")
