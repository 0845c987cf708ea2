"""RF sweep: sources, hop plans, acquisition, recordings, analysis. Plain Python + NumPy, no Qt."""
