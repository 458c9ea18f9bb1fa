"""Peer for bench/load.bench.ts: pandas.read_csv on the same files, in the same run, interleaved with Keel.

usage: /usr/bin/python3 bench/peers/load.py
Reads one CSV path per line on stdin; for each, times ONE pd.read_csv(path, index_col=0, parse_dates=True) (what
Keel's loader does: dates into a date index, every cell into float64) and prints one JSON line:
{"ms", "rows", "cols", "nansum", "count", "first_date", "last_date"}. The first request for a path also does an
untimed warm-up read (page cache, lazy imports). The benchmark alternates Keel and pandas runs so that both see
the same machine load.
"""
import json
import sys
import time

import numpy as np
import pandas as pd


def main() -> None:
    warmed = set()
    for line in sys.stdin:
        path = line.strip()
        if not path:
            continue
        if path not in warmed:
            pd.read_csv(path, index_col=0, parse_dates=True)
            warmed.add(path)
        t0 = time.perf_counter()
        df = pd.read_csv(path, index_col=0, parse_dates=True)
        ms = (time.perf_counter() - t0) * 1000
        values = df.to_numpy(dtype=np.float64)
        print(
            json.dumps(
                {
                    "ms": ms,
                    "rows": int(df.shape[0]),
                    "cols": int(df.shape[1]),
                    "nansum": float(np.nansum(values)),
                    "count": int(np.count_nonzero(~np.isnan(values))),
                    "first_date": str(df.index[0].date()),
                    "last_date": str(df.index[-1].date()),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
