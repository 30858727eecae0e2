"""file-mode.py PATH...: prints each path's permission bits in octal (0600),
or 'missing' when it does not exist."""
import os
import stat
import sys

for path in sys.argv[1:]:
    try:
        print(f"{path.rsplit('/', 1)[-1]}: {stat.S_IMODE(os.lstat(path).st_mode):04o}")
    except FileNotFoundError:
        print(f"{path.rsplit('/', 1)[-1]}: missing")
