"""Small Arrow helpers shared by the package."""
from __future__ import annotations

import pyarrow as pa


def one_chunk(values):
    """``values`` as one contiguous ``pa.Array``, copying only when it is split in several chunks.

    ``ChunkedArray.combine_chunks()`` copies the data even when there is a single chunk (pyarrow 26):
    on a 100,000-product catalog that was ~270 MB of needless copies in the schema check alone.
    Anything that is not a ChunkedArray is returned as it is.
    """
    if not isinstance(values, pa.ChunkedArray):
        return values
    if values.num_chunks == 1:
        return values.chunk(0)
    if values.num_chunks == 0:
        return pa.array([], type=values.type)
    return values.combine_chunks()
