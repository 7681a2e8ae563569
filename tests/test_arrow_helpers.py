"""workbench._arrow: one contiguous array without needless copies."""
import pyarrow as pa

from workbench._arrow import one_chunk


def test_single_chunk_is_not_copied():
    arr = pa.array(["a" * 40] * 1000)
    out = one_chunk(pa.chunked_array([arr]))
    assert out.buffers()[2].address == arr.buffers()[2].address


def test_several_chunks_are_combined_in_order():
    out = one_chunk(pa.chunked_array([pa.array(["x", "y"]), pa.array([None, "z"])]))
    assert isinstance(out, pa.Array) and out.to_pylist() == ["x", "y", None, "z"]


def test_no_chunks_and_plain_arrays():
    assert one_chunk(pa.chunked_array([], type=pa.int64())).to_pylist() == []
    arr = pa.array([1, 2])
    assert one_chunk(arr) is arr
    assert one_chunk([1, 2]) == [1, 2]
