"""The History page: the loads table, and rollback only after confirmation."""

from alliance.builtin import demo_raw
from alliance.history import history
from alliance.ingest.load import load_raw


def eoi_count(store) -> int:
    con = store.connect()
    try:
        return con.execute("select count(*) from eois").fetchall()[0][0]
    finally:
        con.close()


def test_history_shows_load_1_by_tester(app):
    at = app("history")
    assert not at.exception
    table = at.dataframe[0].value
    first = table[table["load"] == 1].iloc[0]
    assert (first["by"], first["kind"], first["new"]) == ("tester", "upload", 26)
    assert len(first["sha256"]) == 12
    assert "eois: +7" in first["per sheet (+new ~updated -removed =unchanged)"]


def test_history_rollback_of_load_1_needs_confirmation_then_empties_the_data(app, store):
    at = app("history")
    at.selectbox(key="rollback_load_0").set_value(1).run()
    assert "state just before load 1" in " ".join(w.value for w in at.warning)
    assert at.button(key="rollback").disabled  # not confirmed: the button cannot be pressed
    assert eoi_count(store) == 7 and len(history(store.connect())) == 1

    at.checkbox[0].check().run()
    assert not at.button(key="rollback").disabled
    at.button(key="rollback").click().run()
    assert not at.exception
    assert eoi_count(store) == 0
    latest = history(store.connect())[0]
    assert (latest["load_id"], latest["kind"], latest["rolled_back_load_id"]) == (2, "rollback", 1)
    assert "recorded as load 2" in " ".join(s.value for s in at.success)
    table = at.dataframe[0].value
    assert table.iloc[0]["kind"] == "rollback of load 1"


def test_history_removes_demo_rows_after_confirmation(app, store):
    load_raw(store, demo_raw(), "demo data", kind="demo", demo=True)
    at = app("history")
    assert "generated demo rows" in " ".join(c.value for c in at.caption)
    assert at.button(key="remove_demo").disabled
    at.checkbox(key="demo_confirm_0").check().run()
    at.button(key="remove_demo").click().run()
    assert not at.exception
    assert eoi_count(store) == 7
    assert history(store.connect())[0]["kind"] == "remove_demo"
    assert not [b for b in at.button if b.key == "remove_demo"]  # no demo rows left: no action offered


def test_history_shows_the_os_account_beside_who_and_a_viewer_sees_neither(app, store, monkeypatch):
    from test_history import os_account

    at = app("history")
    assert not at.exception
    columns = list(at.dataframe[0].value.columns)
    assert columns.index("OS account") == columns.index("by") + 1  # beside who, the rest of the table as it was
    assert at.dataframe[0].value.iloc[0][["by", "OS account"]].tolist() == ["tester", os_account()]
    monkeypatch.setenv("ALLIANCE_ROLE", "viewer")
    at = app("history")
    assert not at.exception
    assert not {"by", "OS account", "file"} & set(at.dataframe[0].value.columns)


def test_history_says_not_recorded_for_a_load_made_before_the_os_account_was_kept(app, store):
    with store.write() as con:
        con.execute("update loads set loaded_by_account = null")
    at = app("history")
    assert not at.exception
    assert at.dataframe[0].value.iloc[0]["OS account"] == "not recorded"
