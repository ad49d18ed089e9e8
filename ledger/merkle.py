"""RFC 6962 / RFC 9162 §2.1 Merkle trees over stored subtree nodes: hashing, proofs, verification.

Storage model: the hash of every perfect aligned subtree is stored under its key (level, index),
the node covering leaves [index·2^level, (index+1)·2^level); level 0 holds the leaf hashes. Every
proof is planned as a list of keys, fetched with one batched `NodeReader.nodes` call and assembled,
so it costs O(log n) nodes and never rehashes the log. Standard library only (offline verifier).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from ledger.verification_errors import ProofError

Key = tuple[int, int]
"""(level, index) of a perfect aligned subtree."""
LeafRange = tuple[int, int]
"""Half-open range [start, end) of leaf positions."""

HASH_SIZE = 32
EMPTY_ROOT: bytes = hashlib.sha256(b"").digest()
"""RFC 6962 §2.1: MTH({}) = SHA-256() for the empty tree."""


def leaf_hash(data: bytes) -> bytes:
    """Return the RFC 6962 §2.1 leaf hash SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 6962 §2.1 interior node hash SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class NodeReader(Protocol):
    """Batched read access to stored subtree hashes (one query per proof)."""

    def nodes(self, keys: Sequence[Key]) -> Mapping[Key, bytes]:
        """Return the stored hash of each requested (level, index) key that exists."""
        ...


# --- planning: which leaf ranges and which stored keys a computation needs -----------------------


def _split(n: int) -> int:
    """Return the largest power of two smaller than n (RFC 6962 §2.1 "k"), for n > 1."""
    return 1 << ((n - 1).bit_length() - 1)


def range_keys(start: int, end: int) -> list[Key]:
    """Decompose leaves [start, end) into maximal aligned perfect subtrees, left to right."""
    if not 0 <= start <= end:
        raise ProofError(f"leaf range [{start}, {end}) is invalid: expected 0 <= start <= end")
    keys: list[Key] = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start:
            level = min(level, (start & -start).bit_length() - 1)
        keys.append((level, start >> level))
        start += 1 << level
    return keys


def frontier_keys(size: int) -> list[Key]:
    """Return the keys of the compact range (frontier) of a tree of `size` leaves."""
    return range_keys(0, size)


def _check_index(index: int, size: int) -> None:
    """Require 0 <= index < size (RFC 9162 §2.1.3.2 step 1)."""
    if not 0 <= index < size:
        raise ProofError(
            f"leaf index {index} is out of range: expected 0 <= index < tree size {size}"
        )


def inclusion_ranges(index: int, size: int) -> list[LeafRange]:
    """Return RFC 6962 §2.1.1 PATH(index, D[size]) as leaf ranges, leaf level first."""
    _check_index(index, size)
    lo, hi = 0, size
    siblings: list[LeafRange] = []
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            siblings.append((lo + k, hi))
            hi = lo + k
        else:
            siblings.append((lo, lo + k))
            lo += k
    return siblings[::-1]


def _check_sizes(old_size: int, new_size: int) -> None:
    """Require 0 < old_size <= new_size, the domain of RFC 9162 §2.1.4 consistency proofs."""
    if old_size > new_size:
        raise ProofError(f"old tree size {old_size} is larger than new tree size {new_size}")
    if old_size < 1:
        raise ProofError(
            f"consistency proof needs old tree size >= 1 (RFC 9162 §2.1.4): found {old_size}"
        )


def consistency_ranges(old_size: int, new_size: int) -> list[LeafRange]:
    """Return RFC 6962 §2.1.2 PROOF(old_size, D[new_size]) (SUBPROOF with b=true) as leaf ranges."""
    _check_sizes(old_size, new_size)
    lo, hi, whole = 0, new_size, True
    path: list[LeafRange] = []
    while hi != old_size:
        k = _split(hi - lo)
        if old_size - lo <= k:
            path.append((lo + k, hi))
            hi = lo + k
        else:
            path.append((lo, lo + k))
            lo, whole = lo + k, False
    head: list[LeafRange] = [] if whole else [(lo, hi)]
    return head + path[::-1]


# --- one batched fetch, then assembly -------------------------------------------------------------


def _fetch(reader: NodeReader, keys: Iterable[Key]) -> Mapping[Key, bytes]:
    """Fetch the distinct keys in one call; raise ProofError naming the first missing node."""
    wanted = list(dict.fromkeys(keys))
    found = reader.nodes(wanted) if wanted else {}
    missing = [key for key in wanted if key not in found]
    if missing:
        raise ProofError(
            f"node store lacks {len(missing)} node(s): expected a hash for (level, index) "
            f"{missing[0]}, found none"
        )
    return found


def _fold(hashes: Sequence[bytes]) -> bytes:
    """Fold subtree hashes right to left: RFC 6962 MTH of their leaves (EMPTY_ROOT if none)."""
    if not hashes:
        return EMPTY_ROOT
    acc = hashes[-1]
    for left in reversed(hashes[:-1]):
        acc = node_hash(left, acc)
    return acc


def range_hashes(ranges: Sequence[LeafRange], reader: NodeReader) -> list[bytes]:
    """Return the hash of each leaf range, fetching all needed nodes in one batched call."""
    plans = [range_keys(start, end) for start, end in ranges]
    found = _fetch(reader, (key for plan in plans for key in plan))
    return [_fold([found[key] for key in plan]) for plan in plans]


def range_hash(start: int, end: int, reader: NodeReader) -> bytes:
    """Return MTH(D[start:end]) for ranges of the RFC 6962 recursion (and [0, n) for any n)."""
    return range_hashes([(start, end)], reader)[0]


def root(size: int, reader: NodeReader) -> bytes:
    """Return the RFC 6962 §2.1 Merkle tree hash MTH(D[0:size])."""
    return range_hash(0, size, reader)


def inclusion_proof(index: int, size: int, reader: NodeReader) -> list[bytes]:
    """Return the RFC 6962 §2.1.1 audit path for leaf `index` in the tree of `size` leaves."""
    return range_hashes(inclusion_ranges(index, size), reader)


def consistency_proof(old_size: int, new_size: int, reader: NodeReader) -> list[bytes]:
    """Return the RFC 6962 §2.1.2 consistency proof between trees of old_size and new_size."""
    return range_hashes(consistency_ranges(old_size, new_size), reader)


# --- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) -----------------------------------------------


def _inclusion_shape(index: int, size: int) -> tuple[int, int]:
    """Return (inner, border): path nodes below and on the right border for leaf index < size."""
    inner = (index ^ (size - 1)).bit_length()
    return inner, (index >> inner).bit_count()


def _expect_proof(kind: str, proof: Sequence[bytes], length: int) -> None:
    """Require `length` proof elements of HASH_SIZE bytes each."""
    if len(proof) != length:
        raise ProofError(f"{kind} proof has wrong length: expected {length}, found {len(proof)}")
    for position, element in enumerate(proof):
        if len(element) != HASH_SIZE:
            raise ProofError(
                f"{kind} proof element {position} has wrong size: "
                f"expected {HASH_SIZE} bytes, found {len(element)}"
            )


def _expect_equal(what: str, calculated: bytes, expected: bytes) -> None:
    """Require a calculated hash to equal the expected one."""
    if calculated != expected:
        raise ProofError(
            f"calculated {what} {calculated.hex()} does not match expected {what} {expected.hex()}"
        )


def _climb(fn: int, sn: int) -> tuple[int, int]:
    """Right-shift fn and sn until LSB(fn) is set or fn is 0 (RFC 9162 §2.1.3.2 step 4)."""
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def _check_inclusion_inputs(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]
) -> None:
    """Require index < size, a full-size leaf hash and a proof of the RFC 6962 §2.1.1 length."""
    _check_index(index, size)
    if len(leaf_hash) != HASH_SIZE:
        raise ProofError(
            f"leaf hash has wrong size: expected {HASH_SIZE} bytes, found {len(leaf_hash)}"
        )
    _expect_proof("inclusion", proof, sum(_inclusion_shape(index, size)))


def root_from_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion path leads to, by RFC 9162 §2.1.3.2 steps 1-5; ProofError if malformed."""
    # 1. The leaf index must lie inside the tree; the path length follows from index and size.
    _check_inclusion_inputs(leaf_hash, index, size, proof)
    # 2.-3. fn is the leaf index, sn the last index, r the running hash.
    fn, sn, r = index, size - 1, leaf_hash
    # 4. Hash the path from the leaf up to the root.
    for p in proof:
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _climb(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    # 5. The path must end at the root.
    if sn != 0:
        raise ProofError(
            f"inclusion proof ended below the root: expected level index 0, found {sn}"
        )
    return r


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Verify an inclusion proof by the RFC 9162 §2.1.3.2 algorithm; raise ProofError if not."""
    _expect_equal("root", root_from_inclusion(leaf_hash, index, size, proof), root)


def _consistency_length(old_size: int, new_size: int) -> int:
    """Return the RFC 6962 §2.1.2 proof length for 0 < old_size < new_size."""
    inner, border = _inclusion_shape(old_size - 1, new_size)
    shift = (old_size & -old_size).bit_length() - 1
    seeded = old_size == 1 << shift
    return (0 if seeded else 1) + inner - shift + border


def _consistency_walk(
    old_size: int, new_size: int, old_root: bytes, proof: Sequence[bytes]
) -> tuple[bytes, bytes]:
    """Run RFC 9162 §2.1.4.2 steps 2-6 and return the calculated (old root, new root)."""
    # 2. If first is an exact power of 2, prepend first_hash to the consistency path.
    path = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    # 3.-4. fn = first - 1, sn = second - 1, then drop the levels where fn is a right child.
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    # 5. Both running hashes start from the first path element.
    fr = sr = path[0]
    # 6. Fold the rest of the path into both hashes.
    for c in path[1:]:
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            fn, sn = _climb(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError(
            f"consistency proof ended below the root: expected level index 0, found {sn}"
        )
    return fr, sr


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Verify a consistency proof by the RFC 9162 §2.1.4.2 algorithm; raise ProofError if not."""
    # 1. Sizes must satisfy 0 < old_size <= new_size; equal sizes need equal roots, empty proof.
    _check_sizes(old_size, new_size)
    if old_size == new_size:
        _expect_proof("consistency", proof, 0)
        _expect_equal("root", old_root, new_root)
        return
    _expect_proof("consistency", proof, _consistency_length(old_size, new_size))
    # 2.-6. Walk the path; 7. both calculated roots must match the given ones.
    old_calc, new_calc = _consistency_walk(old_size, new_size, old_root, proof)
    _expect_equal("old root", old_calc, old_root)
    _expect_equal("new root", new_calc, new_root)


# --- streaming appends ----------------------------------------------------------------------------


class CompactRange:
    """Streaming RFC 6962 appender keeping only the frontier, the hashes of frontier_keys(size)."""

    def __init__(self, size: int = 0, frontier: Sequence[bytes] = ()) -> None:
        """Start from `size` leaves summarised by their frontier hashes (left to right)."""
        if size < 0 or len(frontier) != size.bit_count():
            raise ProofError(
                f"frontier of tree size {size} has wrong length: "
                f"expected {max(size, 0).bit_count()}, found {len(frontier)}"
            )
        self._size = size
        self._frontier = list(frontier)

    @classmethod
    def from_frontier(cls, size: int, reader: NodeReader) -> CompactRange:
        """Rebuild the frontier of a stored tree with one batched fetch."""
        keys = frontier_keys(size)
        found = _fetch(reader, keys)
        return cls(size, [found[key] for key in keys])

    @property
    def size(self) -> int:
        """Number of leaves appended so far."""
        return self._size

    @property
    def frontier(self) -> tuple[bytes, ...]:
        """Hashes of the maximal perfect subtrees, left to right."""
        return tuple(self._frontier)

    def append(self, leaf_hash: bytes) -> list[tuple[int, int, bytes]]:
        """Append a leaf hash; return (level, index, hash) of each node it completes, leaf first."""
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(
                f"leaf hash has wrong size: expected {HASH_SIZE} bytes, found {len(leaf_hash)}"
            )
        index, level, node = self._size, 0, leaf_hash
        completed = [(0, index, node)]
        while index & 1:
            node = node_hash(self._frontier.pop(), node)
            index, level = index >> 1, level + 1
            completed.append((level, index, node))
        self._frontier.append(node)
        self._size += 1
        return completed

    def append_subtree(self, subtree_hash: bytes, level: int) -> list[tuple[int, int, bytes]]:
        """Append a perfect subtree of 2^level leaves by its hash (the size must be a multiple of 2^level);
        return (level, index, hash) of the subtree and of each node it completes, lowest first."""
        if self._size & ((1 << level) - 1):
            raise ValueError(f"a subtree of 2^{level} leaves cannot follow {self._size} leaves")
        width, index, node = 1 << level, self._size >> level, subtree_hash
        completed = [(level, index, node)]
        while index & 1:
            node = node_hash(self._frontier.pop(), node)
            index, level = index >> 1, level + 1
            completed.append((level, index, node))
        self._frontier.append(node)
        self._size += width
        return completed

    def root(self) -> bytes:
        """Return MTH of the leaves appended so far (EMPTY_ROOT at size 0)."""
        return _fold(self._frontier)

    def root_with(self, subtree_hashes: Sequence[bytes]) -> bytes:
        """MTH of these leaves followed by subtrees whose hashes continue the frontier (a range's compact hashes)."""
        return _fold([*self._frontier, *subtree_hashes])


def root_and_paths(leaf_hashes: Sequence[bytes]) -> tuple[bytes, list[list[bytes]]]:
    """MTH of a small in-memory leaf list and every leaf's audit path (RFC 6962 §2.1.1 PATH), in one pass.

    Built bottom-up: pairing neighbours level by level and carrying an odd last node up unchanged gives
    exactly RFC 6962's tree (its left subtrees are the largest perfect ones)."""
    if not leaf_hashes:
        raise ValueError("no leaves")
    count = len(leaf_hashes)
    paths: list[list[bytes]] = [[] for _ in range(count)]
    level, width = list(leaf_hashes), 1  # node j of a level covers leaves [j * width, min((j + 1) * width, count))
    sha256 = hashlib.sha256
    while len(level) > 1:
        parents = []
        for j in range(0, len(level) - 1, 2):
            left, right = level[j], level[j + 1]
            middle = (j + 1) * width
            for i in range(j * width, middle):
                paths[i].append(right)
            for i in range(middle, min(middle + width, count)):
                paths[i].append(left)
            parents.append(sha256(b"\x01" + left + right).digest())
        if len(level) % 2:
            parents.append(level[-1])
        level, width = parents, width * 2
    return level[0], paths


class MemoryNodeStore:
    """Dict-backed NodeReader storing every completed subtree hash, for tests and offline use."""

    def __init__(self) -> None:
        """Start with an empty tree."""
        self._nodes: dict[Key, bytes] = {}
        self._range = CompactRange()

    @property
    def size(self) -> int:
        """Number of leaves stored."""
        return self._range.size

    def append(self, leaf_hash: bytes) -> None:
        """Store a leaf hash and every parent node it completes."""
        for level, index, node in self._range.append(leaf_hash):
            self._nodes[(level, index)] = node

    def nodes(self, keys: Sequence[Key]) -> Mapping[Key, bytes]:
        """Return the stored hash of each requested key that exists."""
        return {key: self._nodes[key] for key in keys if key in self._nodes}
