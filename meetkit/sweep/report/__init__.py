"""Sweep outputs for people: spectrum.png (Pillow) and report.pdf (the kit's marked PDF base)."""
