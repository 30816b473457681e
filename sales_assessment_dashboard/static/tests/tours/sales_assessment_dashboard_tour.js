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
            content: "My revenue of the open cycle, with its score and pacing",
            trigger: ".o_sa_my_performance .o_kanban_record:contains(SA Tour Open Cycle):contains(Revenue Ordered):contains(Score) .o_field_widget[name=pacing] .badge",
        },
        {
            content: "The score of the cycle is shown",
            trigger: ".o_sa_my_performance .o_kanban_record:contains(SA Tour Open Cycle):contains(40.00)",
        },
        {
            content: "The previous cycle's rank is shown",
            trigger: ".o_sa_my_performance .o_kanban_record:contains(SA Tour Closed Cycle):contains(#1)",
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
            content: "Open the performance board",
            trigger: ".o_menu_sections [data-menu-xmlid='sales_assessment_dashboard.sales_assessment_board_menu']",
            run: "click",
        },
        {
            content: "The kanban shows the salesperson with score and pacing",
            trigger: ".o_kanban_record:contains(Tour Seller) .o_field_widget[name=pacing] .badge",
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
