import subprocess
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import SalesAssessmentCase

REPORT = "sales_assessment.action_report_evaluation_statement"
REPORT_NAME = "sales_assessment.report_evaluation_statement"


def pdf_text(content):
    """The text of a PDF, as ``pdftotext`` reads it (poppler-utils)."""
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True,
    ).stdout.decode()


class StatementCase(SalesAssessmentCase):
    """A closed cycle on revenue ordered (60) and a manual satisfaction score
    (40): Ann ordered 1,500.00 of a 1,000.00 target and scored 80 of 100
    (targets acknowledged on 10 January), Bob 500.00 of 2,000.00 and 50."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.kpi("revenue_ordered")
        cls.satisfaction = cls.kpi("customer_satisfaction")
        cls.template = cls.make_template([
            (cls.revenue, 60, {"cap_achievement": 150}),
            (cls.satisfaction, 40, {"cap_achievement": 150}),
        ])
        cls.make_order(cls.user_a, cls.customers[0], 1500.0, date(2025, 2, 3))
        cls.make_order(cls.user_b, cls.customers[1], 500.0, date(2025, 2, 4))
        cls.cycle = cls.make_cycle(cls.template)
        Target = cls.env["sales.assessment.target"]
        Target.create([
            {"cycle_id": cls.cycle.id, "kpi_id": kpi.id, "user_id": user.id, "target_value": value}
            for kpi, user, value in ((cls.revenue, cls.user_a, 1000.0),
                                     (cls.revenue, cls.user_b, 2000.0),
                                     (cls.satisfaction, cls.user_a, 100.0),
                                     (cls.satisfaction, cls.user_b, 100.0))
        ])
        cls.cycle.with_user(cls.manager).action_open()
        cls.eval_a = cls.cycle.evaluation_ids.filtered(lambda e: e.user_id == cls.user_a)
        cls.eval_b = cls.cycle.evaluation_ids.filtered(lambda e: e.user_id == cls.user_b)
        for evaluation, value in ((cls.eval_a, 80.0), (cls.eval_b, 50.0)):
            evaluation.line_ids.filtered(
                lambda ln: ln.kpi_id == cls.satisfaction).manual_value = value
        with freeze_time("2025-01-10 09:30:00"):
            cls.eval_a.with_user(cls.user_a).action_acknowledge_targets()
        with freeze_time("2025-04-01 08:00:00"):
            cls.cycle.with_user(cls.manager).action_close()

    def render(self, evaluation, user):
        """The statement's PDF as ``user`` prints it (a real PDF, not the
        HTML Odoo renders in tests by default)."""
        Report = self.env["ir.actions.report"].with_user(user).with_context(
            force_report_rendering=True)
        content, report_type = Report._render_qweb_pdf(REPORT, evaluation.ids)
        self.assertEqual(report_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        return content

    def notify(self):
        """What the notification cron does, for this cycle's results only."""
        evaluations = self.cycle.evaluation_ids.filtered(
            lambda e: e.state == "published" and not e.notified)
        self.assertEqual(evaluations, self.eval_a | self.eval_b)
        evaluations.with_context(force_report_rendering=True)._notify_published()

    def result_message(self, evaluation):
        """The chatter message of the result (the mail of an inbox user is another)."""
        return evaluation.message_ids.filtered(
            lambda m: m.message_type == "notification"
            and evaluation.user_id.partner_id in m.partner_ids)


@tagged("post_install", "-at_install")
class TestStatement(StatementCase):

    def test_statement_holds_every_figure(self):
        self.assertEqual(self.eval_a.rank, 1)
        text = pdf_text(self.render(self.eval_a, self.user_a))
        self.assertIn("Ann Seller", text)
        self.assertIn(self.cycle.name, text)
        for line in self.eval_a.line_ids:
            self.assertIn(line.kpi_id.name, text)
            self.assertIn(f"{line.weighted_score:.2f}", text)
            self.assertIn(f"{line.score:.2f}", text)
        # in the KPI's unit: the amounts in the company's currency
        revenue_row = next(row for row in text.splitlines() if "Revenue Ordered" in row)
        self.assertIn("1,000.00", revenue_row)
        self.assertIn("1,500.00", revenue_row)
        self.assertIn(self.company.currency_id.symbol, revenue_row)
        self.assertIn("150.00 %", revenue_row)  # achievement
        self.assertIn("60.00 %", revenue_row)  # weight
        satisfaction_row = next(
            row for row in text.splitlines() if "Customer Satisfaction" in row)
        self.assertIn("80.00", satisfaction_row)
        self.assertIn("100.00", satisfaction_row)
        total_row = next(row for row in text.splitlines() if "Total Score" in row)
        self.assertIn(f"{self.eval_a.total_score:.2f}", total_row)
        grade_row = next(row for row in text.splitlines() if row.strip().startswith("Grade"))
        self.assertIn(self.eval_a.grade_id.name, grade_row)
        rank_row = next(row for row in text.splitlines() if row.strip().startswith("Rank"))
        self.assertIn("#1", rank_row)
        targets_row = next(row for row in text.splitlines() if "Targets Acknowledged" in row)
        self.assertIn("01/10/2025", targets_row)
        result_row = next(row for row in text.splitlines() if "Result Acknowledged" in row)
        self.assertIn("Not acknowledged", result_row)

    def test_leader_reads_the_statement_of_their_team(self):
        self.assertIn("Ann Seller", pdf_text(self.render(self.eval_a, self.leader)))

    def test_other_salesperson_cannot_render_it(self):
        Report = self.env["ir.actions.report"].with_user(self.user_b).with_context(
            force_report_rendering=True)
        with self.assertRaises(AccessError):
            Report._render_qweb_pdf(REPORT, self.eval_a.ids)
        with self.assertRaises(AccessError):
            Report._render_qweb_pdf(REPORT, (self.eval_b | self.eval_a).ids)

    def test_results_mail_carries_the_statement_when_set(self):
        self.company.sales_assessment_statement_in_mail = True
        self.user_b.notification_type = "inbox"  # mailed by the template, not the chatter
        self.notify()
        for evaluation in self.eval_a | self.eval_b:
            message = self.result_message(evaluation)
            self.assertEqual(len(message), 1)
            attachment = message.attachment_ids
            self.assertEqual(len(attachment), 1)
            self.assertEqual(attachment.mimetype, "application/pdf")
            # attached to the evaluation: read by whoever reads the evaluation
            self.assertEqual((attachment.res_model, attachment.res_id),
                             (evaluation._name, evaluation.id))
            text = pdf_text(attachment.raw)
            self.assertIn(evaluation.user_id.name, text)
            self.assertIn(f"{evaluation.total_score:.2f}", text)
        mail = self.env["mail.mail"].sudo().search([
            ("model", "=", self.eval_b._name), ("res_id", "=", self.eval_b.id)])
        self.assertEqual(mail.attachment_ids, self.result_message(self.eval_b).attachment_ids)
        with self.assertRaises(AccessError):
            self.result_message(self.eval_a).attachment_ids.with_user(self.user_b).raw  # noqa: B018

    def test_statement_in_the_salespersons_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.user_a.lang = "fr_FR"
        self.company.sales_assessment_statement_in_mail = True
        self.notify()
        text = pdf_text(self.result_message(self.eval_a).attachment_ids.raw)
        # French dates: day first
        targets_row = next(row for row in text.splitlines() if "10/01/2025" in row)
        self.assertTrue(targets_row)
        # the reader's language otherwise
        self.assertIn("01/10/2025", pdf_text(self.render(self.eval_a, self.manager)))

    def test_no_statement_when_not_set(self):
        self.assertFalse(self.company.sales_assessment_statement_in_mail)
        Report = self.registry["ir.actions.report"]
        with patch.object(Report, "_render_qweb_pdf_prepare_streams",
                          side_effect=AssertionError("no PDF is rendered")):
            self.notify()
        message = self.result_message(self.eval_a)
        self.assertEqual(len(message), 1)
        self.assertFalse(message.attachment_ids)

    def test_setting_in_settings(self):
        settings = self.env["res.config.settings"].create({
            "sales_assessment_statement_in_mail": True})
        settings.execute()
        self.assertTrue(self.company.sales_assessment_statement_in_mail)


@tagged("post_install", "-at_install")
class TestStatementHttp(StatementCase, HttpCase):
    """Over HTTP, another salesperson gets neither the statement nor the
    copy the results mail attached to the evaluation."""

    def url(self, evaluation):
        return f"/report/pdf/{REPORT_NAME}/{evaluation.id}"

    def test_report_route_refuses_another_salesperson(self):
        self.authenticate("sa_user_a", "sa_user_a")
        response = self.url_open(self.url(self.eval_a))
        self.assertEqual(response.status_code, 200)
        # in tests the route renders HTML unless asked for a real PDF
        self.assertIn(b"Revenue Ordered", response.content)
        self.authenticate("sa_user_b", "sa_user_b")
        with mute_logger("odoo.http"):
            response = self.url_open(self.url(self.eval_a))
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(b"Revenue Ordered", response.content)
        self.assertNotIn(b"%PDF", response.content[:8])

    def test_attachment_refused_to_another_salesperson(self):
        self.company.sales_assessment_statement_in_mail = True
        self.notify()
        attachment = self.result_message(self.eval_a).attachment_ids
        self.assertTrue(attachment)
        self.authenticate("sa_user_a", "sa_user_a")
        response = self.url_open(f"/web/content/{attachment.id}")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"))
        self.authenticate("sa_user_b", "sa_user_b")
        with mute_logger("odoo.http"):
            response = self.url_open(f"/web/content/{attachment.id}")
        self.assertNotEqual(response.status_code, 200)
        self.assertFalse(response.content.startswith(b"%PDF"))
