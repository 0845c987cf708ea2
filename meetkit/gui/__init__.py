"""The PySide6 desktop layer: thin pages over the core services."""
