"""The transparency log under every record: entries, stored Merkle nodes, signed checkpoints, witnesses."""
