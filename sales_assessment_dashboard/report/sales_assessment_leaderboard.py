from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

LEADER_GROUP = "sales_assessment.group_sales_assessment_team_leader"


class SalesAssessmentLeaderboard(models.Model):
    """One row per salesperson's evaluation: rank, score and grade, readable
    by every salesperson of the company. With the company setting
    ``sales_assessment_hide_amounts``, a salesperson gets no monetary figure
    of anyone else, in the view as through the API: the raw amounts are
    readable by team leaders only, and the public ``revenue`` and
    ``revenue_target`` are emptied for others' rows."""

    _name = "sales.assessment.leaderboard"
    _description = "Sales Assessment Leaderboard"
    _auto = False
    _order = "date_start desc, template_id, rank, id"

    cycle_id = fields.Many2one("sales.assessment.cycle", readonly=True)
    template_id = fields.Many2one("sales.assessment.template", string="Scorecard", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    cycle_state = fields.Selection(
        [("draft", "Draft"), ("open", "Open"), ("closed", "Closed"), ("cancel", "Cancelled")],
        readonly=True,
    )
    date_start = fields.Date(string="Cycle Start", readonly=True)
    is_current_cycle = fields.Boolean(
        string="Current Cycle", compute="_compute_is_current_cycle",
        search="_search_is_current_cycle",
        help="The row belongs to its company's current cycle: the open cycle that "
             "contains today (of a month and its quarter, the one begun last), "
             "else the cycle begun last.",
    )
    rank = fields.Integer(readonly=True, aggregator="min")
    team_rank = fields.Integer(readonly=True, aggregator="min")
    total_score = fields.Float(readonly=True, digits=(16, 2), aggregator="avg")
    grade_id = fields.Many2one("sales.assessment.grade", readonly=True)
    # max: one grade has one color, so the dashboard reads it per grade group
    grade_color = fields.Integer(readonly=True, aggregator="max")
    pacing = fields.Selection(
        [("on_track", "On Track"), ("at_risk", "At Risk"), ("off_track", "Off Track")],
        readonly=True,
    )
    is_top = fields.Boolean(string="Top 3", readonly=True)
    revenue_amount = fields.Monetary(
        string="Revenue (all)", readonly=True, groups=LEADER_GROUP,
        currency_field="currency_id",
    )
    revenue_target_amount = fields.Monetary(
        string="Revenue Target (all)", readonly=True, groups=LEADER_GROUP,
        currency_field="currency_id",
    )
    revenue = fields.Monetary(
        compute="_compute_revenue", currency_field="currency_id",
        help="Actual of the scorecard's first monetary KPI.",
    )
    revenue_target = fields.Monetary(compute="_compute_revenue", currency_field="currency_id")
    amounts_hidden = fields.Boolean(compute="_compute_revenue")

    _depends = {
        "sales.assessment.evaluation": [
            "cycle_id", "template_id", "user_id", "team_id", "company_id", "rank",
            "team_rank", "total_score", "grade_id", "pacing",
        ],
        "sales.assessment.evaluation.line": [
            "evaluation_id", "kpi_id", "sequence", "actual_value", "target_value",
        ],
        "sales.assessment.cycle": ["state", "date_start"],
    }

    @property
    def _table_query(self):
        return SQL("%s %s %s", self._select(), self._from(), self._where())

    @api.model
    def _select(self):
        return SQL(
            """
            SELECT ev.id AS id,
                   ev.cycle_id AS cycle_id,
                   ev.template_id AS template_id,
                   ev.user_id AS user_id,
                   ev.team_id AS team_id,
                   ev.company_id AS company_id,
                   company.currency_id AS currency_id,
                   cycle.state AS cycle_state,
                   cycle.date_start AS date_start,
                   ev.rank AS rank,
                   ev.team_rank AS team_rank,
                   ev.total_score AS total_score,
                   ev.grade_id AS grade_id,
                   grade.color AS grade_color,
                   ev.pacing AS pacing,
                   COALESCE(ev.rank, 0) BETWEEN 1 AND 3 AS is_top,
                   money.actual_value AS revenue_amount,
                   money.target_value AS revenue_target_amount
            """
        )

    @api.model
    def _from(self):
        return SQL(
            """
            FROM sales_assessment_evaluation ev
            JOIN sales_assessment_cycle cycle ON cycle.id = ev.cycle_id
            JOIN res_company company ON company.id = ev.company_id
            LEFT JOIN sales_assessment_grade grade ON grade.id = ev.grade_id
            LEFT JOIN LATERAL (
                SELECT line.actual_value, line.target_value
                  FROM sales_assessment_evaluation_line line
                  JOIN sales_assessment_kpi kpi ON kpi.id = line.kpi_id
                 WHERE line.evaluation_id = ev.id AND kpi.unit = 'monetary'
                 ORDER BY line.sequence, line.id
                 LIMIT 1
            ) money ON TRUE
            """
        )

    @api.model
    def _where(self):
        return SQL("WHERE ev.user_id IS NOT NULL AND cycle.state IN ('open', 'closed')")

    @api.depends_context("uid")
    def _compute_revenue(self):
        # sudo: the raw amounts are restricted to leaders; the rule below decides
        amounts = {
            row["id"]: row for row in self.sudo().read(
                ["revenue_amount", "revenue_target_amount"], load=False
            )
        } if self.ids else {}
        reader_sees_all = self.env.su or self.env.user.has_group(LEADER_GROUP)
        for row in self:
            hidden = (
                row.company_id.sales_assessment_hide_amounts
                and not reader_sees_all
                and row.user_id != self.env.user
            )
            values = amounts.get(row.id, {})
            row.amounts_hidden = hidden
            row.revenue = False if hidden else values.get("revenue_amount", 0.0)
            row.revenue_target = False if hidden else values.get("revenue_target_amount", 0.0)

    @api.model
    def _get_current_cycles(self):
        """The current cycle of each allowed company: the open cycle that
        contains today in its own timezone (of a month and its quarter, the
        one begun last), else the open or closed cycle begun last. Cycles
        that have not begun yet are never current."""
        cycles = self.env["sales.assessment.cycle"].search(
            [("state", "in", ("open", "closed")),
             ("company_id", "in", self.env.companies.ids)],
            order="date_start desc, date_end, id desc",
        )
        started = cycles.filtered(lambda cycle: cycle.date_start <= cycle._today())
        current = cycles.browse()
        for company in started.company_id:
            mine = started.filtered(lambda cycle, company=company: cycle.company_id == company)
            running = mine.filtered(
                lambda cycle: cycle.state == "open" and cycle._today() <= cycle.date_end
            )
            current |= (running or mine)[:1]
        return current

    @api.depends("cycle_id")
    def _compute_is_current_cycle(self):
        current = self._get_current_cycles()
        for row in self:
            row.is_current_cycle = row.cycle_id in current

    @api.model
    def _search_is_current_cycle(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        positive = (operator == "=") == value
        return [("cycle_id", "in" if positive else "not in", self._get_current_cycles().ids)]
