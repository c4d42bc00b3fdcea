"""Sheets (周研判 / 月调度 / 季推进) and print forms: period → figure queries → report → PDF / XLSX.

No Qt here: the CLI, the window and the county hub all call these functions.
"""
