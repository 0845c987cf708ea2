"""Printed reports: PDF and CSV, every page carrying the classification mark."""
