import logging
from itertools import count

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SalesAssessmentCase

_logger = logging.getLogger(__name__)

OPERATIONS = ("read", "create", "write", "unlink")
ROLES = ("salesperson", "team leader", "manager", "other company")
Y, N = "yes", "no"
# Expected cells, from the "Access" paragraphs of the models' docstrings. The
# samples are records of the first company that no business rule protects
# (an unused KPI and scorecard, an open cycle); the sample target, evaluation
# and line are a teammate's (Bob's, in the team led by the team leader);
# "own" rows are the salesperson's own record.
EXPECTED = {
    "sales.assessment.kpi": {
        "salesperson": (Y, N, N, N), "team leader": (Y, N, N, N),
        "manager": (Y, Y, Y, Y), "other company": (N, N, N, N)},
    "sales.assessment.template": {
        "salesperson": (Y, N, N, N), "team leader": (Y, N, N, N),
        "manager": (Y, Y, Y, Y), "other company": (N, N, N, N)},
    "sales.assessment.template.line": {
        "salesperson": (Y, N, N, N), "team leader": (Y, N, N, N),
        "manager": (Y, Y, Y, Y), "other company": (N, N, N, N)},
    "sales.assessment.template.band": {
        "salesperson": (Y, N, N, N), "team leader": (Y, N, N, N),
        "manager": (Y, Y, Y, Y), "other company": (N, N, N, N)},
    "sales.assessment.grade": {
        "salesperson": (Y, N, N, N), "team leader": (Y, N, N, N),
        "manager": (Y, Y, Y, Y), "other company": (N, N, N, N)},
    "sales.assessment.cycle": {
        "salesperson": (Y, N, N, N), "team leader": (Y, N, N, N),
        "manager": (Y, Y, Y, Y), "other company": (N, N, N, N)},
    # the open sample cycle has the draft target plan of the leader's team,
    # where the leader prepares the targets (test_target_plan: outside it, no)
    "sales.assessment.target": {
        "salesperson": (N, N, N, N), "team leader": (Y, Y, Y, Y),
        "manager": (Y, Y, Y, Y), "other company": (N, N, N, N)},
    "sales.assessment.target (own)": {
        "salesperson": (Y, N, N, N)},
    "sales.assessment.evaluation": {
        "salesperson": (N, N, N, N), "team leader": (Y, N, Y, N),
        "manager": (Y, Y, Y, Y), "other company": (N, N, N, N)},
    "sales.assessment.evaluation (own)": {
        "salesperson": (Y, N, Y, N), "team leader": (Y, N, N, N)},
    "sales.assessment.evaluation.line": {
        "salesperson": (N, N, N, N), "team leader": (Y, N, Y, N),
        "manager": (Y, Y, Y, Y), "other company": (N, N, N, N)},
}


class _RolledBack(Exception):
    """Raised inside a savepoint to undo an operation that succeeded."""


@tagged("post_install", "-at_install")
class TestAccessMatrix(SalesAssessmentCase):
    """Role × model × operation, each cell tried through the ORM as that
    user and checked against the models' documented access; the table is
    printed in the test log."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.codes = count()
        cls.company_b = cls.env["res.company"].create({"name": "SA Matrix Co B"})
        cls.other = new_test_user(
            cls.env, "sa_other_co", groups="sales_team.group_sale_manager",
            company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.users = {"salesperson": cls.user_a, "team leader": cls.leader,
                     "manager": cls.manager, "other company": cls.other}
        cls.satisfaction = cls.kpi("customer_satisfaction")
        cls.won = cls.kpi("won")
        cls.template = cls.make_template([
            (cls.satisfaction, 50, {}),
            (cls.won, 50, {"scoring_method": "bands", "band_ids": [
                Command.create({"from_achievement": 0, "score": 50})]}),
        ])
        cls.company_kpi = cls.env["sales.assessment.kpi"].create({
            "name": "SA matrix KPI", "code": "sa_matrix_kpi", "kpi_type": "manual",
            "company_id": cls.company.id})
        cls.spare_template = cls.env["sales.assessment.template"].create(
            {"name": "SA matrix spare", "company_id": cls.company.id})
        cls.cycle = cls.make_cycle(cls.template)
        cls.targets = cls.env["sales.assessment.target"].create([
            {"cycle_id": cls.cycle.id, "kpi_id": cls.won.id, "user_id": user.id,
             "target_value": 3}
            for user in (cls.user_a, cls.user_b)
        ])
        cls.cycle.action_open()
        cls.eval_b = cls.cycle.evaluation_ids.filtered(lambda e: e.user_id == cls.user_b)
        cls.eval_a = cls.cycle.evaluation_ids.filtered(lambda e: e.user_id == cls.user_a)
        cls.env.flush_all()

    # -- samples: (record, values to write, values to create) per model

    def sample(self, name):
        manual = self.eval_b.line_ids.filtered(lambda ln: ln.kpi_id == self.satisfaction)
        band = self.template.line_ids.band_ids
        return {
            "sales.assessment.kpi": (
                self.company_kpi, {"description": "x"},
                {"name": "M", "code": f"sa_matrix_{next(self.codes)}", "kpi_type": "manual",
                 "company_id": self.company.id}),
            "sales.assessment.template": (
                self.spare_template, {"sequence": 3},
                {"name": "T", "company_id": self.company.id}),
            "sales.assessment.template.line": (
                self.template.line_ids[:1], {"sequence": 3},
                {"template_id": self.spare_template.id, "kpi_id": self.won.id,
                 "weight": 100}),
            "sales.assessment.template.band": (
                band, {"score": 60},
                {"line_id": band.line_id.id, "from_achievement": 90, "score": 100}),
            "sales.assessment.grade": (
                self.env["sales.assessment.grade"].create(
                    {"name": "Z", "min_score": 1, "company_id": self.company.id}),
                {"description": "x"},
                {"name": "Y", "min_score": 2, "company_id": self.company.id}),
            "sales.assessment.cycle": (
                self.cycle, {"name": "SA renamed"},
                {"name": "C", "period_type": "month", "date_start": "2031-01-01",
                 "date_end": "2031-01-31", "company_id": self.company.id}),
            "sales.assessment.target": (
                self.targets.filtered(lambda t: t.user_id == self.user_b), {"note": "x"},
                {"cycle_id": self.cycle.id, "kpi_id": self.satisfaction.id,
                 "user_id": self.user_b.id, "target_value": 5}),
            "sales.assessment.target (own)": (
                self.targets.filtered(lambda t: t.user_id == self.user_a), {"note": "x"},
                {"cycle_id": self.cycle.id, "kpi_id": self.satisfaction.id,
                 "user_id": self.user_a.id, "target_value": 5}),
            "sales.assessment.evaluation": (
                self.eval_b, {"manager_comment": "<p>x</p>"},
                {"cycle_id": self.cycle.id, "template_id": self.spare_template.id,
                 "user_id": self.user_b.id}),
            "sales.assessment.evaluation (own)": (
                self.eval_a, {"self_comment": "<p>x</p>"},
                {"cycle_id": self.cycle.id, "template_id": self.spare_template.id,
                 "user_id": self.user_a.id}),
            "sales.assessment.evaluation.line": (
                manual, {"manual_value": 4},
                {"evaluation_id": self.eval_b.id, "kpi_id": self.kpi("lost").id}),
        }[name]

    def attempt(self, function):
        """Return "yes" when ``function`` succeeds (then undone), "no" when it
        is refused by an access or business rule."""
        try:
            with self.env.cr.savepoint():
                function()
                self.env.flush_all()
                raise _RolledBack
        except _RolledBack:
            result = Y
        except (AccessError, UserError) as error:
            result = N
            self.refusals.append(type(error).__name__)
        self.env.invalidate_all()
        return result

    def cell(self, name, role, operation):
        user = self.users[role]
        model = name.split(" ")[0]
        record, write_vals, create_vals = self.sample(name)
        return self.attempt({
            "read": lambda: record.with_user(user).read(list(write_vals)),
            "create": lambda: self.env[model].with_user(user).create(create_vals),
            "write": lambda: record.with_user(user).write(write_vals),
            "unlink": lambda: record.with_user(user).unlink(),
        }[operation])

    def test_access_matrix(self):
        self.refusals = []
        actual, rows = {}, []
        for name, expected_by_role in EXPECTED.items():
            for role in expected_by_role:
                cells = tuple(self.cell(name, role, op) for op in OPERATIONS)
                actual[(name, role)] = cells
                rows.append(f"{name:<36} {role:<14} " + " ".join(f"{c:<6}" for c in cells))
        header = f"{'model':<36} {'role':<14} " + " ".join(f"{op:<6}" for op in OPERATIONS)
        _logger.info("Access matrix (%s cells):\n%s\n%s", 4 * len(rows), header,
                     "\n".join(rows))
        mismatches = [
            f"{name} / {role}: expected {expected}, got {actual[(name, role)]}"
            for name, by_role in EXPECTED.items()
            for role, expected in by_role.items()
            if actual[(name, role)] != expected
        ]
        self.assertFalse(mismatches, "\n".join(mismatches))
        self.assertIn("AccessError", self.refusals)
