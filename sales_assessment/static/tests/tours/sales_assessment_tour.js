import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_assessment_my_evaluation", {
    url: "/odoo/action-sales_assessment.sales_assessment_evaluation_action",
    steps: () => [
        {
            content: "Open my evaluation from the kanban",
            trigger: ".o_kanban_record:contains(SA Tour Cycle)",
            run: "click",
        },
        {
            content: "The score is shown",
            trigger: ".o_form_view .o_field_widget[name=total_score]:contains(50.00)",
        },
        {
            content: "Open the records behind the revenue",
            trigger: ".o_data_row:contains(Revenue Ordered) button[name=action_view_sources]",
            run: "click",
        },
        {
            content: "Exactly the counted order is listed",
            trigger: ".o_data_row:contains(SA Tour Customer)",
        },
    ],
});
