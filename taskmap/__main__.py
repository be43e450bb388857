"""`python -m taskmap` and the `taskmap` command: the command line (`cli.main`).

A Ctrl-C while the command is still starting (its imports, before any command runs) exits
130 with one line, never a traceback. The package's `__init__` installs a handler to that
end as its first act when the process is the program (`python -m taskmap` imports the
package before this module; the `taskmap` command imports this module through it); `main`
installs it too when it is called some other way, and hands Ctrl-C back to Python's own
handling once `cli` is imported: from then on `cli.main` says what was put in place."""

import os
import signal
import sys

INTERRUPTED = "已中断;没有写出不完整的文件\n"
STARTING = "_interrupted_while_starting"  # the handler's name, here and in the package


def _interrupted_while_starting(signum, frame) -> None:
    """Nothing has been written yet: say so and end now (no cleanup is owed)."""
    try:
        os.write(2, INTERRUPTED.encode())
    finally:
        os._exit(130)


def main() -> None:
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupted_while_starting)
    try:
        from .cli import main as run
    except KeyboardInterrupt:  # a handler of the caller's raised it
        sys.stderr.write(INTERRUPTED)
        exec("pass")  # the Ctrl-C was handled: see cli.handled_interrupt
        sys.exit(130)
    if getattr(signal.getsignal(signal.SIGINT), "__name__", "") == STARTING:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # cli.main's from here
    run()


if __name__ == "__main__":
    main()
