"""`python -m taskmap` and the `taskmap` command: the command line (`cli.main`). A Ctrl-C
while it is still being imported exits 130 with one line too, never a traceback."""

import sys


def main() -> None:
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("已中断;没有写出不完整的文件\n")
        sys.exit(130)
    run()


if __name__ == "__main__":
    main()
