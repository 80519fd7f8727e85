"""Editions in the app: the frozen figures at ?edition=, published-only serving, the Publish and Revisions pages."""

from datetime import date

import pytest
from test_editions import _late_eoi

from alliance import editions
from alliance.ingest.load import load_file

AS_OF, START = date(2023, 6, 30), date(2023, 1, 25)


@pytest.fixture
def published(store):
    """The hand-counted store with edition TDAG-23 (25 Jan to 30 June 2023) prepared by ana, approved by boss."""
    editions.publish(store, "TDAG-23", AS_OF, START, user="ana")
    editions.approve(store, "TDAG-23", user="boss")
    return store


def _metric(at, label):
    return next(m for m in at.metric if m.label == label)


def _text(at) -> str:
    parts = [*at.info, *at.warning, *at.caption, *at.markdown, *at.success]
    return " ".join(p.value for p in parts)


def test_overview_at_an_edition_link_shows_its_frozen_figures_after_a_later_load(published, app, tmp_path):
    load_file(published, _late_eoi(tmp_path), user="ana")
    at = app("overview", edition="TDAG-23")
    assert not at.exception
    assert _metric(at, "EoIs").value == "6"  # the edition's; the data now give 7
    banner = " ".join(i.value for i in at.info)
    assert "Edition TDAG\\-23" in banner and "approved by boss" in banner and "25 January 2023 to 30 June 2023" in banner
    assert "have changed since it was prepared (1 update)" in banner
    live = app("overview", as_of="2023-06-30", **{"from": "2023-01-25"})
    assert _metric(live, "EoIs").value == "7"


def test_overview_compares_with_the_latest_approved_edition_by_default(published, app, tmp_path):
    load_file(published, _late_eoi(tmp_path), user="ana")
    at = app("overview", as_of="2023-06-30", **{"from": "2023-01-25"})
    assert not at.exception
    assert _metric(at, "EoIs").delta == "+1 since TDAG-23"
    assert _metric(at, "Countries").delta == "+1 since TDAG-23"  # France is new


def test_published_only_mode_shows_the_latest_approved_edition_and_no_unreviewed_data(published, app, tmp_path, monkeypatch):
    load_file(published, _late_eoi(tmp_path), user="ana")
    editions.publish(published, "TDAG-24-draft", date(2023, 12, 31), START, user="ana")  # never approved
    monkeypatch.setenv("ALLIANCE_PUBLISHED_ONLY", "1")
    at = app("overview")
    assert not at.exception
    assert _metric(at, "EoIs").value == "6"
    assert at.selectbox(key="edition").options == ["TDAG-23"]  # drafts are not offered
    draft = app("overview", edition="TDAG-24-draft")
    assert _metric(draft, "EoIs").value == "6"
    assert "not an approved edition" in " ".join(w.value for w in draft.warning)
    assert not app("upload").file_uploader
    assert "History" not in [t.value for t in app("history").title]  # load history is not reviewed data
    assert "have changed since it was prepared; these figures do not" in " ".join(i.value for i in at.info)


def test_published_only_mode_without_an_approved_edition_says_so_and_shows_nothing_else(store, app, monkeypatch):
    editions.publish(store, "TDAG-23", AS_OF, START, user="ana")
    monkeypatch.setenv("ALLIANCE_PUBLISHED_ONLY", "1")
    at = app("overview")
    assert not at.exception
    assert "No edition of the Alliance's figures has been approved yet" in " ".join(i.value for i in at.info)
    assert not at.metric


def test_publish_page_lets_an_analyst_prepare_a_draft_but_not_approve_it(store, app, monkeypatch):
    monkeypatch.setenv("ALLIANCE_ROLE", "analyst")
    monkeypatch.setenv("ALLIANCE_USER", "ana")
    at = app("publish")
    assert not at.exception
    at.text_input[0].input("TDAG-23")
    at.date_input[0].set_value(START)
    at.date_input[1].set_value(AS_OF)
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    assert "Draft edition TDAG-23 prepared" in " ".join(s.value for s in at.success)
    assert "Approving needs the admin role." in _text(at)
    assert not [b for b in at.button if b.label == "Approve and publish"]


def test_publish_page_refuses_the_preparer_and_lets_another_admin_approve(store, app, monkeypatch):
    editions.publish(store, "TDAG-23", AS_OF, START, user="ana")
    monkeypatch.setenv("ALLIANCE_ROLE", "admin")
    monkeypatch.setenv("ALLIANCE_USER", "ana")
    at = app("publish")
    assert "You (ana) prepared this edition" in _text(at)
    assert next(b for b in at.button if b.label == "Approve and publish").disabled
    monkeypatch.setenv("ALLIANCE_USER", "boss")
    at = app("publish")
    at.checkbox[0].check().run()
    next(b for b in at.button if b.label == "Approve and publish").click().run()
    assert not at.exception
    assert "Edition TDAG-23 approved" in " ".join(s.value for s in at.success)
    con = store.connect()
    assert editions.get(con, "TDAG-23")["approved_by"] == "boss"
    con.close()


def test_a_viewer_has_no_publish_page_and_sees_no_drafts(store, app, monkeypatch):
    editions.publish(store, "TDAG-23", AS_OF, START, user="ana")
    monkeypatch.setenv("ALLIANCE_ROLE", "viewer")
    assert "Publish" not in [t.value for t in app("publish").title]
    at = app("overview", edition="TDAG-23")
    assert at.selectbox(key="edition").options == ["Live data"]
    assert "not an approved edition" in " ".join(w.value for w in at.warning)


def test_revisions_page_lists_the_late_eoi_and_its_load(published, app, tmp_path):
    late = load_file(published, _late_eoi(tmp_path), user="ana")
    at = app("revisions")
    assert not at.exception
    table = at.dataframe[0].value
    row = table[table["Figure"] == "EoIs received"].iloc[0]
    assert (row["In the edition"], row["Now"], row["Change"]) == ("6", "7", "+1")
    assert f"load {late.load_id}: upload of " in row["Changed by"] and "by ana" in row["Changed by"]


def test_history_greys_the_rollback_of_a_load_whose_state_was_pruned(published, app, tmp_path):
    import os
    import time

    late = load_file(published, _late_eoi(tmp_path), user="ana")
    old = time.time() - 40 * 86400
    for path in published.snapshots.glob("snap-*.duckdb"):
        os.utime(path, (old, old))
    editions.prune(published, 30, user="ana")
    at = app("history")
    assert not at.exception
    table = at.dataframe[0].value
    assert table[table["load"] == late.load_id].iloc[0]["rollback"] == "no longer (state deleted)"
    assert "old states deleted" in set(table["kind"])
    at.selectbox(key=next(s.key for s in at.selectbox if s.label == "Load to roll back")).set_value(late.load_id).run()
    assert next(b for b in at.button if b.label == "Roll back").disabled


def test_an_edition_whose_stored_state_is_missing_breaks_no_page(published, app, monkeypatch):
    edition = editions.get(published.connect(), "TDAG-23")
    published.snapshot_path(edition["snapshot"]).unlink()
    live = app("overview", as_of="2023-06-30")
    assert not live.exception
    assert "since" not in _metric(live, "EoIs").delta  # compared with a date: the edition cannot be read
    monkeypatch.setenv("ALLIANCE_PUBLISHED_ONLY", "1")
    only = app("overview")
    assert not only.exception
    assert "No edition of the Alliance's figures has been approved yet" in " ".join(i.value for i in only.info)


def test_the_banner_names_the_approver_to_a_delegate(published, app, monkeypatch):
    monkeypatch.setenv("ALLIANCE_PUBLISHED_ONLY", "1")
    at = app("overview")
    assert "approved by boss" in " ".join(i.value for i in at.info)


def test_publish_page_warns_that_demo_rows_would_be_in_the_edition(store, app, monkeypatch):
    from alliance.builtin import demo_raw
    from alliance.ingest.load import load_raw

    load_raw(store, demo_raw(), "demo", kind="demo", demo=True)
    at = app("publish")
    assert "demo rows" in " ".join(w.value for w in at.warning if "an edition of them" in w.value)


def test_an_edition_link_in_another_case_opens_that_edition(published, app):
    at = app("overview", edition="tdag-23")
    assert not at.exception
    assert "Edition TDAG\\-23" in " ".join(i.value for i in at.info)
    assert _metric(at, "EoIs").value == "6"


def test_publish_page_shows_the_os_account_beside_who_prepared_and_approved(published, app):
    from test_history import os_account

    editions.publish(published, "TDAG-24", date(2023, 12, 31), START, user="ana")
    at = app("publish")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Edition" in d.value.columns)
    rows = {r["Edition"]: r for r in table.to_dict("records")}
    assert (rows["TDAG-23"]["Prepared by"], rows["TDAG-23"]["Prepared by (OS account)"]) == ("ana", os_account())
    assert (rows["TDAG-23"]["Approved by"], rows["TDAG-23"]["Approved by (OS account)"]) == ("boss", os_account())
    assert rows["TDAG-24"]["Approved by (OS account)"] == ""  # a draft: nobody approved it
    assert f"Prepared by ana (OS account {os_account()}) on" in _text(at).replace("\\", "")


def test_publish_page_says_not_recorded_for_an_edition_made_before_the_os_account_was_kept(published, app):
    from components.publish import editions_table

    with published.write() as con:
        con.execute("update editions set prepared_by_account = null, approved_by_account = null")
    at = app("publish")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Edition" in d.value.columns)
    assert table.iloc[0][["Prepared by (OS account)", "Approved by (OS account)"]].tolist() == ["not recorded", "not recorded"]
    con = published.connect()
    try:
        viewers = editions_table(editions.editions(con), identities=False)
    finally:
        con.close()
    assert not [c for c in viewers.columns if "OS account" in c or c == "Prepared by"]
