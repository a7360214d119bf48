"""`python -m kafinea_tui.cli`, as the tests run the command line."""

import sys

from kafinea_tui.cli.main import main

sys.exit(main())
