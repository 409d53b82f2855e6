"""The fake Finance SDK: C source with the vendor's ABI, built on demand (see `build.py`)."""
