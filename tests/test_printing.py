"""A page prints its own content: no sidebar, toolbar or download buttons on paper."""


def test_a_country_profile_page_carries_the_print_style_sheet(app):
    at = app("regions", country="Kenya")
    assert not at.exception
    sheets = [element.proto.body for element in at.get("html")]
    assert any("@media print" in sheet and "stSidebar" in sheet and "display: none" in sheet for sheet in sheets)
