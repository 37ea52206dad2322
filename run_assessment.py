#!/usr/bin/env python3
"""MS Plus assessment tool: see README.md. This file only hands the command line to msplus.cli."""

import sys

from msplus.cli import main

if __name__ == "__main__":
    sys.exit(main())
