"""Run the command line: python -m alliance."""

import sys

from alliance.cli import main

sys.exit(main())
