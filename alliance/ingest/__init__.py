"""Uploads, one way: read, validate, apply.

    load.py       check(), load_file(), load_raw(), seed(): the flow, in this order
      read.py       refuse by size and kind, then run child.py and open what it wrote
        child.py      a process limited in memory and time: xlsx.py or csvfile.py read the file,
                      arrow_ipc.py writes each sheet's cells as Arrow files; then it exits
      validate.py   pure: sheets (sheets.py) and reference data in, typed columns and problems out
                    (cells.py converts a cell, problems.py collects what is wrong)
      apply.py      compare with the store, write one new state and record the load (merge.py
                    stages and merges on the connection the store's write gives)

limits.py holds the limits both sides of the reading process hold a file to. Nothing is imported here:
the reading process imports its modules from this package without pyarrow or DuckDB.
"""
