#!/usr/bin/env python3
"""Mock Pylon REST API server for source-pylon's tests.

Usage: python3 tests/mock/pylon_mock.py [switches]   (--help lists them)
Prints one JSON line {"url", "ca_file", "admin", "pid"} on stdout when
ready.  See tests/mock/README.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pylonmock.main import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main())
