import base64
import io
from collections import defaultdict

import xlsxwriter
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

COMMITTED = ("to_approve", "approved", "done")
SETTLED = ("refused", "cancel")


class SalesAssessmentCycle(models.Model):
    """Adds reward proposals, generated when the cycle closes, bonus budgets
    per scorecard and the payout export."""

    _inherit = "sales.assessment.cycle"

    reward_ids = fields.One2many("sales.assessment.reward", "cycle_id", string="Rewards")
    reward_count = fields.Integer(compute="_compute_reward_count")
    reward_budget_ids = fields.One2many(
        "sales.assessment.reward.budget", "cycle_id", string="Bonus Budgets"
    )
    reward_scale_factor = fields.Float(
        string="Bonus Scaling Factor", compute="_compute_reward_scale_factor",
        digits=(16, 6),
        help="Smallest factor applied to the bonuses of a scorecard to fit its budget.",
    )

    def _compute_reward_count(self):
        counts = dict(self.env["sales.assessment.reward"]._read_group(
            [("cycle_id", "in", self.ids)], ["cycle_id"], ["__count"]
        ))
        for cycle in self:
            cycle.reward_count = counts.get(cycle, 0)

    @api.depends("reward_budget_ids.scale_factor")
    def _compute_reward_scale_factor(self):
        for cycle in self:
            cycle.reward_scale_factor = min(
                cycle.reward_budget_ids.mapped("scale_factor") or [1.0]
            )

    def action_view_rewards(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_assessment_reward.sales_assessment_reward_action"
        )
        action["domain"] = [("cycle_id", "in", self.ids)]
        action["context"] = {"search_default_group_state": 1}
        return action

    # ------------------------------------------------------------------
    # Generation at close
    # ------------------------------------------------------------------

    def _action_close(self):
        result = super()._action_close()
        self._generate_rewards()
        return result

    def _generate_rewards(self):
        """Turn the published evaluations into proposals, set-based: the
        number of queries does not grow with the number of evaluations.

        Draft proposals are regenerated. Committed ones (to approve, approved,
        paid) are never changed: a difference proposal corrects them. Refused
        and cancelled ones stand."""
        # sudo: proposals are system-generated; the close checked the rights
        Reward = self.env["sales.assessment.reward"].sudo().with_context(
            tracking_disable=True, mail_create_nolog=True, reward_generation=True
        )
        rules = self._get_reward_rules()
        if not rules:
            return
        evaluations = self.evaluation_ids.sudo().filtered("user_id")
        facts = self._get_reward_facts(evaluations, rules)
        amounts = self._match_reward_rules(evaluations, rules, facts)
        factors = self._apply_reward_budgets(amounts, evaluations, rules)
        existing = Reward.search([("evaluation_id", "in", evaluations.ids)])
        drafts = existing.filtered(lambda r: r.state == "draft")
        drafts.unlink()
        vals_list = self._prepare_reward_vals_list(amounts, factors, existing - drafts, rules)
        rewards = Reward.create(vals_list)
        self._post_reward_generation_notes(rewards)

    @api.model
    def _demo_generate_rewards(self):
        """Demo data: proposals for the cycles closed before this addon was
        installed, submitted for approval."""
        cycles = self.search([("state", "=", "closed"), ("reward_ids", "=", False)])
        cycles._generate_rewards()
        cycles.reward_ids.filtered(lambda r: r.state == "draft").action_submit()

    def _get_reward_rules(self):
        """The active rules that may apply to the cycles' scorecards, from a
        registry cache: a close with no applicable rule costs no query."""
        Rule = self.env["sales.assessment.reward.rule"].sudo()
        rule_ids = set()
        for cycle in self:
            templates = set(cycle.template_ids.ids)
            rule_ids.update(
                rule_id
                for rule_id, template_ids in Rule._get_rule_templates(cycle.company_id.id)
                if not template_ids or templates & set(template_ids)
            )
        return Rule.browse(sorted(rule_ids)).sorted(lambda r: (r.sequence, r.id))

    def _get_reward_facts(self, evaluations, rules):
        """{evaluation_id: facts} as ``reward.rule._matches`` reads them, from
        one grouped query over the KPI lines the rules look at."""
        kpis = defaultdict(dict)
        groups = self.env["sales.assessment.evaluation.line"].sudo()._read_group(
            [("evaluation_id", "in", evaluations.ids), ("kpi_id", "in", rules.kpi_id.ids)],
            ["evaluation_id", "kpi_id"],
            ["actual_value:sum", "achievement:sum"],
        )
        for evaluation, kpi, actual, achievement in groups:
            kpis[evaluation.id][kpi.id] = (actual, achievement)
        return {
            ev.id: {
                "template_id": ev.template_id.id,
                "grade_id": ev.grade_id.id,
                "total_score": ev.total_score,
                "rank": ev.rank,
                "team_rank": ev.team_rank,
                "kpis": kpis[ev.id],
            }
            for ev in evaluations
        }

    def _match_reward_rules(self, evaluations, rules, facts):
        """{(evaluation_id, rule_id): signed amount} of the rules that match,
        in sequence, until a matching rule says stop."""
        amounts = {}
        for evaluation in evaluations:
            ev_facts = facts[evaluation.id]
            for rule in rules.filtered(lambda r, ev=evaluation: r.company_id == ev.company_id):
                if not rule._matches(ev_facts):
                    continue
                amounts[(evaluation.id, rule.id)] = rule._get_reward_amount(ev_facts)
                if rule.stop:
                    break
        return amounts

    def _apply_reward_budgets(self, amounts, evaluations, rules):
        """Scale the bonuses of each (cycle, scorecard) having a budget, in
        place; return {(evaluation_id, rule_id): factor} of scaled ones."""
        bonus_rules = set(rules.filtered(lambda r: r.reward_type == "bonus").ids)
        by_budget = defaultdict(dict)
        budgets = {(b.cycle_id.id, b.template_id.id): b for b in self.reward_budget_ids}
        for evaluation in evaluations:
            budget = budgets.get((evaluation.cycle_id.id, evaluation.template_id.id))
            if not budget:
                continue
            for rule_id in bonus_rules:
                key = (evaluation.id, rule_id)
                if amounts.get(key, 0.0) > 0:
                    by_budget[budget][key] = amounts[key]
        factors = {}
        for budget in budgets.values():
            bonuses = by_budget.get(budget, {})
            scaled, factor = budget._scale(bonuses)
            amounts.update(scaled)
            budget.sudo().write({"bonus_total": sum(bonuses.values()), "scale_factor": factor})
            if factor < 1:
                factors.update(dict.fromkeys(scaled, factor))
                budget.cycle_id.message_post(
                    body=_(
                        "Bonuses of %(template)s (%(total)s) exceed the budget of "
                        "%(budget)s: scaled by a factor of %(factor)s.",
                        template=budget.template_id.name,
                        total=sum(bonuses.values()),
                        budget=budget.amount,
                        factor=round(factor, 6),
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return factors

    def _prepare_reward_vals_list(self, amounts, factors, kept, rules):
        committed = defaultdict(lambda: self.env["sales.assessment.reward"])
        settled = set()
        for reward in kept:
            key = (reward.evaluation_id.id, reward.rule_id.id)
            if reward.state in COMMITTED:
                committed[key] |= reward
            elif reward.state in SETTLED:
                settled.add(key)
        rules_by_id = {rule.id: rule for rule in rules}
        vals_list = []
        for key in list(amounts) + [k for k in committed if k not in amounts]:
            rule = rules_by_id.get(key[1])
            if not rule:
                continue
            if key in committed:
                vals = self._prepare_difference_vals(key, rule, amounts.get(key, 0.0),
                                                     committed[key])
            elif key in settled:
                vals = None
            else:
                vals = self._prepare_reward_vals(key, rule, amounts[key], factors.get(key))
            if vals:
                vals_list.append(vals)
        return vals_list

    def _prepare_reward_vals(self, key, rule, amount, factor):
        return {
            "evaluation_id": key[0],
            "rule_id": rule.id,
            "amount": amount,
            "scale_factor": factor or 1.0,
            "description": rule.name,
        }

    def _prepare_difference_vals(self, key, rule, amount, committed):
        """A proposal for the difference between the new amount and what was
        committed already; None when nothing changed or nothing is monetary."""
        currency = committed[:1].currency_id
        difference = currency.round(amount - sum(committed.mapped("amount")))
        if not rule.is_monetary or currency.is_zero(difference):
            return None
        origin = committed.sorted("id")[:1]
        return {
            "evaluation_id": key[0],
            "rule_id": rule.id,
            "amount": difference,
            "origin_id": origin.id,
            "committed_amount": sum(committed.mapped("amount")),
            "description": _("%(rule)s (difference)", rule=rule.name),
        }

    def _post_reward_generation_notes(self, rewards):
        """Say in the chatter why a proposal was scaled or corrects another,
        with one batch of messages."""
        note = self.env.ref("mail.mt_note")
        author = self.env.user.partner_id
        # given, not derived per message: mail.message would query for each
        common = {
            "model": rewards._name, "message_type": "notification", "subtype_id": note.id,
            "author_id": author.id, "email_from": author.email_formatted,
            "reply_to": author.email_formatted,
        }
        vals_list = []
        for reward in rewards:
            if reward.origin_id:
                body = _(
                    "The cycle was reopened and closed again: %(origin)s (%(old)s) "
                    "becomes %(new)s, this proposal brings the difference of %(diff)s.",
                    origin=reward.origin_id.description,
                    old=reward.committed_amount,
                    new=reward.committed_amount + reward.amount,
                    diff=reward.amount,
                )
            elif reward.scale_factor < 1:
                body = _(
                    "Scaled by a factor of %(factor)s to fit the bonus budget of the "
                    "scorecard in this cycle.",
                    factor=round(reward.scale_factor, 6),
                )
            else:
                continue
            vals_list.append(dict(common, res_id=reward.id, body=body,
                                  record_name=reward.description))
            if reward.origin_id:
                vals_list.append(dict(common, res_id=reward.origin_id.id, body=body,
                                      record_name=reward.origin_id.description))
        if vals_list:
            self.env["mail.message"].sudo().create(vals_list)

    # ------------------------------------------------------------------
    # Payout export
    # ------------------------------------------------------------------

    def action_export_rewards(self):
        """Export the approved, unpaid proposals for payroll, mark them paid
        with the export as reference, and attach the workbook to the cycle."""
        self.ensure_one()
        rewards = self.reward_ids.filtered(lambda r: r.state == "approved")
        rewards._check_manager()
        if not rewards:
            raise UserError(
                _("Cycle %(name)s has no approved proposal left to pay.", name=self.name)
            )
        name = _("Payout %(cycle)s %(date)s.xlsx", cycle=self.name,
                 date=fields.Date.context_today(self))
        attachment = self.env["ir.attachment"].create({
            "name": name,
            "datas": base64.b64encode(self._build_payout_xlsx(rewards)),
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        })
        rewards.write({"payout_reference": name})
        rewards.action_done()
        self.message_post(
            body=_("%(count)s proposals exported for payroll and marked paid.",
                   count=len(rewards)),
            attachment_ids=attachment.ids,
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

    def _get_payout_rows(self, rewards):
        """[(user, reward_type label, count, amount)], one per salesperson and type."""
        types = dict(rewards._fields["reward_type"]._description_selection(self.env))
        totals = defaultdict(lambda: [0, 0.0])
        for reward in rewards:
            row = totals[(reward.user_id, reward.reward_type)]
            row[0] += 1
            row[1] += reward.amount
        return [
            (user, types[reward_type], count, amount)
            for (user, reward_type), (count, amount) in sorted(
                totals.items(), key=lambda item: (item[0][0].name, item[0][1])
            )
        ]

    def _build_payout_xlsx(self, rewards):
        currency = self.currency_id
        stream = io.BytesIO()
        workbook = xlsxwriter.Workbook(stream, {"in_memory": True})
        sheet = workbook.add_worksheet(_("Payout"))
        bold = workbook.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
        decimals = "0." + "0" * currency.decimal_places if currency.decimal_places else "0"
        symbol = currency.symbol.replace('"', "")
        number = (f'"{symbol}" #,##{decimals};[Red]-"{symbol}" #,##{decimals}'
                  if currency.position == "before"
                  else f'#,##{decimals} "{symbol}";[Red]-#,##{decimals} "{symbol}"')
        money = workbook.add_format({"num_format": number})
        money_total = workbook.add_format({"num_format": number, "bold": True, "top": 1})
        headers = [_("Employee"), _("Login"), _("Type"), _("Proposals"),
                   _("Amount (%(currency)s)", currency=currency.name)]
        for col, header in enumerate(headers):
            sheet.write(0, col, header, bold)
        rows = self._get_payout_rows(rewards)
        for index, (user, type_label, count, amount) in enumerate(rows, start=1):
            sheet.write(index, 0, user.name)
            sheet.write(index, 1, user.login)
            sheet.write(index, 2, type_label)
            sheet.write_number(index, 3, count)
            sheet.write_number(index, 4, currency.round(amount), money)
        total_row = len(rows) + 1
        sheet.write(total_row, 0, _("Total"), bold)
        sheet.write_number(total_row, 3, sum(r[2] for r in rows))
        sheet.write_number(total_row, 4, currency.round(sum(r[3] for r in rows)), money_total)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, 2, 24)
        sheet.set_column(3, 4, 16)
        workbook.close()
        return stream.getvalue()
