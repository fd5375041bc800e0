"""`python -m alignhub` runs the command line."""

import sys

from alignhub.cli import main

sys.exit(main())
