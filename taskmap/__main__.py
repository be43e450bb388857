"""`python -m taskmap` and the `taskmap` command: the command line (`cli.main`).

A Ctrl-C while the command is still starting (its imports, before any command runs) exits
130 with one line, never a traceback. The package's `__init__` installs a handler to that
end as its first act when the process is the program (`python -m taskmap` imports the
package before this module; the `taskmap` command imports this module through it); `main`
installs it too when it is called some other way, and hands Ctrl-C back to Python's own
handling once `cli` is imported: from then on `cli.main` says what was put in place."""

import signal
import sys

from . import _INTERRUPTED as INTERRUPTED
from . import _interrupted_while_starting


def main() -> None:
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupted_while_starting)
    try:
        from .cli import main as run
    except KeyboardInterrupt:  # a handler of the caller's raised it
        sys.stderr.write(INTERRUPTED)
        sys.exit(130)
    if signal.getsignal(signal.SIGINT) is _interrupted_while_starting:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # cli.main's from here
    run()


if __name__ == "__main__":
    main()
