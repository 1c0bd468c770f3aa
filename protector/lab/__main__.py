"""``python -m protector.lab``."""

import sys

from protector.lab.cli import main

sys.exit(main())
