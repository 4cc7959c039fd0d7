"""Decode TFLite sparse tensors (SparsityParameters) into dense arrays.

Mirrors TFLite's FormatConverter::SparseToDense (tensorflow/lite/kernels/internal/utils/
sparsity_format_converter.cc): levels are visited in `traversal_order`; the first `rank`
levels are the original dimensions (in block units when blocked), the rest are the inner
block dimensions named by `block_map`. A DENSE level enumerates 0..dense_size-1, a
SPARSE_CSR level enumerates indices[segments[p]:segments[p+1]] of its parent position p.
Values are stored in that traversal order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SparseDim:
    dense_size: int = 0  # DENSE level: its extent
    segments: np.ndarray | None = None  # SPARSE_CSR level: row pointers into `indices`
    indices: np.ndarray | None = None

    @property
    def is_dense(self) -> bool:
        return self.segments is None


@dataclass(frozen=True)
class SparseTensor:
    shape: tuple[int, ...]
    values: np.ndarray
    traversal_order: tuple[int, ...]
    block_map: tuple[int, ...]
    dims: tuple[SparseDim, ...]


def densify(sparse: SparseTensor) -> np.ndarray:
    """Return the dense array described by a TFLite sparse tensor."""
    rank = len(sparse.shape)
    levels = len(sparse.traversal_order)
    if len(sparse.dims) != levels or levels != rank + len(sparse.block_map):
        raise ValueError("inconsistent sparsity parameters")
    # Each entry is one path through the levels visited so far: its parent position (the
    # CSR row / flattened dense index) and the coordinate chosen at every level.
    position = np.zeros(1, dtype=np.int64)
    coords: list[np.ndarray] = []
    for dim in sparse.dims:
        if dim.is_dense:
            size = dim.dense_size
            step = np.arange(size, dtype=np.int64)
            position = (position[:, None] * size + step[None, :]).reshape(-1)
            coords = [np.repeat(c, size) for c in coords]
            coords.append(np.tile(step, len(position) // size if size else 0))
        else:
            starts = dim.segments[position]
            counts = dim.segments[position + 1] - starts
            total = int(counts.sum())
            # Child k of parent j sits at slot starts[j] + (k - first child index of j).
            parent = np.repeat(np.arange(len(position)), counts)
            first = np.repeat(np.cumsum(counts) - counts, counts)
            slot = starts[parent] + np.arange(total, dtype=np.int64) - first
            coords = [c[parent] for c in coords]
            coords.append(dim.indices[slot])
            position = slot
    if len(position) != sparse.values.size:
        raise ValueError(
            f"sparse layout holds {len(position)} values, buffer has {sparse.values.size}"
        )
    index = [None] * rank
    for level in range(rank):
        index[sparse.traversal_order[level]] = coords[level]
    for level in range(rank, levels):
        block = sparse.traversal_order[level] - rank
        orig = sparse.block_map[block]
        index[orig] = index[orig] * sparse.dims[level].dense_size + coords[level]
    dense = np.zeros(sparse.shape, dtype=sparse.values.dtype)
    dense[tuple(index)] = sparse.values
    return dense
