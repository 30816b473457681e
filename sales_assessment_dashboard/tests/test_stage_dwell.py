from datetime import date, datetime

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged

from .common import DashboardCase


@tagged("post_install", "-at_install")
class TestStageDwell(DashboardCase):
    """Days in each CRM stage during a cycle, rebuilt from the stage changes
    Odoo tracks on the opportunity; win/loss with lost reasons."""

    def setUp(self):
        super().setUp()
        self.env = self.env(context=dict(self.env.context, tracking_disable=False))
        self.cycle = self.make_revenue_cycle()
        self.cycle.tz = "UTC"
        self.cycle.action_open()
        self.stages = self.env["crm.stage"].create([
            {"name": f"SA stage {i}", "sequence": 900 + i} for i in range(1, 4)
        ])

    def lead_moving(self, created, moves):
        """An opportunity created at ``created`` in the first stage, moved to
        the next stage at each datetime of ``moves``."""
        with freeze_time(created):
            lead = self.env["crm.lead"].create({
                "name": "SA dwell", "type": "opportunity", "user_id": self.user_a.id,
                "stage_id": self.stages[0].id,
            })
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE crm_lead SET create_date = %s WHERE id = %s", (created, lead.id)
            )
            self.env.cr.precommit.run()
        for stage, moment in zip(self.stages[1:], moves):
            with freeze_time(moment):
                lead.stage_id = stage
                self.env.flush_all()
                self.env.cr.precommit.run()
        return lead

    def dwell(self, lead):
        rows = self.env["sales.assessment.stage.report"].search(
            [("lead_id", "=", lead.id), ("cycle_id", "=", self.cycle.id)]
        )
        return {row.stage_id: round(row.dwell_days, 4) for row in rows}

    def test_dwell_times(self):
        lead = self.lead_moving(
            datetime(2025, 1, 10, 9, 0),
            [datetime(2025, 1, 12, 21, 0), datetime(2025, 1, 20, 9, 0)],
        )
        # the last stay runs to the cycle's end (1 April, 00:00)
        self.assertEqual(self.dwell(lead), {
            self.stages[0]: 2.5, self.stages[1]: 7.5, self.stages[2]: 70.625,
        })

    def test_dwell_cut_to_cycle(self):
        lead = self.lead_moving(
            datetime(2024, 12, 30, 0, 0),
            [datetime(2025, 1, 2, 0, 0), datetime(2025, 1, 2, 12, 0)],
        )
        dwell = self.dwell(lead)
        self.assertEqual(dwell[self.stages[0]], 1.0)
        self.assertEqual(dwell[self.stages[1]], 0.5)

    def test_funnel_counts_each_lead_once_per_stage(self):
        lead = self.lead_moving(datetime(2025, 1, 10), [datetime(2025, 1, 11)])
        with freeze_time(datetime(2025, 1, 12)):
            lead.stage_id = self.stages[0]
            self.env.flush_all()
            self.env.cr.precommit.run()
        [[count, stays]] = self.env["sales.assessment.stage.report"]._read_group(
            [("lead_id", "=", lead.id), ("cycle_id", "=", self.cycle.id),
             ("stage_id", "=", self.stages[0].id)], [], ["lead_count:sum", "__count"],
        )
        self.assertEqual((count, stays), (1, 2))

    def test_no_dwell_in_won_stage(self):
        self.stages[2].is_won = True
        lead = self.lead_moving(
            datetime(2025, 1, 10), [datetime(2025, 1, 11), datetime(2025, 1, 12)]
        )
        [[count, dwell]] = self.env["sales.assessment.stage.report"]._read_group(
            [("lead_id", "=", lead.id), ("stage_id", "=", self.stages[2].id)],
            [], ["lead_count:sum", "dwell_days:avg"],
        )
        self.assertEqual(count, 1)
        self.assertFalse(dwell)

    def test_win_loss_and_lost_reasons(self):
        reason = self.env["crm.lost.reason"].create({"name": "SA too expensive"})
        self.make_opportunity(self.user_a, "won", date(2025, 2, 1))
        lost = self.make_opportunity(self.user_a, "lost", date(2025, 2, 2))
        lost.lost_reason_id = reason
        self.make_opportunity(self.user_a, "lost", date(2025, 5, 2))
        groups = self.env["sales.assessment.outcome.report"]._read_group(
            [("cycle_id", "=", self.cycle.id), ("user_id", "=", self.user_a.id)],
            ["outcome", "lost_reason_id"], ["__count"],
        )
        self.assertEqual(
            sorted((o, r.name or "", c) for o, r, c in groups),
            [("lost", "SA too expensive", 1), ("won", "", 1)],
        )

    def test_units(self):
        """Days in stage are days with one decimal, and say so; the win/loss
        bars count opportunities, won and lost side by side."""
        Stage = self.env["sales.assessment.stage.report"]
        for fname in ("dwell_days", "total_days"):
            field = Stage._fields[fname]
            self.assertEqual(field.get_digits(self.env), (16, 1), fname)
            self.assertIn("(days)", field.string, fname)
        graph = etree.fromstring(Stage.get_view(view_type="graph")["arch"])
        self.assertEqual(graph.xpath("//field[@type='measure']/@name"), ["dwell_days"])

        Outcome = self.env["sales.assessment.outcome.report"]
        graph = etree.fromstring(Outcome.get_view(view_type="graph")["arch"])
        self.assertIn(graph.get("stacked"), ("False", "false", "0"))
        [measure] = graph.xpath("//field[@type='measure']/@name")
        self.assertEqual(Outcome._fields[measure].type, "integer")
        self.assertIn("outcome", graph.xpath("//field[not(@type)]/@name"))
        self.make_opportunity(self.user_a, "won", date(2025, 2, 1))
        self.make_opportunity(self.user_a, "lost", date(2025, 2, 2))
        self.make_opportunity(self.user_a, "lost", date(2025, 2, 3))
        # each bar of the chart has its own height: none is zero
        groups = Outcome._read_group(
            [("cycle_id", "=", self.cycle.id), ("user_id", "=", self.user_a.id)],
            ["outcome"], [f"{measure}:sum"],
        )
        self.assertEqual(dict(groups), {"won": 1, "lost": 2})
