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
            // a list row on a desktop, a card on a phone
            trigger: ".o_data_row:contains(Revenue Ordered) button[name=action_view_sources], .o_kanban_record:contains(Revenue Ordered) button[name=action_view_sources]",
            run: "click",
        },
        {
            content: "Exactly the counted order is listed",
            trigger: ".o_data_row:contains(SA Tour Customer)",
        },
    ],
});

registry.category("web_tour.tours").add("sales_assessment_open_settings", {
    url: "/odoo/action-sales_assessment.sales_assessment_cycle_action",
    steps: () => [
        {
            content: "Open the app's configuration menu",
            trigger: ".o_main_navbar button:contains(Configuration)",
            run: "click",
        },
        {
            content: "Open the settings from the app",
            trigger: ".dropdown-item:contains(Settings)",
            run: "click",
        },
        {
            content: "The settings open on the app's own section",
            trigger: ".settings_tab .tab[data-key=sales_assessment].selected",
        },
        {
            content: "The grace days can be set",
            trigger: ".app_settings_block[data-key=sales_assessment] #sales_assessment_grace_days input",
            run: "edit 5",
        },
        {
            content: "Search finds the section by its name",
            trigger: ".o_control_panel .o_searchview_input",
            run: "edit Assessment",
        },
        {
            content: "The section is still shown",
            trigger: ".app_settings_block[data-key=sales_assessment]:not(.d-none) #sales_assessment_grace_days",
        },
    ],
});
