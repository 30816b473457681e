import uuid

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestConcurrentClose(TransactionCase):
    """Two real database cursors close the same cycle at the same time: the
    first wins, the second gets a clear UserError, and exactly one set of
    evaluations exists. Data is committed, then removed in cleanup."""

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            users = env["res.users"].create(
                [{"name": f"SA conc {i}", "login": f"sa_conc_{self._testMethodName}_{i}_{uuid.uuid4().hex[:8]}"}
                 for i in range(3)]
            )
            team = env["crm.team"].create(
                {"name": "SA concurrent team", "member_ids": [Command.set(users.ids)]}
            )
            satisfaction = env.ref("sales_assessment.kpi_customer_satisfaction")
            template = env["sales.assessment.template"].create({
                "name": "SA concurrent scorecard", "team_ids": [Command.set(team.ids)],
                "line_ids": [Command.create({"kpi_id": satisfaction.id, "weight": 100})],
            })
            cycle = env["sales.assessment.cycle"].create({
                "name": "SA concurrent", "period_type": "custom",
                "date_start": "2019-01-01", "date_end": "2019-01-31",
                "template_ids": [Command.set(template.ids)],
            })
            env["sales.assessment.target"].create([
                {"cycle_id": cycle.id, "kpi_id": satisfaction.id, "user_id": user.id,
                 "target_value": 5}
                for user in users
            ])
            cycle.action_open()
            # the scenario needs data that two other transactions both see
            cr.commit()  # pylint: disable=invalid-commit
            self.data = (cycle.id, template.id, team.id, users.ids)
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        cycle_id, template_id, team_id, user_ids = self.data
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            cycle = env["sales.assessment.cycle"].browse(cycle_id)
            cycle._write_state({"state": "cancel"})  # a closed cycle's evaluations are frozen
            cycle.evaluation_ids.unlink()
            cycle.unlink()
            env["sales.assessment.template"].browse(template_id).unlink()
            env["crm.team"].browse(team_id).unlink()
            env["res.users"].browse(user_ids).action_archive()

    def _count_evaluations(self, cr, cycle_id):
        cr.execute(
            "SELECT count(*) FROM sales_assessment_evaluation WHERE cycle_id = %s", [cycle_id]
        )
        return cr.fetchone()[0]

    @mute_logger("odoo.sql_db")
    def test_two_cursors_close_once(self):
        cycle_id = self.data[0]
        with self.env.registry.cursor() as cr1, self.env.registry.cursor() as cr2:
            # without the close's own lock the loser would wait on the winner's rows
            # (same thread: forever); fail within seconds instead of hanging
            cr2.execute("SET lock_timeout = '5s'")
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            cycle1 = env1["sales.assessment.cycle"].browse(cycle_id)
            cycle2 = env2["sales.assessment.cycle"].browse(cycle_id)
            self.assertEqual(cycle2.state, "open")  # cr2 reads before cr1 commits
            cycle1.action_close()  # holds the row lock until commit
            with self.assertRaisesRegex(UserError, "being closed by someone else"):
                cycle2.action_close()
            cr2.rollback()
            cr1.commit()
        with self.env.registry.cursor() as cr3:
            env3 = api.Environment(cr3, SUPERUSER_ID, {})
            cycle3 = env3["sales.assessment.cycle"].browse(cycle_id)
            self.assertEqual(cycle3.state, "closed")
            self.assertEqual(self._count_evaluations(cr3, cycle_id), 3)
            # closing again after the winner committed changes nothing
            cycle3.action_close()
            self.assertEqual(self._count_evaluations(cr3, cycle_id), 3)
            self.assertEqual(set(cycle3.evaluation_ids.mapped("state")), {"published"})

    @mute_logger("odoo.sql_db")
    def test_loser_reading_after_winner_commit(self):
        """A transaction whose snapshot predates the winner's commit is refused
        too (serialization failure), instead of computing a second set."""
        cycle_id = self.data[0]
        with self.env.registry.cursor() as cr1, self.env.registry.cursor() as cr2:
            # without the close's own lock the loser would wait on the winner's rows
            # (same thread: forever); fail within seconds instead of hanging
            cr2.execute("SET lock_timeout = '5s'")
            env1 = api.Environment(cr1, SUPERUSER_ID, {})
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            cycle2 = env2["sales.assessment.cycle"].browse(cycle_id)
            self.assertEqual(cycle2.state, "open")  # snapshot taken
            env1["sales.assessment.cycle"].browse(cycle_id).action_close()
            cr1.commit()
            with self.assertRaisesRegex(UserError, "being closed by someone else"):
                cycle2.action_close()
            cr2.rollback()
        with self.env.registry.cursor() as cr3:
            self.assertEqual(self._count_evaluations(cr3, cycle_id), 3)
