from odoo.tests import Form, tagged

from .common import SalesAssessmentCase


@tagged("post_install", "-at_install")
class TestTargetDefaults(SalesAssessmentCase):
    """A salesperson's target is for the team they sell for unless told
    otherwise, and its first note needs no sender address."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.won = cls.kpi("won")
        cls.cycle = cls.make_cycle(cls.make_template([(cls.won, 100, {})]))

    def test_team_from_the_salesperson(self):
        Target = self.env["sales.assessment.target"].with_user(self.manager)
        target = Target.create({"cycle_id": self.cycle.id, "kpi_id": self.won.id,
                                "user_id": self.user_a.id, "target_value": 5})
        self.assertEqual(target.team_id, self.team_1)
        told = Target.create({"cycle_id": self.cycle.id, "kpi_id": self.won.id,
                              "user_id": self.user_c.id, "team_id": self.team_1.id,
                              "target_value": 5})
        self.assertEqual(told.team_id, self.team_1, "a team given is kept")
        form = Form(Target)
        form.cycle_id = self.cycle
        form.kpi_id = self.won
        form.user_id = self.user_b
        self.assertEqual(form.team_id, self.team_1)

    def test_manager_without_email_sets_targets(self):
        self.manager.partner_id.email = False
        target = self.env["sales.assessment.target"].with_user(self.manager).create({
            "cycle_id": self.cycle.id, "kpi_id": self.won.id, "user_id": self.user_a.id,
            "target_value": 7})
        note = target.message_ids.filtered(lambda m: "Target set to" in (m.body or ""))
        self.assertEqual(note.author_id, self.manager.partner_id)
        self.assertEqual(target.currency_id, self.company.currency_id)
