#!/usr/bin/env python3
"""Compares two directories of .npy outputs written by `mote run --output-dir`.

Every .npy in REFERENCE_DIR must exist in ACTUAL_DIR with the same dtype and shape. Float outputs
must satisfy max|actual - reference| <= TOLERANCE * max(1, max|reference|) (the scale of the
output, so that logits in the hundreds and probabilities below one are held to the same relative
bar); integer and boolean outputs must match exactly. Standard library only.

Usage: compare-npy.py REFERENCE_DIR ACTUAL_DIR [--tolerance 1e-4] [--label TEXT]
Exit status 0 when every output is within tolerance, 1 otherwise.
"""
import argparse
import ast
import math
import os
import struct
import sys

# numpy dtype code (without the byte-order mark) -> struct format character
FORMATS = {"f4": "f", "f8": "d", "f2": "e", "i1": "b", "u1": "B", "i2": "h", "u2": "H",
           "i4": "i", "u4": "I", "i8": "q", "u8": "Q", "b1": "?"}


def read_npy(path):
    """Returns (dtype code, shape, flat list of values) of a little-endian, C-order .npy file."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        raise ValueError(f"{path}: not a .npy file")
    major = data[6]
    if major == 1:
        (header_len,), start = struct.unpack_from("<H", data, 8), 10
    elif major in (2, 3):
        (header_len,), start = struct.unpack_from("<I", data, 8), 12
    else:
        raise ValueError(f"{path}: unsupported .npy version {major}")
    header = ast.literal_eval(data[start:start + header_len].decode("latin1"))
    descr, shape = header["descr"], tuple(header["shape"])
    if header["fortran_order"] or descr[0] == ">" or descr[1:] not in FORMATS:
        raise ValueError(f"{path}: unsupported layout or dtype {descr}")
    count = math.prod(shape)
    values = struct.unpack_from(f"<{count}{FORMATS[descr[1:]]}", data, start + header_len)
    return descr[1:], shape, values


def compare(name, ref, act, tolerance):
    """Returns (ok, message) for one output."""
    (rtype, rshape, rv), (atype, ashape, av) = ref, act
    if (rtype, rshape) != (atype, ashape):
        return False, f"{name}: {atype}{list(ashape)} but the reference is {rtype}{list(rshape)}"
    if rtype[0] != "f":
        bad = sum(1 for r, a in zip(rv, av) if r != a)
        return bad == 0, f"{name}: {rtype}{list(rshape)}, {bad} of {len(rv)} values differ"
    if any(math.isnan(r) != math.isnan(a) for r, a in zip(rv, av)):
        return False, f"{name}: NaN in one output but not the other"
    finite = [(r, a) for r, a in zip(rv, av) if not math.isnan(r)]
    if any(math.isinf(r) and r != a for r, a in finite):
        return False, f"{name}: an infinity differs"
    finite = [(r, a) for r, a in finite if not math.isinf(r)]
    scale = max([1.0] + [abs(r) for r, _ in finite])
    max_abs = max([0.0] + [abs(a - r) for r, a in finite])
    ok = max_abs <= tolerance * scale
    return ok, f"{name}: {rtype}{list(rshape)} max|diff| {max_abs:.3g}, scale {scale:.4g}, bound {tolerance * scale:.3g}"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("reference")
    p.add_argument("actual")
    p.add_argument("--tolerance", type=float, default=1e-4)
    p.add_argument("--label", default="")
    args = p.parse_args()
    names = sorted(n for n in os.listdir(args.reference) if n.endswith(".npy"))
    if not names:
        print(f"compare-npy: no .npy files in {args.reference}", file=sys.stderr)
        return 1
    failed = 0
    for n in names:
        path = os.path.join(args.actual, n)
        if not os.path.exists(path):
            ok, msg = False, f"{n}: missing from {args.actual}"
        else:
            ok, msg = compare(n, read_npy(os.path.join(args.reference, n)), read_npy(path), args.tolerance)
        failed += not ok
        print(f"compare-npy: {args.label + ': ' if args.label else ''}{'ok  ' if ok else 'FAIL'} {msg}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
