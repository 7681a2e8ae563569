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


def test_plain_decimal_mask_matches_the_regexes():
    import random

    import pyarrow.compute as pc

    from workbench._arrow import plain_decimal_mask

    rng = random.Random(3)
    alphabet = ["0", "1", "9", ".", "-", " ", "e", "+", ",", "\u0665", ""]
    cases = ["", "0", "12", "-0.5", "19.99", ".5", "5.", "-.5", "--1", "1.2.3", "1-2", "-", ".", " 1",
             "1 ", "0001", "-12345678901234", "1234567890123456", "1.123456789012345", "1.1234567890123456"]
    for _ in range(400):
        cases.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 7))))
    values = cases + [None, "7"]
    for typ in (pa.string(), pa.large_string()):
        a = pa.array(values, type=typ)
        for arr in (a, a.slice(5), a.slice(0, 0)):
            for signed, most, pattern in ((False, None, r"^[0-9]*\.?[0-9]+$"),
                                          (True, 15, r"^-?[0-9]{1,15}(\.[0-9]{1,15})?$"),
                                          (True, None, r"^-?[0-9]+(\.[0-9]+)?$")):
                expected = pc.fill_null(pc.match_substring_regex(arr, pattern), False).to_pylist()
                got = plain_decimal_mask(arr, signed=signed, most=most).tolist()
                assert got == expected, (signed, most)


def test_first_occurrence_is_pandas_not_duplicated():
    import numpy as np
    import pandas as pd

    from workbench._arrow import first_occurrence

    rng = np.random.default_rng(2)
    for t in range(300):
        n = int(rng.integers(0, 200))
        hi = int(rng.choice([3, 100, 10 ** 7, 2 ** 62]))
        keys = rng.integers(-hi if t % 4 == 0 else 0, hi, n, dtype=np.int64)
        assert (first_occurrence(keys) == ~pd.Series(keys).duplicated(keep="first").to_numpy()).all()
