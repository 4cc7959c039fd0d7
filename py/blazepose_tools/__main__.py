"""`python -m blazepose_tools track ...`: the command line (see cli.py)."""

import sys

from blazepose_tools.cli import main

sys.exit(main())
