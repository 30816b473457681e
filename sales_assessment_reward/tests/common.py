from odoo.tests import new_test_user

from odoo.addons.sales_assessment.tests.common import SalesAssessmentCase


class RewardCase(SalesAssessmentCase):
    """The core fixture plus a scorecard on one manual KPI (so that scores
    are set by hand), a leader for team 2 and a reward approval threshold.

    Team 1 (leader Lea): Ann and Bob; team 2 (leader Leo): Cid."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.satisfaction = cls.kpi("customer_satisfaction")
        cls.template = cls.make_template([(cls.satisfaction, 100, {"cap_achievement": 150})])
        cls.leader_2 = new_test_user(
            cls.env, "sa_leader_2",
            groups="sales_team.group_sale_salesman,"
            "sales_assessment.group_sales_assessment_team_leader",
            name="Leo Leader",
        )
        cls.manager_2 = new_test_user(
            cls.env, "sa_manager_2", groups="sales_team.group_sale_manager",
            name="Max Manager",
        )
        cls.team_2.user_id = cls.leader_2
        cls.company.sales_assessment_reward_threshold = 1000.0
        cls.Rule = cls.env["sales.assessment.reward.rule"]
        cls.approval_type = cls.env.ref("sales_assessment_reward.mail_act_reward_approval")
        cls.grade = {g: cls.env.ref(f"sales_assessment.grade_{g}") for g in "abcd"}

    @classmethod
    def make_rule(cls, name, **values):
        return cls.Rule.create(dict({
            "name": name, "template_ids": [(6, 0, cls.template.ids)],
        }, **values))

    def open_cycle(self, values, targets=None, **cycle_values):
        """An open cycle where each salesperson's score is ``values[user]``
        (satisfaction over a target of 100, unless ``targets`` says otherwise)."""
        cycle = self.make_cycle(self.template, **cycle_values)
        self.set_targets(cycle, self.satisfaction,
                         {user: (targets or {}).get(user, 100.0) for user in values})
        cycle.with_user(self.manager).action_open()
        for user, value in values.items():
            self.line(cycle, user, self.satisfaction).manual_value = value
        return cycle

    def closed_cycle(self, values, targets=None, **cycle_values):
        cycle = self.open_cycle(values, targets, **cycle_values)
        cycle.with_user(self.manager).action_close()
        return cycle

    def proposals(self, cycle, states=None):
        """{(user login, rule name, amount)} of the cycle's proposals."""
        rewards = cycle.reward_ids.filtered(lambda r: not states or r.state in states)
        return sorted((r.user_id.login, r.rule_id.name, r.amount) for r in rewards)

    def reward(self, cycle, user, rule):
        return cycle.reward_ids.filtered(
            lambda r: r.user_id == user and r.rule_id == rule and not r.origin_id
        )
