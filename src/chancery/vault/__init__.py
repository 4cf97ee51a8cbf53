"""The encrypted document vault: documents, versions, sharing, search and retention."""
