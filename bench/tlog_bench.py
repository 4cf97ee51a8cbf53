"""Benchmark of chancery_tlog's store-backed Merkle tree against pymerkle.

Usage::

    .venv/bin/python bench/tlog_bench.py [--leaves N] [--samples S] [--no-pymerkle] [--pin]

Measures, in one single-threaded process (``--pin`` also pins it to one CPU):

* appends per second building an N-leaf tree with ``TreeBuilder.append``
  (entry → leaf hash → new nodes → ``InMemoryNodeStore``), and with the
  batched ``TreeBuilder.extend``;
* mean time to generate *and* verify an inclusion proof and a consistency
  proof from the store at N leaves (random indexes / old sizes, roots
  precomputed outside the timed region);
* peak traced memory (tracemalloc) of one inclusion + consistency proof at a
  small and at the full size, to show it does not grow with the tree;
* the same operations with pymerkle's ``InmemoryTree`` in the same run, and
  the speed ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from chancery_tlog import merkle, store


def pin_to_one_core() -> str:
    """Pin this process to a single CPU if the platform supports it."""
    if hasattr(os, "sched_setaffinity") and hasattr(os, "sched_getaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def entries(n: int) -> list[bytes]:
    return [b"entry-%d" % i for i in range(n)]


def timed(fn: Callable[[], object]) -> Timing:
    """Run ``fn`` once; return its wall-clock and process CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu)


@dataclass
class Timing:
    """Wall-clock and CPU seconds of one measurement."""

    wall: float
    cpu: float

    def rate(self, n: int) -> tuple[float, float]:
        """Operations per second (wall, CPU)."""
        return n / self.wall, n / self.cpu if self.cpu else float("inf")

    def mean_ms(self, n: int) -> tuple[float, float]:
        """Mean milliseconds per operation (wall, CPU)."""
        return self.wall / n * 1e3, self.cpu / n * 1e3


@dataclass
class Result:
    """Figures of one implementation: (wall, CPU) pairs."""

    append_per_s: tuple[float, float]
    inclusion_ms: tuple[float, float]
    consistency_ms: tuple[float, float]
    root: bytes
    extend_per_s: tuple[float, float] = (0.0, 0.0)
    peak_bytes: int = 0


def rate(pair: tuple[float, float]) -> str:
    return f"{pair[0]:>12,.0f} wall  {pair[1]:>12,.0f} CPU"


def ms(pair: tuple[float, float]) -> str:
    return f"{pair[0]:>12.4f} wall  {pair[1]:>12.4f} CPU  (ms)"


def bench_ours(data: list[bytes], samples: int, rng: random.Random) -> tuple[Result, store.InMemoryNodeStore]:
    n = len(data)
    s = store.InMemoryNodeStore()
    tb = store.TreeBuilder(s)
    append = tb.append

    def build() -> None:
        for d in data:
            append(d)

    t_append = timed(build)

    s2 = store.InMemoryNodeStore()
    tb2 = store.TreeBuilder(s2)

    def build_batched() -> None:
        for i in range(0, n, 4096):
            tb2.extend([merkle.leaf_hash(d) for d in data[i : i + 4096]])

    t_extend = timed(build_batched)
    assert tb2.root() == tb.root()

    root = tb.root()
    idx = [rng.randrange(n) for _ in range(samples)]
    olds = [rng.randrange(1, n) for _ in range(samples)]
    old_roots = [store.root_hash(s, o) for o in olds]
    leaf_hashes = s.get_nodes([(0, i) for i in idx])

    def inclusion() -> None:
        for i, lh in zip(idx, leaf_hashes, strict=True):
            p = store.inclusion_proof(s, i, n)
            if not merkle.verify_inclusion(lh, i, n, p, root):
                raise AssertionError("inclusion proof failed")

    def consistency() -> None:
        for o, r in zip(olds, old_roots, strict=True):
            p = store.consistency_proof(s, o, n)
            if not merkle.verify_consistency(o, n, r, root, p):
                raise AssertionError("consistency proof failed")

    t_incl = timed(inclusion)
    t_cons = timed(consistency)
    result = Result(
        t_append.rate(n), t_incl.mean_ms(samples), t_cons.mean_ms(samples), root, extend_per_s=t_extend.rate(n)
    )
    return result, s


def proof_peak_bytes(s: store.InMemoryNodeStore, size: int, rng: random.Random) -> int:
    """Peak traced allocation of one inclusion + one consistency proof (generate + verify)."""
    root = store.root_hash(s, size)
    i = rng.randrange(size)
    old = rng.randrange(1, size)
    old_root = store.root_hash(s, old)
    lh = s.get_nodes([(0, i)])[0]
    tracemalloc.start()
    tracemalloc.reset_peak()
    p = store.inclusion_proof(s, i, size)
    ok = merkle.verify_inclusion(lh, i, size, p, root)
    c = store.consistency_proof(s, old, size)
    ok = ok and merkle.verify_consistency(old, size, old_root, root, c)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if not ok:
        raise AssertionError("proof failed")
    return peak


def bench_pymerkle(data: list[bytes], samples: int, rng: random.Random) -> Result | None:
    try:
        from pymerkle import InmemoryTree, verify_consistency, verify_inclusion
    except ImportError:
        return None
    warnings.simplefilter("ignore", DeprecationWarning)
    n = len(data)
    tree = InmemoryTree(algorithm="sha256")
    append = tree.append_entry

    def build() -> None:
        for d in data:
            append(d)

    t_append = timed(build)
    root = tree.get_state(n)
    idx = [rng.randrange(1, n + 1) for _ in range(samples)]  # pymerkle indexes from 1
    olds = [rng.randrange(1, n) for _ in range(samples)]
    old_roots = [tree.get_state(o) for o in olds]
    leaves = [tree.get_leaf(i) for i in idx]

    def inclusion() -> None:
        for i, leaf in zip(idx, leaves, strict=True):
            verify_inclusion(leaf, root, tree.prove_inclusion(i, n))

    def consistency() -> None:
        for o, r in zip(olds, old_roots, strict=True):
            verify_consistency(r, root, tree.prove_consistency(o, n))

    t_incl = timed(inclusion)
    t_cons = timed(consistency)

    tracemalloc.start()
    tracemalloc.reset_peak()
    verify_inclusion(leaves[0], root, tree.prove_inclusion(idx[0], n))
    verify_consistency(old_roots[0], root, tree.prove_consistency(olds[0], n))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Result(t_append.rate(n), t_incl.mean_ms(samples), t_cons.mean_ms(samples), root, peak_bytes=peak)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leaves", type=int, default=1_000_000, help="tree size (default 1,000,000)")
    parser.add_argument("--samples", type=int, default=1000, help="proofs per measurement (default 1000)")
    parser.add_argument("--small", type=int, default=1000, help="small tree size for the memory comparison")
    parser.add_argument("--no-pymerkle", action="store_true", help="skip the pymerkle baseline")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--pin", action="store_true", help="pin the process to one CPU (sched_setaffinity)")
    args = parser.parse_args(argv)
    if args.leaves < max(2, args.small):
        parser.error("--leaves must be at least 2 and at least --small")

    pinning = pin_to_one_core() if args.pin else "single thread, not pinned"
    rng = random.Random(args.seed)
    data = entries(args.leaves)
    print(f"# chancery_tlog benchmark: {args.leaves:,} leaves, {args.samples:,} samples, seed {args.seed}")
    print(f"# Python {platform.python_version()} on {platform.machine()}, {pinning}")

    ours, s = bench_ours(data, args.samples, rng)
    peak_small = proof_peak_bytes(s, args.small, rng)
    peak_full = proof_peak_bytes(s, args.leaves, rng)

    print()
    print("chancery_tlog (store-backed, InMemoryNodeStore)")
    print(f"  appends/s, TreeBuilder.append (hash + nodes + store): {rate(ours.append_per_s)}")
    print(f"  appends/s, TreeBuilder.extend, 4096-leaf batches   : {rate(ours.extend_per_s)}")
    print(f"  inclusion proof generate + verify, mean            : {ms(ours.inclusion_ms)}")
    print(f"  consistency proof generate + verify, mean          : {ms(ours.consistency_ms)}")
    print(f"  peak traced memory, both proofs, {args.small:>9,} leaves : {peak_small:>8,} B")
    print(f"  peak traced memory, both proofs, {args.leaves:>9,} leaves : {peak_full:>8,} B")

    if args.no_pymerkle:
        return 0
    theirs = bench_pymerkle(data, args.samples, rng)
    if theirs is None:
        print("\npymerkle not installed; baseline skipped")
        return 0
    print()
    print("pymerkle InmemoryTree (same entries, same run)")
    print(f"  appends/s, append_entry                            : {rate(theirs.append_per_s)}")
    print(f"  inclusion proof generate + verify, mean            : {ms(theirs.inclusion_ms)}")
    print(f"  consistency proof generate + verify, mean          : {ms(theirs.consistency_ms)}")
    print(f"  peak traced memory, both proofs, {args.leaves:>9,} leaves : {theirs.peak_bytes:>8,} B")
    print(f"  same root hash as chancery_tlog                    : {theirs.root == ours.root}")
    print()
    print("ratios, chancery_tlog speed / pymerkle speed (wall, CPU)")
    for label, a_pair, b_pair in (
        ("appends", ours.append_per_s, theirs.append_per_s),
        ("inclusion proof", theirs.inclusion_ms, ours.inclusion_ms),
        ("consistency proof", theirs.consistency_ms, ours.consistency_ms),
    ):
        print(f"  {label:<50}: {a_pair[0] / b_pair[0]:>6.1f}x  {a_pair[1] / b_pair[1]:>6.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
