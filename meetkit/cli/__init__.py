"""Thin command-line layer: parses arguments, calls the same services as the GUI, prints JSON."""
