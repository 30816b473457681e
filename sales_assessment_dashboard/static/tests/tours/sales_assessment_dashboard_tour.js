import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_assessment_my_performance_phone", {
    url: "/odoo",
    steps: () => [
        {
            content: "Tap the menu",
            trigger: ".o_menu_toggle",
            run: "click",
        },
        {
            content: "Show all apps",
            trigger: ".o_sidebar_topbar a:contains(All Apps)",
            run: "click",
        },
        {
            content: "Tap My Performance",
            trigger: ".o_app_menu_sidebar .o_app[data-menu-xmlid='sales_assessment_dashboard.sales_assessment_my_performance_menu']",
            run: "click",
        },
        {
            content: "The cycle in progress comes first, under one header with its result",
            trigger: ".o_sa_my_performance .o_sa_evaluation_header:first:contains(SA Tour Open Cycle) .o_sa_header_score:contains(40.00)",
        },
        {
            content: "The header says how many KPIs lag",
            trigger: ".o_sa_evaluation_header:contains(SA Tour Open Cycle) .o_sa_header_pacing:contains(1 KPI at risk)",
        },
        {
            content: "The header says when the live figures were computed",
            trigger: ".o_sa_evaluation_header:contains(SA Tour Open Cycle) .o_sa_header_computed:contains(Figures as of):not(:contains(updating))",
        },
        {
            content: "A closed cycle's figures are final: no such line",
            trigger: ".o_sa_evaluation_header:contains(SA Tour Closed Cycle):not(:has(.o_sa_header_computed))",
        },
        {
            content: "The previous cycle's header shows its grade and rank",
            trigger: ".o_sa_evaluation_header:contains(SA Tour Closed Cycle) .o_sa_header_rank:contains(#1)",
        },
        {
            content: "Above the target, the achievement bar is full and green",
            trigger: ".o_kanban_record .o_sa_achievement_met:contains(120.0) .progress-bar.bg-success[style*='width: 100%']",
        },
        {
            content: "Below it, the bar is partly filled",
            trigger: ".o_kanban_record:first .o_sa_achievement:not(.o_sa_achievement_met) .progress-bar[style*='width: 40%']",
        },
        {
            content: "Tap the KPI card of the cycle in progress",
            trigger: ".o_sa_my_performance .o_kanban_record:first:contains(Revenue Ordered)",
            run: "click",
        },
        {
            content: "The evaluation opens with its KPIs as cards",
            trigger: ".o_form_view .o_field_widget[name=line_ids] .o_kanban_record:contains(Revenue Ordered) .o_sa_achievement",
        },
        {
            content: "The evaluation says how many KPIs lag",
            trigger: ".o_form_view .o_field_widget[name=pacing_label]:contains(1 KPI at risk)",
        },
    ],
});

registry.category("web_tour.tours").add("sales_assessment_acknowledge_targets_phone", {
    url: "/odoo",
    steps: () => [
        {
            content: "Tap the menu",
            trigger: ".o_menu_toggle",
            run: "click",
        },
        {
            content: "Show all apps",
            trigger: ".o_sidebar_topbar a:contains(All Apps)",
            run: "click",
        },
        {
            content: "Tap My Performance",
            trigger: ".o_app_menu_sidebar .o_app[data-menu-xmlid='sales_assessment_dashboard.sales_assessment_my_performance_menu']",
            run: "click",
        },
        {
            content: "The published result of the previous cycle waits for its acknowledgement",
            trigger: ".o_sa_evaluation_header:contains(SA Tour Closed Cycle) .o_sa_header_acknowledge:contains(Acknowledge result)",
        },
        {
            content: "Acknowledge the targets of the cycle in progress",
            trigger: ".o_sa_evaluation_header:contains(SA Tour Open Cycle) .o_sa_header_acknowledge:contains(Acknowledge targets)",
            run: "click",
        },
        {
            content: "The header says when they were acknowledged",
            trigger: ".o_sa_evaluation_header:contains(SA Tour Open Cycle) .o_sa_header_acknowledged:contains(Targets acknowledged on)",
        },
        {
            content: "The button is gone",
            trigger: ".o_sa_evaluation_header:contains(SA Tour Open Cycle):not(:has(.o_sa_header_acknowledge))",
        },
    ],
});

registry.category("web_tour.tours").add("sales_assessment_manager_desktop", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open My Performance",
            trigger: ".o_app[data-menu-xmlid='sales_assessment_dashboard.sales_assessment_my_performance_menu']",
            run: "click",
        },
        {
            content: "A manager who is not assessed lands on the board of the current cycle",
            trigger: ".o_kanban_view .o_searchview_facet:contains(SA Tour Open Cycle)",
        },
        {
            content: "Open the performance board",
            trigger: ".o_menu_sections [data-menu-xmlid='sales_assessment_dashboard.sales_assessment_board_menu']",
            run: "click",
        },
        {
            content: "The kanban shows the salesperson with score and how many KPIs lag",
            trigger: ".o_kanban_record:contains(Tour Seller) .o_field_widget[name=pacing_label] .badge:contains(1 KPI at risk)",
        },
        {
            content: "Open the leaderboard",
            trigger: ".o_menu_sections [data-menu-xmlid='sales_assessment_dashboard.sales_assessment_leaderboard_menu']",
            run: "click",
        },
        {
            content: "The top three are highlighted",
            trigger: ".o_kanban_record .o_sa_top:contains(Tour Seller):contains(#1)",
        },
        {
            content: "Open the Analysis menu",
            trigger: ".o_menu_sections button[data-menu-xmlid='sales_assessment_dashboard.sales_assessment_analysis_menu']",
            run: "click",
        },
        {
            content: "Open the score trend",
            trigger: ".dropdown-item:contains(Score Trend)",
            run: "click",
        },
        {
            content: "The graph is drawn",
            trigger: ".o_graph_renderer canvas",
        },
    ],
});

registry.category("web_tour.tours").add("sales_assessment_estimate_phone", {
    url: "/odoo",
    steps: () => [
        {
            content: "Tap the menu",
            trigger: ".o_menu_toggle",
            run: "click",
        },
        {
            content: "Show all apps",
            trigger: ".o_sidebar_topbar a:contains(All Apps)",
            run: "click",
        },
        {
            content: "Tap My Performance",
            trigger: ".o_app_menu_sidebar .o_app[data-menu-xmlid='sales_assessment_dashboard.sales_assessment_my_performance_menu']",
            run: "click",
        },
        {
            content: "The closed cycle has nothing to estimate",
            trigger: ".o_sa_evaluation_header:contains(SA Tour Closed Cycle):not(:has(.o_sa_header_estimate))",
        },
        {
            content: "Tap What if… on the cycle in progress",
            trigger: ".o_sa_evaluation_header:contains(SA Tour Open Cycle) .o_sa_header_estimate",
            run: "click",
        },
        {
            content: "The estimate starts from the figures so far",
            trigger: ".modal .o_field_widget[name=estimated_score]:contains(40.00)",
        },
        {
            content: "Tap the what-if value of Revenue Ordered",
            trigger: ".modal .o_data_row:contains(Revenue Ordered) td[name=what_if_value]",
            run: "click",
        },
        {
            content: "Expect 800",
            trigger: ".modal .o_data_row .o_field_widget[name=what_if_value] input",
            run: "edit 800",
        },
        {
            content: "Leave the cell",
            trigger: ".modal .o_form_view .o_group",
            run: "click",
        },
        {
            content: "The estimated score follows: 800 of 1,000",
            trigger: ".modal .o_field_widget[name=estimated_score]:contains(80.00)",
        },
        {
            content: "Close the estimate",
            trigger: ".modal .modal-footer button:contains(Close)",
            run: "click",
        },
        {
            content: "My performance still shows the real score",
            trigger: ".o_sa_evaluation_header:contains(SA Tour Open Cycle) .o_sa_header_score:contains(40.00)",
        },
    ],
});
