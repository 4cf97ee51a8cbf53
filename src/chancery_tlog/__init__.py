"""chancery_tlog: a pure-Python transparency log toolkit.

Modules (each implements one public specification, cited in its docstring):

* :mod:`chancery_tlog.merkle` — RFC 9162 Merkle tree hashes, inclusion and
  consistency proofs (generation over in-memory hashes and verification).
* :mod:`chancery_tlog.store` — append-only persisted tree nodes
  (``NodeStore`` protocol, in-memory store, ``CompactRange``, ``TreeBuilder``)
  and O(log n) store-backed proofs.
* :mod:`chancery_tlog.note` — C2SP signed-note v1 (Ed25519 ``0x01``) and the
  x/mod/sumdb/note vkey / skey encodings.
* :mod:`chancery_tlog.checkpoint` — C2SP tlog-checkpoint bodies and
  tlog-cosignature/v1 Ed25519 (``0x04``) cosignatures.
* :mod:`chancery_tlog.hybrid` — ML-DSA-44 (``0x06``) checkpoint signatures
  and a hybrid Ed25519 + ML-DSA-44 verification policy.
* :mod:`chancery_tlog.tiles` — C2SP tlog-tiles paths and tile contents.
* :mod:`chancery_tlog.witness` — C2SP tlog-witness ``add-checkpoint`` bodies
  and witness checks (no HTTP server).
* :mod:`chancery_tlog.proof_bundle` — C2SP tlog-proof files.
* :mod:`chancery_tlog.policy` — C2SP tlog-policy files and quorum evaluation.

The package has no Django dependency and performs no network I/O; see
``docs/tlog.md`` for the API overview and the project-specific encodings.
"""
