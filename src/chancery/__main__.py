"""``python -m chancery`` is the same as the ``chancery`` command."""

from chancery.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
