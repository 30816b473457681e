from odoo.api import call_kw
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.sales_assessment.tests.common import FiniteNumbersMixin

from .common import RewardCase

LIMIT = 1e12
RULE_NUMBERS = ("min_score", "max_score", "min_achievement", "amount", "amount_cap",
                "rank_top")


@tagged("post_install", "-at_install")
class TestRewardFiniteNumbers(FiniteNumbersMixin, RewardCase):
    """Amounts, caps, score and rank conditions of rules, budgets and the
    approval threshold are finite and at most 1e12 in size: NaN, ±infinity,
    1e308 and 1e13 are refused with a ValidationError naming the field, on
    create and on write, by the managers who type them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.cycle = cls.make_cycle(cls.template)
        cls.rule = cls.make_rule("SA Numbers", reward_type="bonus", amount=100)
        cls.budget = cls.env["sales.assessment.reward.budget"].create({
            "cycle_id": cls.cycle.id, "template_id": cls.template.id, "amount": 500,
        })

    def new_rule(self, **values):
        return self.Rule.with_user(self.manager).create(dict({
            "name": "SA New", "reward_type": "bonus", "kpi_id": self.satisfaction.id,
        }, **values))

    def test_rule_create(self):
        for fname in RULE_NUMBERS:
            self.assertRefused(self.Rule._name, fname,
                               lambda value, f=fname: self.new_rule(**{f: value}))
        rule = self.new_rule(min_score=LIMIT, max_score=LIMIT, min_achievement=LIMIT,
                             amount=LIMIT, amount_cap=LIMIT, rank_top=3)
        self.assertEqual((rule.min_score, rule.max_score, rule.min_achievement, rule.amount,
                          rule.amount_cap, rule.rank_top),
                         (LIMIT, LIMIT, LIMIT, LIMIT, LIMIT, 3))

    def test_rule_write(self):
        rule = self.rule.with_user(self.manager)
        for fname in RULE_NUMBERS:
            self.assertRefused(rule._name, fname, lambda value, f=fname: rule.write({f: value}))
        rule.write({"amount": LIMIT, "amount_cap": 250.5, "min_score": 60, "max_score": 99.5})
        self.assertEqual((rule.amount, rule.amount_cap, rule.min_score, rule.max_score),
                         (LIMIT, 250.5, 60, 99.5))

    def test_rule_over_api(self):
        for fname in RULE_NUMBERS:
            self.assertRefusedOverApi(self.rule, self.manager, fname)
        with self.assertRaisesRegex(ValidationError, "must be a number"):
            call_kw(self.Rule.with_user(self.manager), "create", [{
                "name": "SA Api", "reward_type": "bonus", "amount": float("nan"),
            }], {})

    # -- budgets

    def test_budget(self):
        Budget = self.env["sales.assessment.reward.budget"].with_user(self.manager)
        budget = self.budget.with_user(self.manager)
        other = self.make_template([(self.satisfaction, 100, {})])
        self.assertRefused(Budget._name, "amount", lambda value: Budget.create({
            "cycle_id": self.cycle.id, "template_id": other.id, "amount": value,
        }))
        self.assertRefused(Budget._name, "amount", lambda value: budget.write({"amount": value}))
        self.assertRefusedOverApi(self.budget, self.manager, "amount")
        budget.amount = LIMIT
        self.assertEqual(budget.amount, LIMIT)
        created = Budget.create({"cycle_id": self.cycle.id, "template_id": other.id,
                                 "amount": 1234.5})
        self.assertEqual(created.amount, 1234.5)

    # -- settings

    def test_company_threshold(self):
        company = self.company.with_user(self.admin)
        fname = "sales_assessment_reward_threshold"
        self.assertRefused("res.company", fname, lambda value: company.write({fname: value}))
        self.assertRefusedOverApi(self.company, self.admin, fname)
        company[fname] = LIMIT
        self.assertEqual(company[fname], LIMIT)

    def test_settings_threshold(self):
        Settings = self.env["res.config.settings"].with_user(self.admin)
        fname = "sales_assessment_reward_threshold"
        # the settings form sends its company with the values
        self.assertRefused(Settings._name, fname, lambda value: Settings.create(
            {"company_id": self.company.id, fname: value}))
        Settings.create({fname: 2500.0}).execute()
        self.assertEqual(self.company.sales_assessment_reward_threshold, 2500.0)
