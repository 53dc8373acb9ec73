"""``python -m lossledger`` is the same as the ``lossledger`` command."""

from lossledger.cli import main

raise SystemExit(main())
