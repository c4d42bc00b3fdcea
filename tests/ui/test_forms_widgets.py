"""Field editors on their own: empty dates, digits only, retired codes, references, the picker."""

from __future__ import annotations

from datetime import date
from typing import Any

from forms_helpers import open_form, seed_reference, type_text
from PySide6.QtCore import Qt

from zongzhi_desktop.domain.fields import F
from zongzhi_desktop.forms_loader import default_field
from zongzhi_desktop.services import Services
from zongzhi_desktop.ui.forms.pickers import RecordPickerDialog
from zongzhi_desktop.ui.forms.widgets import DateEditor, NumberEditor, RefEditor, make_editor


def test_date_editor_empty_typed_and_cleared(qtbot: Any, clerk: Services) -> None:
    ed = make_editor(clerk, default_field(F("d", "日期", "date")))
    assert isinstance(ed, DateEditor) and ed.calendarPopup()
    qtbot.addWidget(ed)
    with qtbot.waitActive(ed):
        ed.show()
    assert ed.value() is None and ed.text().strip() == ""  # optional dates start empty
    ed.setFocus(Qt.FocusReason.TabFocusReason)
    type_text(ed, "20250301")  # the first digit starts from today's date, then replaces it
    assert ed.value() == "2025-03-01"
    qtbot.keyClick(ed, Qt.Key.Key_Delete)
    assert ed.value() is None
    ed.set_value(date(2024, 2, 29))
    assert ed.value() == "2024-02-29"
    ed.set_value("2026-11-01")
    assert ed.value() == "2026-11-01"


def test_optional_dates_stay_empty_and_required_ones_default_to_today(qtbot: Any, clerk: Services) -> None:
    dlg = open_form(qtbot, clerk, "team")
    assert dlg.view.editors["founded_date"].value() is None
    pkg = open_form(qtbot, clerk, "package")
    assert pkg.view.editors["start_date"].value() == "2026-11-20"
    assert pkg.view.editors["target_date"].value() is None  # a deadline is chosen, never assumed


def test_number_editor_takes_digits_only(qtbot: Any, clerk: Services) -> None:
    ed = make_editor(clerk, default_field(F("n", "数", "int")))
    fl = make_editor(clerk, default_field(F("x", "金额", "float")))
    for w in (ed, fl):
        qtbot.addWidget(w)
    assert isinstance(ed, NumberEditor)
    type_text(ed, "1a2-3")
    type_text(fl, "12.505x")
    assert (ed.value(), fl.value()) == ("123", "12.505")
    fl.set_value(2.5)
    assert fl.text() == "2.5"


def test_retired_code_stays_visible_on_old_records_only(qtbot: Any, admin: Services, clerk: Services) -> None:
    seed_reference(admin)
    rec = clerk.create("dispute", {"title": "物业费纠纷", "found_date": "2026-11-01", "source": "mass_visit",
                                   "type": "property_mgmt"}).record
    admin.set_code("dispute_type", "property_mgmt", "物业", active=False)
    clerk.invalidate_caches()
    new = open_form(qtbot, clerk, "dispute")
    assert new.view.editors["type"].findData("property_mgmt") < 0
    old = open_form(qtbot, clerk, "dispute", rec.id)
    assert old.view.editors["type"].currentText() == "物业（已停用）"
    assert old.view.editors["type"].value() == "property_mgmt"
    assert not old.is_dirty()


def test_ref_editor_searches_and_resolves(qtbot: Any, admin: Services, clerk: Services) -> None:
    ids = seed_reference(admin)
    ed = make_editor(clerk, default_field(F("v", "村", "ref", ref="village")))
    assert isinstance(ed, RefEditor)
    qtbot.addWidget(ed)
    with qtbot.waitActive(ed):
        ed.show()
    ed.edit.setFocus()
    type_text(ed.edit, "社区")
    assert ed.options() == ["龙洲社区"]
    type_text(ed.edit, "x")
    assert ed.options() == []
    ed.set_value(ids["village_west"])
    assert ed.edit.text() == "西山村" and ed.value() == ids["village_west"]
    ed.set_value("不在库里的文字")
    assert ed.value() == "不在库里的文字" and ed.chosen_id() is None
    ed.show_all()
    assert ed.options() == ["城东村", "西山村", "龙洲社区"]  # by division code


def test_picker_filters_by_kind_and_text(qtbot: Any, admin: Services, clerk: Services) -> None:
    seed_reference(admin)
    clerk.create("petition", {"received_date": "2026-11-01", "form": "visit", "petitioner_name": "刘长海",
                              "category": "claim", "request": "x"})
    clerk.create("dispute", {"title": "刘家纠纷", "found_date": "2026-11-02", "source": "mass_visit",
                             "type": "neighbour"})
    dlg = RecordPickerDialog(clerk, ("petition", "dispute"))
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 2
    type_text(dlg.search_edit, "JF")
    assert [o.kind for o in dlg.selected()] == ["dispute"]
    dlg.search_edit.clear()
    dlg.kind_combo.setCurrentIndex(dlg.kind_combo.findData("petition"))
    assert dlg.table.rowCount() == 1 and dlg.selected()[0].label.endswith("刘长海")
