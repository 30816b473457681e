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
"""

import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, os.pardir, "data", "files")
VERSION = 21
KPI_ROWS = 12
GRADE_ROWS = 6
TOP = 10

FILTER_CYCLE = "5a1e3c1e-7d3b-4b8e-9a61-2f0c7c1a0001"
FILTER_TEAM = "5a1e3c1e-7d3b-4b8e-9a61-2f0c7c1a0002"
CHART_TREND = "5a1e3c1e-7d3b-4b8e-9a61-2f0c7c1a0101"
CHART_GRADES = "5a1e3c1e-7d3b-4b8e-9a61-2f0c7c1a0102"

REPORT = "sales.assessment.report"
BOARD = "sales.assessment.leaderboard"
SCORED = [["cycle_state", "in", ["open", "closed"]]]


def matching(cycle="cycle_id", team="team_id"):
    return {
        FILTER_CYCLE: {"chain": cycle, "type": "many2one"},
        FILTER_TEAM: {"chain": team, "type": "many2one"},
    }


def col(index):
    return "ABCDEFGH"[index]


def pivots():
    return {
        "1": {
            "type": "ODOO", "id": "1", "formulaId": "1", "model": REPORT,
            "name": "Attainment by KPI", "domain": SCORED,
            "context": {}, "columns": [], "rows": [{"fieldName": "kpi_id"}],
            "measures": [{"id": "achievement", "fieldName": "achievement"},
                         {"id": "score", "fieldName": "score"}],
            "sortedColumn": None, "fieldMatching": matching(),
        },
        "2": {
            "type": "ODOO", "id": "2", "formulaId": "2", "model": BOARD,
            "name": "Grade distribution", "domain": SCORED,
            "context": {}, "columns": [], "rows": [{"fieldName": "grade_id"}],
            "measures": [{"id": "__count", "fieldName": "__count"}],
            "sortedColumn": None, "fieldMatching": matching(),
        },
    }


def lists():
    return {
        "1": {
            "id": "1", "name": "Top 10", "model": BOARD, "domain": SCORED, "context": {},
            "columns": ["rank", "user_id", "team_id", "total_score", "grade_id"],
            "orderBy": [{"name": "total_score", "asc": False}],
            "fieldMatching": matching(),
        },
    }


def figures(sample):
    trend = {
        "title": {"text": "Score trend"}, "background": "#FFFFFF",
        "legendPosition": "top", "type": "odoo_line", "stacked": False,
        "fillArea": False, "verticalAxisPosition": "left",
        "metaData": {"groupBy": ["date_start:quarter"], "measure": "total_score",
                     "order": None, "resModel": REPORT, "mode": "line"},
        "searchParams": {"comparison": None, "context": {"group_by": []},
                         "domain": SCORED, "groupBy": ["date_start:quarter"],
                         "orderBy": []},
        "fieldMatching": matching(),
    }
    grades = {
        "title": {"text": "Grade distribution"}, "background": "#FFFFFF",
        "legendPosition": "right", "type": "odoo_pie",
        "metaData": {"groupBy": ["grade_id"], "measure": "__count", "order": None,
                     "resModel": BOARD, "mode": "pie"},
        "searchParams": {"comparison": None, "context": {"group_by": []},
                         "domain": SCORED, "groupBy": ["grade_id"], "orderBy": []},
        "fieldMatching": matching(),
    }
    if sample:
        trend = {
            "title": {"text": "Score trend"}, "type": "line", "background": "#FFFFFF",
            "dataSets": [{"dataRange": "Dashboard!H2:H6"}], "labelRange": "Dashboard!G2:G6",
            "legendPosition": "none", "stacked": False, "dataSetsHaveTitle": False,
            "aggregated": False, "labelsAsText": True,
        }
        grades = {
            "title": {"text": "Grade distribution"}, "type": "pie", "background": "#FFFFFF",
            "dataSets": [{"dataRange": "Dashboard!E4:E7"}], "labelRange": "Dashboard!D4:D7",
            "legendPosition": "right", "dataSetsHaveTitle": False, "aggregated": False,
        }
    return [
        {"id": CHART_TREND, "x": 0, "y": 700, "width": 640, "height": 300,
         "tag": "chart", "data": trend},
        {"id": CHART_GRADES, "x": 660, "y": 700, "width": 400, "height": 300,
         "tag": "chart", "data": grades},
    ]


SAMPLE_KPIS = [("Revenue Invoiced", 92.4, 90.1), ("New Customers", 105.0, 100.0),
               ("Win Rate", 81.3, 80.2), ("Activities Done", 97.5, 95.0),
               ("Customer Satisfaction", 88.0, 88.0)]
SAMPLE_GRADES = [("A", 2), ("B", 5), ("C", 3), ("D", 1)]
SAMPLE_TOP = [(1, "Anna Schmidt", "Direct Sales", 97.07, "A"),
              (2, "Emma Dubois", "Key Accounts", 82.36, "B"),
              (3, "Omar Haddad", "Key Accounts", 82.33, "B"),
              (4, "Carlos Ruiz", "Direct Sales", 78.67, "B"),
              (5, "Li Wei", "Direct Sales", 56.31, "D")]
SAMPLE_TREND = [("Q4 2025", 71.2), ("Q1 2026", 74.5), ("Q2 2026", 76.1),
                ("Q3 2026", 79.8), ("Q4 2026", 77.4)]


def text(term):
    """A label the Dashboards app shows in the user's language (Odoo extracts
    the ``_t`` terms of ``*_dashboard.json`` data files into the .pot)."""
    return f'=_t("{term}")'


def cells(sample):
    result = {
        "A1": {"content": text("Sales Assessment"), "style": 1},
        "A3": {"content": text("Attainment by KPI"), "style": 2},
        "B3": {"content": text("Achievement (%)"), "style": 2},
        "C3": {"content": text("Score"), "style": 2},
        "D3": {"content": text("Grade"), "style": 2},
        "E3": {"content": text("Salespeople"), "style": 2},
        "A18": {"content": text("Top 10"), "style": 2},
    }
    headers = ["Rank", "Salesperson", "Sales Team", "Score", "Grade"]
    for index, header in enumerate(headers):
        result[f"{col(index)}19"] = {"content": text(header), "style": 2}
    if sample:
        for row, (kpi, achievement, score) in enumerate(SAMPLE_KPIS, start=4):
            result[f"A{row}"] = {"content": kpi}
            result[f"B{row}"] = {"content": str(achievement), "format": 1}
            result[f"C{row}"] = {"content": str(score), "format": 1}
        for row, (grade, count) in enumerate(SAMPLE_GRADES, start=4):
            result[f"D{row}"] = {"content": grade}
            result[f"E{row}"] = {"content": str(count)}
        for row, values in enumerate(SAMPLE_TOP, start=20):
            for index, value in enumerate(values):
                result[f"{col(index)}{row}"] = {"content": str(value)}
        for row, (label, value) in enumerate(SAMPLE_TREND, start=2):
            result[f"G{row}"] = {"content": label}
            result[f"H{row}"] = {"content": str(value)}
        return result
    for index in range(1, KPI_ROWS + 1):
        row = index + 3
        result[f"A{row}"] = {"content": f'=PIVOT.HEADER(1,"#kpi_id",{index})'}
        result[f"B{row}"] = {"content": f'=PIVOT.VALUE(1,"achievement","#kpi_id",{index})',
                             "format": 1}
        result[f"C{row}"] = {"content": f'=PIVOT.VALUE(1,"score","#kpi_id",{index})',
                             "format": 1}
    for index in range(1, GRADE_ROWS + 1):
        row = index + 3
        result[f"D{row}"] = {"content": f'=PIVOT.HEADER(2,"#grade_id",{index})'}
        result[f"E{row}"] = {"content": f'=PIVOT.VALUE(2,"__count","#grade_id",{index})'}
    for index in range(1, TOP + 1):
        row = index + 19
        for position, fname in enumerate(lists()["1"]["columns"]):
            result[f"{col(position)}{row}"] = {"content": f'=ODOO.LIST(1,{index},"{fname}")'}
    return result


def spreadsheet(sample=False):
    data = {
        "version": VERSION,
        "sheets": [{
            "id": "sheet1", "name": "Dashboard", "colNumber": 8, "rowNumber": 60,
            "rows": {}, "cols": {"0": {"size": 220}, "1": {"size": 170}, "2": {"size": 150},
                                 "3": {"size": 110}, "4": {"size": 110}},
            "merges": [], "cells": cells(sample), "conditionalFormats": [],
            "figures": figures(sample), "tables": [], "areGridLinesVisible": False,
            "isVisible": True, "headerGroups": {"ROW": [], "COL": []},
            "dataValidationRules": [], "comments": {},
        }],
        "styles": {"1": {"bold": True, "fontSize": 16, "textColor": "#01666b"},
                   "2": {"bold": True, "textColor": "#434343"}},
        "formats": {"1": "0.0"},
        "borders": {},
        "revisionId": "START_REVISION",
        "uniqueFigureIds": True,
        "settings": {},
        "pivots": {} if sample else pivots(),
        "pivotNextId": 1 if sample else 3,
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
            CHART_GRADES: "sales_assessment_dashboard.sales_assessment_leaderboard_menu",
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
