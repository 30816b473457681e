import logging

from odoo import _, models
from odoo.tools.misc import format_amount

from odoo.addons.sales_assessment.tools import webhooks

_logger = logging.getLogger(__name__)


class SalesAssessmentWebhook(models.Model):
    """Robots also push the KPIs that turn off track at a refresh of an open
    cycle (``notify_pacing``): the pacing is this addon's."""

    _inherit = "sales.assessment.webhook"

    def _queue_pacing(self, cycle, turned):
        """Queue, for each robot of ``cycle``'s company pushing pacing alerts,
        one message listing the KPIs of its teams that turned off track.

        :param turned: [(``LineRow``, its new figures)] of the lines that
            turned off track, in the refresh's order
        :return: the messages queued; none when something fails: a robot
            problem is logged, never raised into the refresh that found it
        """
        try:
            with self.env.cr.savepoint():
                return self._queue(self._prepare_pacing_vals_list(cycle, turned))
        except Exception:  # a robot must never make a refresh fail
            _logger.warning("Off-track alerts of cycle %s not queued", cycle.id, exc_info=True)
            return self.env["sales.assessment.webhook.message"]

    def _prepare_pacing_vals_list(self, cycle, turned):
        """The message of each robot covering at least one of the teams of
        ``turned``, in a few queries whatever their number."""
        robots = self._find_robots(cycle.company_id, "notify_pacing")
        if not robots:
            return []
        # sudo: the names go to the robot's chat group, whoever refreshed
        evaluations = self.env["sales.assessment.evaluation"].sudo().browse(
            [row.evaluation_id for row, _vals in turned])
        kpis = self.env["sales.assessment.kpi"].sudo().browse(
            [row.kpi_id for row, _vals in turned])
        items = [
            (evaluation, kpi, vals)
            for evaluation, kpi, (_row, vals) in zip(evaluations, kpis, turned)
        ]
        vals_list = []
        for robot in robots:
            concerned = [item for item in items if robot._covers(item[0].team_id)]
            if concerned:
                vals_list.append(robot._prepare_pacing_vals(cycle, concerned))
        return vals_list

    def _prepare_pacing_vals(self, cycle, items):
        """The off-track alert of ``cycle`` for this robot: per team, each
        salesperson (or team) and KPI, its achievement against the expected
        one and, for a monetary KPI unless the company hides amounts, its
        actual and target.

        :param items: [(evaluation, kpi, new line figures)]
        """
        title = _("Off track in %(cycle)s", cycle=cycle.name)
        # the figures are in the company's currency; None: no money shown
        currency = None if self._hides_amounts() else cycle.company_id.currency_id
        lines = []
        for team in dict.fromkeys(evaluation.team_id for evaluation, _kpi, _vals in items):
            if lines:
                lines.append("")
            lines.append(f"**{webhooks.escape_markdown(team.name)}**")
            lines += [
                self._pacing_line(evaluation, kpi, vals, currency)
                for evaluation, kpi, vals in items if evaluation.team_id == team
            ]
        return self._prepare_message_vals("pacing", title, lines)

    def _pacing_line(self, evaluation, kpi, vals, currency):
        esc = webhooks.escape_markdown
        values = {
            "name": esc((evaluation.user_id or evaluation.team_id).name),
            "kpi": esc(kpi.name),
            "achievement": f"{vals['achievement']:.1f}",
            "expected": f"{vals['expected_achievement']:.1f}",
        }
        if not currency or kpi.unit != "monetary":
            return _("- %(name)s, %(kpi)s: %(achievement)s %% achieved, %(expected)s %% "
                     "expected by now", **values)
        return _(
            "- %(name)s, %(kpi)s: %(actual)s of %(target)s, %(achievement)s %% achieved, "
            "%(expected)s %% expected by now",
            actual=esc(format_amount(self.env, vals["actual_value"], currency)),
            target=esc(format_amount(self.env, vals["target_value"], currency)),
            **values)
