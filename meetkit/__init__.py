"""meetkit: an operations kit for confidential meetings.

The core (everything outside ``meetkit.gui``) is plain Python and never imports Qt.
"""

__version__ = "0.1.0"
