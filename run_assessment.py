#!/usr/bin/env python3
"""MS Plus assessment tool: see README.md. This file only hands the command line to app.cli."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
