"""Controlled documents: numbered copies, the custody ledger, reconciliation, destruction, notebooks and recordings."""
