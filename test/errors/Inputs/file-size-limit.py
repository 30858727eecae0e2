"""file-size-limit.py BYTES COMMAND...: runs COMMAND with files limited to
BYTES (RLIMIT_FSIZE, SIGXFSZ ignored), so writing more fails with EFBIG:
a full disk for what the command can tell."""
import os
import resource
import signal
import sys

limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
os.execvp(sys.argv[2], sys.argv[2:])
