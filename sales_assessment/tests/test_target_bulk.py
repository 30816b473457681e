from datetime import date

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools.misc import format_amount

from .common import SalesAssessmentCase

# queries of creating the targets of a cycle, whatever its number of salespeople
TARGET_CREATE_QUERIES = 17


@tagged("post_install", "-at_install")
class TestTargetBulk(SalesAssessmentCase):
    """Creating targets is set-based: the checks and the initial-value notes
    cost as many queries for 5 salespeople as for 50 (an import of thousands)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # as an import runs it: with the chatter on
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.revenue = cls.kpi("revenue_ordered")
        cls.orders = cls.kpi("orders_count")

    def _prepare_bulk(self, n_users, date_from, date_to):
        """A team of ``n_users`` new salespeople and a draft cycle for them."""
        users = self.env["res.users"].create([
            {"name": f"SA target bulk {n_users}-{i}", "login": f"sa_target_bulk_{n_users}_{i}"}
            for i in range(n_users)
        ])
        team = self.env["crm.team"].create({
            "name": f"SA target bulk {n_users}", "member_ids": [Command.set(users.ids)],
        })
        template = self.make_template(
            [(self.revenue, 60, {}), (self.orders, 40, {})], users_teams=team)
        cycle = self.make_cycle(template, date_from, date_to, name=f"SA target bulk {n_users}")
        return cycle, users

    def _target_vals(self, cycle, users):
        return [
            {"cycle_id": cycle.id, "kpi_id": kpi.id, "user_id": user.id,
             "target_value": value + index}
            for index, user in enumerate(users)
            for kpi, value in ((self.revenue, 1234.5), (self.orders, 7))
        ]

    def _create_targets(self, cycle, users, user=None):
        Target = self.env["sales.assessment.target"].with_user(user or self.manager)
        return Target.create(self._target_vals(cycle, users))

    def _create_counting(self, cycle, users):
        """Create the targets of ``users`` from a cold cache: the queries it took."""
        vals_list = self._target_vals(cycle, users)
        Target = self.env["sales.assessment.target"].with_user(self.manager)
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        Target.create(vals_list)
        self.env.flush_all()
        return self.cr.sql_log_count - start

    def test_create_query_count_is_independent_of_salespeople(self):
        """Creating 2 KPIs' targets costs the same queries for 5 and 50 salespeople."""
        warm_up = self._prepare_bulk(1, date(2024, 10, 1), date(2024, 12, 31))
        bulk5 = self._prepare_bulk(5, date(2025, 1, 1), date(2025, 3, 31))
        bulk50 = self._prepare_bulk(50, date(2025, 4, 1), date(2025, 6, 30))
        self._create_counting(*warm_up)  # fills the registry caches (access, rules, xml ids)
        counts = []
        for cycle, users in (bulk5, bulk50):
            with self.assertQueryCount(TARGET_CREATE_QUERIES):
                counts.append(self._create_counting(cycle, users))
        self.assertEqual(counts[0], counts[1], "queries at 5 and 50 salespeople")
        self.assertEqual(len(bulk5[0].target_ids), 10)
        self.assertEqual(len(bulk50[0].target_ids), 100)
        self.assertEqual(bulk50[0].target_ids.team_id, bulk50[1].sale_team_id)

    def test_each_target_notes_its_initial_value(self):
        """One note per target, in the KPI's unit, authored by its creator."""
        cycle, users = self._prepare_bulk(3, self.date_from, self.date_to)
        targets = self._create_targets(cycle, users)
        self.assertEqual(len(targets), 6)
        note_subtype = self.env.ref("mail.mt_note")
        currency = self.company.currency_id
        for target in targets:
            notes = target.message_ids.filtered(lambda m: "Target set to" in (m.body or ""))
            self.assertEqual(len(notes), 1, target.display_name)
            self.assertEqual(len(target.message_ids), 1, "the note is the creation note")
            if target.kpi_id == self.revenue:
                value = format_amount(self.env, target.target_value, currency)
                self.assertIn(currency.symbol, value)
                self.assertIn("1,23", value)
            else:
                value = str(int(target.target_value))
            self.assertIn(f"Target set to {value}.", str(notes.body).replace("&nbsp;", "\xa0"))
            self.assertEqual(notes.author_id, self.manager.partner_id)
            self.assertEqual(notes.message_type, "notification")
            self.assertEqual(notes.subtype_id, note_subtype)
        count_note = targets.filtered(lambda t: t.kpi_id == self.orders)[:1].message_ids
        self.assertIn("Target set to 7.", count_note.body)
        self.assertNotIn("7.00", count_note.body, "a count has no decimals")

    def test_manager_without_email_creates_targets(self):
        """The notes are logged, not sent: no sender address is needed."""
        self.manager.partner_id.email = False
        cycle, users = self._prepare_bulk(2, self.date_from, self.date_to)
        targets = self._create_targets(cycle, users)
        self.assertEqual(len(targets), 4)
        self.assertEqual(targets.message_ids.author_id, self.manager.partner_id)
        self.assertEqual(len(targets.message_ids), 4)

    def test_duplicates_are_refused_in_one_batch(self):
        """A duplicate inside the batch or against an existing target is refused."""
        cycle, users = self._prepare_bulk(2, self.date_from, self.date_to)
        self._create_targets(cycle, users[:1])
        Target = self.env["sales.assessment.target"].with_user(self.manager)
        with self.assertRaisesRegex(ValidationError, "already has a target"):
            Target.create(self._target_vals(cycle, users))
        with self.assertRaisesRegex(ValidationError, "already has a target"):
            Target.create(self._target_vals(cycle, users[1:]) * 2)
        team_vals = {"cycle_id": cycle.id, "kpi_id": self.revenue.id,
                     "team_id": users.sale_team_id.id, "target_value": 10}
        Target.create(team_vals)
        with self.assertRaisesRegex(ValidationError, "already has a target"):
            Target.create(team_vals)
