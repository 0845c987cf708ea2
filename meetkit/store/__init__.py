"""The one place with SQL. Domain services call the query functions in this package's modules;
nothing outside ``meetkit.store`` writes SQL.

``open_store`` opens (or creates) an SQLCipher-encrypted file through sqlite-utils.
"""

from meetkit.store.db import APPLICATION_ID, Store, create_store, open_store

__all__ = ["APPLICATION_ID", "Store", "create_store", "open_store"]
