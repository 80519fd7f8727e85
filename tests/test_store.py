"""The snapshot store: loads while others read, crash safety of the pointer."""

import subprocess
import sys
import time
from pathlib import Path

from conftest import cli
from handcount import AS_OF

from alliance.history import rollback
from alliance.kpis import summary
from alliance.store import SCHEMA_VERSION, Store

HERE = Path(__file__).resolve().parent


def test_load_from_command_line_while_another_process_reads(store, tmp_path):
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, HERE / "reader_loop.py", store.path, stop], stdout=subprocess.PIPE, text=True)
    for i in range(3):
        path = tmp_path / f"batch{i}" / "eois.csv"
        path.parent.mkdir()
        path.write_text(
            "eoi_id,received_on,country,organization,request,status\n"
            + "".join(f"B{i}-{n},2023-02-01,BRA,Org,other,received\n" for n in range(10))
        )
        done = cli("load", path, "--db", store.path)
        assert done.returncode == 0, done.stderr
    time.sleep(1)
    stop.touch()
    out, _ = reader.communicate(timeout=60)
    lines = out.splitlines()
    assert lines and not any(line.startswith("ERROR") for line in lines), [line for line in lines if line.startswith("ERROR")][:3]
    totals = [int(line.split()[0]) for line in lines]
    # every reading is a whole load's state: 7 before, then +10 per load, never between
    assert set(totals) <= {7, 17, 27, 37}
    assert totals == sorted(totals) and totals[-1] == 37


def test_open_connection_keeps_reading_its_snapshot_after_a_load(store, tmp_path):
    old = store.connect()
    path = tmp_path / "eois.csv"
    path.write_text("eoi_id,received_on,country,organization,request,status\nN1,2023-02-01,BRA,Org,other,received\n")
    assert cli("load", path, "--db", store.path).returncode == 0
    assert summary(old, AS_OF)["eois"]["total"] == 6
    assert summary(store.connect(), AS_OF)["eois"]["total"] == 7


def test_version_changes_with_each_published_snapshot(store, tmp_path):
    before = store.version()
    path = tmp_path / "eois.csv"
    path.write_text("eoi_id,received_on,country,organization,request,status\nN1,2023-02-01,BRA,Org,other,received\n")
    assert cli("load", path, "--db", store.path).returncode == 0
    assert store.version() != before


def test_store_location_from_env_when_no_db_option(store, tmp_path):
    import os

    env = {**os.environ, "ALLIANCE_DB": str(store.path)}
    done = cli("kpis", "--as-of", "2023-06-30", "--json", env=env)
    assert '"total": 6' in done.stdout


def test_a_plain_duckdb_file_is_adopted_as_a_store(store, tmp_path):
    plain = tmp_path / "plain.duckdb"
    plain.write_bytes(store.current().read_bytes())
    assert summary(Store(plain).connect(), AS_OF)["eois"]["total"] == 6
    path = tmp_path / "eois.csv"
    path.write_text("eoi_id,received_on,country,organization,request,status\nN1,2023-02-01,BRA,Org,other,received\n")
    assert cli("load", path, "--db", plain).returncode == 0
    assert plain.is_symlink()
    assert summary(Store(plain).connect(), AS_OF)["eois"]["total"] == 7


def test_derived_regions_and_cycles_follow_the_reference_data(store, tmp_path):
    con = store.connect()
    events = dict(con.execute("select event_id, region_code from events").fetchall())
    assert events == {"V1": "ASP", "V2": "GLB", "V3": "EUR", "V4": "AFR"}
    activities = {a: (c, r) for a, c, r in con.execute("select activity_id, cycle, region_code from activities").fetchall()}
    # An activity counts under its initiative's region in the cycle of its start date (data contract).
    assert activities == {"A1": ("WTDC-22", "AFR"), "A2": ("WTDC-22", "AFR"), "A3": ("WTDC-22", "EUR"), "A4": ("WTDC-22", "ASP")}
    for table in ("eois", "centers"):
        wrong = con.execute(
            f"select count(*) from {table} t left join countries c on c.iso3 = t.country where t.region_code is distinct from c.region"
        ).fetchall()
        assert wrong == [(0,)], table
    # A resource counts in the region it is for, not its partner's country's: none given, in no region.
    wrong = con.execute("select count(*) from resources where region_code is distinct from for_region").fetchall()
    assert wrong == [(0,)]
    con.close()
    (tmp_path / "initiatives.csv").write_text("code,cycle,region,title\nAFR4,WTDC-22,ARB,Moved for the test\n")
    assert cli("load", tmp_path / "initiatives.csv", "--db", store.path).returncode == 0
    con = store.connect()
    moved = dict(con.execute("select activity_id, region_code from activities where activity_id in ('A1', 'A2')").fetchall())
    # Both follow their initiative, whatever country A1 took place in (Kenya, in Africa).
    assert moved == {"A1": "ARB", "A2": "ARB"}


def test_a_store_made_before_schema_2_gains_the_new_columns_and_reference_rows(store):
    """Stores made before centers had selected_on (and before every plan cycle shipped) failed on every page."""
    import duckdb

    con = store.connect()
    before_load_1 = store.snapshot_path(con.execute("select snapshot_before from loads where load_id = 1").fetchall()[0][0])
    con.close()
    for snapshot in (store.current(), before_load_1):
        old = duckdb.connect(str(snapshot))  # made old in place, as a schema-1 writer left it
        old.execute("drop view centers_regional")
        old.execute("alter table centers drop column selected_on")
        old.execute("delete from initiatives where cycle = 'WTDC-25'")
        old.execute("update meta set value = '1' where key = 'schema_version'")
        old.execute("drop table editions")
        old.execute("create view centers_regional as select * from centers")
        old.close()
    store.ensure()
    con = store.connect()
    assert "selected_on" in [c[0] for c in con.execute("describe centers").fetchall()]
    assert con.execute("select count(*) from initiatives where cycle = 'WTDC-25'").fetchall()[0][0] > 0
    assert con.execute("select value from meta where key = 'schema_version'").fetchall() == [(SCHEMA_VERSION,)]
    assert con.execute("select count(*) from editions").fetchall() == [(0,)]  # the upgrade made the table
    assert con.execute("select count(*) from centers").fetchall() == [(4,)]
    con.close()
    # Back to a snapshot of the older schema: its rows return, and the reference data stays current.
    rollback(store, 1)
    con = store.connect()
    assert con.execute("select count(*) from centers").fetchall() == [(0,)]
    assert con.execute("select count(*) from initiatives where cycle = 'WTDC-25'").fetchall()[0][0] > 0
