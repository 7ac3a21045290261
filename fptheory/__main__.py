import sys

from fptheory.cli import main

sys.exit(main())
