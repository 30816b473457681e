#!/usr/bin/env python3
"""Generate the "Sales Assessment" spreadsheet dashboard of the Dashboards app.

Writes ``data/files/sales_assessment_dashboard.json`` (the live dashboard:
Odoo pivots, a list and charts over the assessment report and leaderboard)
and ``data/files/sales_assessment_sample_dashboard.json`` (the same layout
with sample figures, shown while no evaluation exists), the way
``spreadsheet_dashboard_sale`` ships Odoo's sales dashboard. Run it after
changing the layout, and commit both files::

    python3 sales_assessment_dashboard/scripts/generate_spreadsheet_dashboard.py

Pure Python: it imports nothing from Odoo.

One cycle at a time. Odoo 18's relation filters only default to fixed
records (or to the current user), never to "the latest cycle", so the
dashboard finds its cycle itself: every pivot groups its rows or columns by
cycle state (open before closed) then by cycle (newest first, the cycles'
own order), over the cycles begun by today, and every formula reads the
first of these groups ("#cycle_state",1,"#cycle_id",1). Without a filter
that is the current cycle (the open cycle begun last, else the closed cycle
begun last); with the Cycle filter set, it is the chosen cycle. The Top 10
list is sorted the same way and shows only the rows of its first cycle.

Grade colours. The grade table paints each grade's swatch with the colour
of the grade record (``sales.assessment.grade.color``, read through the
leaderboard's ``grade_color``) as Odoo paints its badges (``o_tag_color_N``),
by one conditional format per colour index. Chart series cannot take a
colour from data in Odoo 18 (and pie slices no colour at all), so the grade
chart is a bar per grade whose colours are those of the grades the core
ships (``sales_assessment/data/sales_assessment_kpi_data.xml``), best grade
first, read by this script.
"""

import colorsys
import json
import os
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, os.pardir, "data", "files")
GRADES_XML = os.path.join(
    HERE, os.pardir, os.pardir, "sales_assessment", "data", "sales_assessment_kpi_data.xml"
)
VERSION = 21
KPI_ROWS = 12
GRADE_ROWS = 6
TOP = 10

FILTER_CYCLE = "5a1e3c1e-7d3b-4b8e-9a61-2f0c7c1a0001"
FILTER_TEAM = "5a1e3c1e-7d3b-4b8e-9a61-2f0c7c1a0002"
CHART_TREND = "5a1e3c1e-7d3b-4b8e-9a61-2f0c7c1a0101"
CHART_GRADES = "5a1e3c1e-7d3b-4b8e-9a61-2f0c7c1a0102"
SCORECARDS = [
    ("5a1e3c1e-7d3b-4b8e-9a61-2f0c7c1a0201", "Cycle", "Data!B1"),
    ("5a1e3c1e-7d3b-4b8e-9a61-2f0c7c1a0202", "Salespeople", "Data!B2"),
    ("5a1e3c1e-7d3b-4b8e-9a61-2f0c7c1a0203", "Average score", "Data!B3"),
    ("5a1e3c1e-7d3b-4b8e-9a61-2f0c7c1a0204", "Best score", "Data!B4"),
]

REPORT = "sales.assessment.report"
BOARD = "sales.assessment.leaderboard"
SCORED = [["cycle_state", "in", ["open", "closed"]]]
# the cycles begun by today (an open cycle not begun yet is never shown)
STARTED = ("[('cycle_state', 'in', ['open', 'closed']), "
           "('date_start', '<=', context_today().strftime('%Y-%m-%d'))]")
CYCLE_GROUPS = [{"fieldName": "cycle_state", "order": "desc"},  # 'open' > 'closed'
                {"fieldName": "cycle_id", "order": "asc"}]      # the cycles' order: newest first
FIRST_CYCLE = '"#cycle_state",1,"#cycle_id",1'

# Odoo's tag colours ($o-colors of web/static/src/scss/secondary_variables.scss)
ODOO_COLORS = ["#a2a2a2", "#ee2d2d", "#dc8534", "#e8bb1d", "#5794dd", "#9f628f",
               "#db8865", "#41a9a2", "#304be0", "#ee2f8a", "#61c36e", "#9872e6"]

# -- layout: columns, and the rows of each section (1-based, inclusive)
COL_WIDTHS = [70, 230, 280, 120, 120, 120, 120, 120]
ROW_HEIGHT = 23
SECTIONS = {
    "scorecards": (1, 5),
    "top": (7, 8 + TOP),
    "grades": (20, 30),
    "kpis": (32, 33 + KPI_ROWS),
    "trend": (47, 60),
}
ROW_NUMBER = 62


def col(index):
    return "ABCDEFGHIJ"[index]


def x_of(column):
    return sum(COL_WIDTHS[:column])


def y_of(row):
    """Top of a 1-based row, in pixels."""
    return (row - 1) * ROW_HEIGHT


def badge_colors(index):
    """(background, text) of Odoo's ``o_tag_color_<index>`` badge: the tag
    colour lightened 25 % and saturated 15 %, its text darkened 40 % and
    desaturated 15 % (Sass ``adjust-color`` of web's tags_list.scss)."""
    base = ODOO_COLORS[index if 0 <= index < len(ODOO_COLORS) else 0]
    red, green, blue = (int(base[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)

    def adjust(d_light, d_sat):
        rgb = colorsys.hls_to_rgb(hue, min(max(lightness + d_light, 0), 1),
                                  min(max(saturation + d_sat, 0), 1))
        return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)

    return adjust(0.25, 0.15), adjust(-0.40, -0.15)


def shipped_grades():
    """(name, colour index) of the grades the core ships, best first."""
    grades = []
    for record in ET.parse(GRADES_XML).getroot().iter("record"):
        if record.get("model") != "sales.assessment.grade":
            continue
        values = {field.get("name"): field.get("eval", field.text) for field in record}
        grades.append((float(values["min_score"]), values["name"], int(values.get("color") or 0)))
    return [(name, color) for _score, name, color in sorted(grades, reverse=True)]


def matching(cycle="cycle_id", team="team_id"):
    return {
        FILTER_CYCLE: {"chain": cycle, "type": "many2one"},
        FILTER_TEAM: {"chain": team, "type": "many2one"},
    }


def pivots():
    return {
        "1": {
            "type": "ODOO", "id": "1", "formulaId": "1", "model": REPORT,
            "name": "Attainment by KPI", "domain": STARTED, "context": {}, "columns": [],
            "rows": CYCLE_GROUPS + [{"fieldName": "kpi_id", "order": "asc"}],
            "measures": [{"id": "achievement", "fieldName": "achievement"},
                         {"id": "score", "fieldName": "score"}],
            "sortedColumn": None, "fieldMatching": matching(),
        },
        # grades as rows over every begun cycle, so that a grade keeps its
        # place (and its chart colour) when the cycle shown has none of it
        "2": {
            "type": "ODOO", "id": "2", "formulaId": "2", "model": BOARD,
            "name": "Grade distribution", "domain": STARTED, "context": {},
            "columns": CYCLE_GROUPS, "rows": [{"fieldName": "grade_id", "order": "asc"}],
            "measures": [{"id": "__count", "fieldName": "__count"},
                         {"id": "grade_color", "fieldName": "grade_color", "aggregator": "max"}],
            "sortedColumn": None, "fieldMatching": matching(),
        },
        "3": {
            "type": "ODOO", "id": "3", "formulaId": "3", "model": BOARD,
            "name": "Cycle", "domain": STARTED, "context": {}, "columns": [],
            "rows": CYCLE_GROUPS,
            "measures": [{"id": "__count", "fieldName": "__count"},
                         {"id": "total_score", "fieldName": "total_score"}],
            "sortedColumn": None, "fieldMatching": matching(),
        },
    }


TOP_COLUMNS = ["rank", "user_id", "team_id", "total_score", "grade_id"]


def lists():
    return {
        "1": {
            "id": "1", "name": "Top 10", "model": BOARD, "domain": STARTED, "context": {},
            "columns": TOP_COLUMNS + ["cycle_id"],
            # the pivots' cycle order, then the ranks of the cycle
            "orderBy": [{"name": "cycle_state", "asc": False}, {"name": "cycle_id", "asc": True},
                        {"name": "rank", "asc": True}, {"name": "total_score", "asc": False}],
            "fieldMatching": matching(),
        },
    }


SAMPLE_KPIS = [("Revenue Invoiced", 92.4, 90.1), ("New Customers", 105.0, 100.0),
               ("Win Rate", 81.3, 80.2), ("Activities Done", 97.5, 95.0),
               ("Customer Satisfaction", 88.0, 88.0)]
SAMPLE_GRADES = [("A", 10, 2), ("B", 4, 5), ("C", 3, 3), ("D", 1, 1)]
SAMPLE_TOP = [(1, "Anna Schmidt", "Direct Sales", 97.07, "A"),
              (2, "Emma Dubois", "Key Accounts", 82.36, "B"),
              (3, "Omar Haddad", "Key Accounts", 82.33, "B"),
              (4, "Carlos Ruiz", "Direct Sales", 78.67, "B"),
              (5, "Li Wei", "Direct Sales", 56.31, "D")]
SAMPLE_TREND = [("Q4 2025", 71.2), ("Q1 2026", 74.5), ("Q2 2026", 76.1),
                ("Q3 2026", 79.8), ("Q4 2026", 77.4)]
SAMPLE_CYCLE = "2026-Q4"
SAMPLE_TREND_ROW = 11


def text(term):
    """A label the Dashboards app shows in the user's language (Odoo extracts
    the ``_t`` terms of ``*_dashboard.json`` data files into the .pot)."""
    return f'=_t("{term}")'


def grade_col(index):
    """Column of the index-th grade (0-based) in the Data sheet."""
    return col(index + 1)


def data_cells(sample):
    """The Data sheet: the figures of the scorecards and of the grade chart."""
    first_score = f"Dashboard!D{SECTIONS['top'][0] + 2}"
    result = {
        "A1": {"content": text("Cycle")}, "A2": {"content": text("Salespeople")},
        "A3": {"content": text("Average score")}, "A4": {"content": text("Best score")},
        "A6": {"content": text("Grade")}, "A8": {"content": text("Color")},
        "B4": {"content": f"={first_score}", "format": 1},
    }
    if sample:
        result["B1"] = {"content": SAMPLE_CYCLE}
        result["B2"] = {"content": str(sum(count for _g, _c, count in SAMPLE_GRADES))}
        result["B3"] = {"content": "79.4", "format": 1}
        for index, (grade, color, count) in enumerate(SAMPLE_GRADES):
            result[f"{grade_col(index)}6"] = {"content": grade}
            result[f"{grade_col(index)}7"] = {"content": str(count)}
            result[f"{grade_col(index)}8"] = {"content": str(color)}
        for row, (label, value) in enumerate(SAMPLE_TREND, start=SAMPLE_TREND_ROW):
            result[f"A{row}"] = {"content": label}
            result[f"B{row}"] = {"content": str(value)}
    else:
        result["B1"] = {"content": f"=PIVOT.HEADER(3,{FIRST_CYCLE})"}
        result["B2"] = {"content": f'=PIVOT.VALUE(3,"__count",{FIRST_CYCLE})'}
        result["B3"] = {"content": f'=PIVOT.VALUE(3,"total_score",{FIRST_CYCLE})', "format": 1}
        for index in range(GRADE_ROWS):
            column, position = grade_col(index), index + 1
            result[f"{column}6"] = {"content": f'=PIVOT.HEADER(2,"#grade_id",{position})'}
            # +0: a grade none of the cycle has counts 0
            result[f"{column}7"] = {
                "content": f'=IF({column}6="","",PIVOT.VALUE(2,"__count",'
                           f'"#grade_id",{position},{FIRST_CYCLE})+0)'}
            result[f"{column}8"] = {
                "content": f'=PIVOT.VALUE(2,"grade_color","#grade_id",{position})'}
    result["A7"] = {"content": "=B1"}
    return result


def top_cells(sample):
    first, _last = SECTIONS["top"]
    result = {
        f"A{first}": {"content": text("Top 10"), "style": 1},
        f"B{first}": {"content": "=Data!B1", "style": 3},
    }
    headers = ["Rank", "Salesperson", "Sales Team", "Score", "Grade"]
    for index, header in enumerate(headers):
        result[f"{col(index)}{first + 1}"] = {"content": text(header), "style": 2}
    for index in range(1, TOP + 1):
        row = first + 1 + index
        for position, fname in enumerate(TOP_COLUMNS):
            cell = f"{col(position)}{row}"
            if sample:
                if index <= len(SAMPLE_TOP):
                    result[cell] = {"content": str(SAMPLE_TOP[index - 1][position])}
                continue
            # a row of another cycle than the first row's is left empty
            result[cell] = {"content": (
                f'=IF(ODOO.LIST(1,{index},"cycle_id")=ODOO.LIST(1,1,"cycle_id"),'
                f'ODOO.LIST(1,{index},"{fname}"),"")')}
            if fname == "total_score":
                result[cell]["format"] = 1
    return result


def grade_cells():
    first, _last = SECTIONS["grades"]
    result = {
        f"A{first}": {"content": text("Grade distribution"), "style": 1},
        f"B{first + 1}": {"content": text("Grade"), "style": 2},
        f"C{first + 1}": {"content": text("Salespeople"), "style": 2},
        f"D{first + 1}": {"content": text("Share"), "style": 2},
    }
    for index in range(GRADE_ROWS):
        row, column = first + 2 + index, grade_col(index)
        result[f"A{row}"] = {"content": f"=Data!{column}8"}
        result[f"B{row}"] = {"content": f"=Data!{column}6", "style": 4}
        result[f"C{row}"] = {"content": f"=Data!{column}7"}
        result[f"D{row}"] = {"content": f'=IF(C{row}="","",C{row}/Data!B2)', "format": 2}
    return result


def kpi_cells(sample):
    first, _last = SECTIONS["kpis"]
    result = {
        f"A{first}": {"content": text("Attainment by KPI"), "style": 1},
        f"B{first + 1}": {"content": text("KPI"), "style": 2},
        f"C{first + 1}": {"content": text("Achievement (%)"), "style": 2},
        f"D{first + 1}": {"content": text("Score"), "style": 2},
    }
    for index in range(1, KPI_ROWS + 1):
        row = first + 1 + index
        if sample:
            if index <= len(SAMPLE_KPIS):
                kpi, achievement, score = SAMPLE_KPIS[index - 1]
                result[f"B{row}"] = {"content": kpi}
                result[f"C{row}"] = {"content": str(achievement), "format": 1}
                result[f"D{row}"] = {"content": str(score), "format": 1}
            continue
        where = f'{FIRST_CYCLE},"#kpi_id",{index}'
        result[f"B{row}"] = {"content": f"=PIVOT.HEADER(1,{where})"}
        result[f"C{row}"] = {"content": f'=PIVOT.VALUE(1,"achievement",{where})', "format": 1}
        result[f"D{row}"] = {"content": f'=PIVOT.VALUE(1,"score",{where})', "format": 1}
    return result


def trend_cells():
    first, _last = SECTIONS["trend"]
    return {f"A{first}": {"content": text("Score trend"), "style": 1}}


def cells(sample):
    result = {}
    for part in (top_cells(sample), grade_cells(), kpi_cells(sample), trend_cells()):
        result.update(part)
    return result


def grade_swatches():
    """One conditional format per Odoo colour index: the swatch cell of a
    grade (whose value is the grade's colour index) takes the badge colour."""
    first, _last = SECTIONS["grades"]
    cells_range = f"A{first + 2}:A{first + 1 + GRADE_ROWS}"
    return [
        {"id": f"grade-color-{index}", "ranges": [cells_range],
         "rule": {"type": "CellIsRule", "operator": "Equal", "values": [str(index)],
                  "style": {"fillColor": badge_colors(index)[0],
                            "textColor": badge_colors(index)[0]}}}
        for index in range(len(ODOO_COLORS))
    ]


def grade_chart():
    """A bar per grade position, coloured as the shipped grade at that place."""
    colors = [badge_colors(color)[0] for _name, color in shipped_grades()]
    colors += [badge_colors(0)[0]] * (GRADE_ROWS - len(colors))
    return {
        "title": {"text": "Grade distribution"}, "type": "bar", "background": "#FFFFFF",
        "dataSets": [{"dataRange": f"Data!{grade_col(i)}6:{grade_col(i)}7",
                      "backgroundColor": colors[i]} for i in range(GRADE_ROWS)],
        "labelRange": "Data!A7", "legendPosition": "top", "stacked": False,
        "dataSetsHaveTitle": True, "aggregated": False,
    }


def scorecards():
    # the cycle's name needs room; the three figures share the rest
    widths = [340] + [(x_of(8) - 340 - 10 * len(SCORECARDS)) // (len(SCORECARDS) - 1)] * 3
    return [
        {"id": chart_id, "x": sum(widths[:index]) + 10 * index, "y": 11,
         "width": widths[index], "height": 101,
         "tag": "chart",
         "data": {"type": "scorecard", "title": {"text": title, "bold": True, "color": "#434343"},
                  "background": "#EFF6FF", "keyValue": key, "baselineMode": "text",
                  "baselineColorDown": "#DC6965", "baselineColorUp": "#00A04A",
                  "humanize": False}}
        for index, (chart_id, title, key) in enumerate(SCORECARDS)
    ]


def figures(sample):
    trend = {
        "title": {"text": ""}, "background": "#FFFFFF",
        "legendPosition": "none", "type": "odoo_line", "stacked": False,
        "fillArea": False, "verticalAxisPosition": "left",
        "metaData": {"groupBy": ["date_start:quarter"], "measure": "total_score",
                     "order": None, "resModel": REPORT, "mode": "line"},
        "searchParams": {"comparison": None, "context": {"group_by": []},
                         "domain": SCORED, "groupBy": ["date_start:quarter"],
                         "orderBy": []},
        "fieldMatching": matching(),
    }
    if sample:
        last = SAMPLE_TREND_ROW + len(SAMPLE_TREND) - 1
        trend = {
            "title": {"text": ""}, "type": "line", "background": "#FFFFFF",
            "dataSets": [{"dataRange": f"Data!B{SAMPLE_TREND_ROW}:B{last}"}],
            "labelRange": f"Data!A{SAMPLE_TREND_ROW}:A{last}",
            "legendPosition": "none", "stacked": False, "dataSetsHaveTitle": False,
            "aggregated": False, "labelsAsText": True,
        }
    grades_first, grades_last = SECTIONS["grades"]
    trend_first, trend_last = SECTIONS["trend"]
    return scorecards() + [
        {"id": CHART_GRADES, "x": x_of(4) + 10, "y": y_of(grades_first) + 4,
         "width": x_of(8) - x_of(4) - 10, "height": y_of(grades_last + 1) - y_of(grades_first) - 8,
         "tag": "chart", "data": grade_chart()},
        # under the section's title, whose large font needs more than its row
        {"id": CHART_TREND, "x": 0, "y": y_of(trend_first + 2) + 4,
         "width": x_of(6), "height": y_of(trend_last + 1) - y_of(trend_first + 2) - 8,
         "tag": "chart", "data": trend},
    ]


def sheet(sheet_id, name, content, **extra):
    """A sheet of the version 21 format: cells hold their content, the sheet
    maps cells to the ids of their style and number format."""
    styles = {ref: cell.pop("style") for ref, cell in content.items() if "style" in cell}
    formats = {ref: cell.pop("format") for ref, cell in content.items() if "format" in cell}
    return dict({
        "id": sheet_id, "name": name, "colNumber": 10, "rowNumber": ROW_NUMBER,
        "rows": {}, "cols": {}, "merges": [], "cells": content, "styles": styles,
        "formats": formats, "borders": {}, "conditionalFormats": [],
        "figures": [], "tables": [], "areGridLinesVisible": False, "isVisible": True,
        "headerGroups": {"ROW": [], "COL": []}, "dataValidationRules": [], "comments": {},
    }, **extra)


def spreadsheet(sample=False):
    data = {
        "version": VERSION,
        "sheets": [
            sheet("sheet1", "Dashboard", cells(sample),
                  cols={str(i): {"size": size} for i, size in enumerate(COL_WIDTHS)},
                  conditionalFormats=grade_swatches(), figures=figures(sample)),
            sheet("sheet2", "Data", data_cells(sample),
                  cols={"0": {"size": 160}, "1": {"size": 160}}, areGridLinesVisible=True),
        ],
        "styles": {"1": {"bold": True, "fontSize": 16, "textColor": "#01666b"},
                   "2": {"bold": True, "textColor": "#434343"},
                   "3": {"fontSize": 12, "textColor": "#434343", "verticalAlign": "bottom"},
                   "4": {"bold": True}},
        "formats": {"1": "0.0", "2": "0%"},
        "borders": {},
        "revisionId": "START_REVISION",
        "uniqueFigureIds": True,
        "settings": {},
        "pivots": {} if sample else pivots(),
        "pivotNextId": 1 if sample else 4,
        "customTableStyles": {},
        "odooVersion": 12,
        "globalFilters": [
            {"id": FILTER_CYCLE, "type": "relation", "label": "Cycle",
             "modelName": "sales.assessment.cycle", "defaultValue": [],
             "defaultValueDisplayNames": []},
            {"id": FILTER_TEAM, "type": "relation", "label": "Sales Team",
             "modelName": "crm.team", "defaultValue": [], "defaultValueDisplayNames": []},
        ],
        "lists": {} if sample else lists(),
        "listNextId": 1 if sample else 2,
    }
    if not sample:
        data["chartOdooMenusReferences"] = {
            CHART_TREND: "sales_assessment_dashboard.sales_assessment_report_menu",
        }
    return data


def main():
    os.makedirs(FILES, exist_ok=True)
    for name, sample in (("sales_assessment_dashboard.json", False),
                         ("sales_assessment_sample_dashboard.json", True)):
        with open(os.path.join(FILES, name), "w", encoding="utf-8") as handle:
            json.dump(spreadsheet(sample), handle, indent=1, sort_keys=True)
            handle.write("\n")


if __name__ == "__main__":
    main()
