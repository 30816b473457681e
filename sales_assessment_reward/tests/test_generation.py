from odoo.tests import tagged

from .common import RewardCase


@tagged("post_install", "-at_install")
class TestRewardGeneration(RewardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.grade_a_bonus = cls.make_rule(
            "Grade A bonus", sequence=10, grade_ids=[(6, 0, cls.grade["a"].ids)],
            reward_type="bonus", amount=500,
        )
        cls.top_2 = cls.make_rule(
            "Top 2 per point", sequence=20, rank_top=2, min_score=60,
            reward_type="bonus", amount_type="per_point", amount=10, amount_cap=300,
        )
        cls.kpi_star = cls.make_rule(
            "Satisfaction star", sequence=30, kpi_id=cls.satisfaction.id,
            min_achievement=90, reward_type="recognition", stop=True,
        )
        cls.training = cls.make_rule("Training", sequence=40, reward_type="training")
        cls.team_penalty = cls.make_rule(
            "Team first but low", sequence=50, rank_top=1, rank_scope="team",
            max_score=50, reward_type="penalty", amount=100,
        )
        cls.percent = cls.make_rule(
            "Ten percent", sequence=60, min_score=65, reward_type="bonus",
            amount_type="percent_of_kpi", kpi_id=cls.satisfaction.id, amount=10,
        )
        cls.other_template = cls.make_template([(cls.satisfaction, 100, {})])
        cls.make_rule("Other scorecard", template_ids=[(6, 0, cls.other_template.ids)],
                      reward_type="bonus", amount=1)
        cls.scores = {cls.user_a: 95.0, cls.user_b: 70.0, cls.user_c: 40.0}

    def expected(self):
        return sorted([
            ("sa_user_a", "Grade A bonus", 500.0),
            ("sa_user_a", "Top 2 per point", 300.0),  # 35 points x 10, capped
            ("sa_user_a", "Satisfaction star", 0.0),  # stop: no training, no percent
            ("sa_user_b", "Top 2 per point", 100.0),  # 10 points x 10
            ("sa_user_b", "Training", 0.0),
            ("sa_user_b", "Ten percent", 7.0),  # 10 % of 70
            ("sa_user_c", "Training", 0.0),
            ("sa_user_c", "Team first but low", -100.0),  # penalties are negative
        ])

    def test_close_generates_what_the_rules_imply(self):
        cycle = self.closed_cycle(self.scores)
        self.assertEqual(self.proposals(cycle), self.expected())
        self.assertEqual(set(cycle.reward_ids.mapped("state")), {"draft"})
        self.assertEqual(cycle.reward_count, 8)
        evaluation = self.evaluation(cycle, self.user_a)
        self.assertEqual(evaluation.reward_count, 3)
        self.assertEqual(self.reward(cycle, self.user_a, self.kpi_star).reward_type,
                         "recognition")

    def test_close_again_makes_no_duplicates(self):
        cycle = self.closed_cycle(self.scores)
        cycle.with_user(self.manager).with_context(reopen_reason="Check").action_reopen()
        cycle.with_user(self.manager).action_close()
        self.assertEqual(self.proposals(cycle), self.expected())

    def test_reclose_regenerates_drafts_and_corrects_approved_ones(self):
        cycle = self.closed_cycle(self.scores)
        top_b = self.reward(cycle, self.user_b, self.top_2)
        top_b.with_user(self.leader).action_submit()
        top_b.with_user(self.leader).action_approve()
        self.assertEqual(top_b.state, "approved")
        cycle.with_user(self.manager).with_context(reopen_reason="Target fix").action_reopen()
        target = cycle.target_ids.filtered(lambda t: t.user_id == self.user_b)
        target.target_value = 80.0  # 70 / 80: score 87.5, grade B
        cycle.with_user(self.manager).action_close()
        self.assertEqual(top_b.amount, 100.0, "an approved proposal is never changed")
        difference = top_b.difference_ids
        self.assertEqual(len(difference), 1)
        self.assertEqual(difference.amount, 175.0)  # 27.5 points x 10 = 275, minus 100
        self.assertEqual(difference.state, "draft")
        self.assertIn("difference of", difference.message_ids[:1].body)
        self.assertIn("difference of", top_b.message_ids[:1].body)
        # drafts were regenerated with the new score: 10 % of 70 unchanged, training kept
        self.assertEqual(
            len(cycle.reward_ids.filtered(lambda r: r.user_id == self.user_b)), 4
        )
        # closing again without change adds nothing more
        cycle.with_user(self.manager).with_context(reopen_reason="Again").action_reopen()
        cycle.with_user(self.manager).action_close()
        self.assertEqual(len(top_b.difference_ids), 1)

    def test_refused_proposals_are_not_proposed_again(self):
        cycle = self.closed_cycle(self.scores)
        penalty = self.reward(cycle, self.user_c, self.team_penalty)
        penalty.with_user(self.leader_2).action_submit()
        penalty.with_user(self.leader_2)._do_refuse("Customer churn was not his fault")
        cycle.with_user(self.manager).with_context(reopen_reason="Check").action_reopen()
        cycle.with_user(self.manager).action_close()
        self.assertEqual(
            cycle.reward_ids.filtered(lambda r: r.rule_id == self.team_penalty), penalty
        )

    def test_evaluation_without_any_target_gets_no_reward(self):
        # Cid has no target: no total, grade or rank, so no rule applies (not
        # even "Training", which has no condition)
        cycle = self.open_cycle({self.user_a: 95.0, self.user_b: 70.0})
        self.line(cycle, self.user_c, self.satisfaction).manual_value = 40.0
        cycle.with_user(self.manager).action_close()
        self.assertFalse(self.evaluation(cycle, self.user_c).has_target)
        self.assertFalse(cycle.reward_ids.filtered(lambda r: r.user_id == self.user_c))
        self.assertTrue(cycle.reward_ids.filtered(lambda r: r.user_id == self.user_b))

    def test_committed_reward_of_an_evaluation_that_lost_its_targets_is_cancelled_out(self):
        cycle = self.closed_cycle(self.scores)
        top_b = self.reward(cycle, self.user_b, self.top_2)
        top_b.with_user(self.leader).action_submit()
        top_b.with_user(self.leader).action_approve()
        cycle.with_user(self.manager).with_context(reopen_reason="No target").action_reopen()
        cycle.target_ids.filtered(lambda t: t.user_id == self.user_b).unlink()
        cycle.with_user(self.manager).action_close()
        self.assertFalse(self.evaluation(cycle, self.user_b).has_target)
        self.assertEqual(top_b.difference_ids.amount, -100.0)
        others = cycle.reward_ids.filtered(lambda r: r.user_id == self.user_b) \
            - top_b - top_b.difference_ids
        self.assertFalse(others, "no new proposal for an evaluation without target")
