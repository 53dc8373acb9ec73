"""What produced a result: the extractor's version, as a fingerprint of its rules.

The ledger re-extracts an article only when the extractor changed. A version
number bumped by hand is easy to forget, so the version is computed: the
package version plus a hash of the extraction modules and their word lists.
Editing a lexicon therefore re-extracts every article on the next run.
"""

from __future__ import annotations

import hashlib
from functools import cache

from lossledger import __version__
from lossledger.paths import LEXICON_DIR, PACKAGE_DIR

# The modules whose behaviour decides the claims table.
EXTRACTION_MODULES: tuple[str, ...] = (
    "numbers.py",
    "sentences.py",
    "attribution.py",
    "timeref.py",
    "claims.py",
)


@cache
def extractor_version() -> str:
    """``<package version>+<12 hex of the rules' hash>``, e.g. ``0.1.0+3f9c0a1b2c3d``."""
    digest = hashlib.sha256()
    files = [PACKAGE_DIR / name for name in EXTRACTION_MODULES]
    files += sorted(LEXICON_DIR.glob("*.yaml"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"
