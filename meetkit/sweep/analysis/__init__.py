"""Spectrum analysis of sweep IQ: PSD per block, stitched traces, noise floor, CFAR detection,
signals, artifacts, baseline comparison, classification and band labels. Pure NumPy, no Qt."""
