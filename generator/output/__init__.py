"""Writing an output safely: staged and swapped in whole, and the ledger of its files."""
