"""``python -m xcom_lint PATH...``, the same as the ``xcom-lint`` command."""

import sys

from .cli import main

sys.exit(main())
