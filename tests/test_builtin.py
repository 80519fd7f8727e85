"""The built-in records: loaded once, and refreshed as shipped when a store made by an earlier version is upgraded."""

from alliance.history import history
from alliance.ingest.load import seed


def test_an_upgrade_refreshes_the_built_in_records_as_a_load_of_its_own(empty_store):
    """The store's upgrade refreshed them through the whole upload flow, which imported the store again: now the
    refresh runs on the upgrade's own connection (alliance.builtin.refresh), and still writes nothing when nothing changed."""
    seed(empty_store, demo=False)
    with empty_store.write() as con:  # as an earlier version shipped this event
        con.execute("update events set title = 'An older title' where event_id = 'EV-2018-02'")
    changed = empty_store.snapshot_name()
    empty_store._refresh_builtin()
    con = empty_store.connect()
    title = con.execute("select title from events where event_id = 'EV-2018-02'").fetchall()[0][0]
    [latest, *_] = history(con)
    con.close()
    assert title.startswith("Multi-stakeholder Workshop on Bridging the Digital Innovation Divide")
    assert (latest["kind"], latest["file_name"], latest["loaded_by"]) == (
        "builtin",
        "built-in data refreshed (seed documents, data/builtin)",
        "system",
    )
    assert latest["snapshot_before"] == changed and (latest["inserted"], latest["updated"]) == (0, 1)
    refreshed = empty_store.snapshot_name()
    empty_store._refresh_builtin()
    assert empty_store.snapshot_name() == refreshed
