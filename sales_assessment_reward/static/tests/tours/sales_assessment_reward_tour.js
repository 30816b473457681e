import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_assessment_reward_approve", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the activities from the systray",
            trigger: ".o-mail-ActivityMenu-counter",
            run: "click",
        },
        {
            content: "Open the reward approvals",
            trigger: ".o-mail-ActivityGroup:contains(Reward Proposal)",
            run: "click",
        },
        {
            content: "Open the proposal waiting for me",
            trigger: ".o_data_row:contains(Tour Seller) td[name=name]",
            run: "click",
        },
        {
            content: "Approve it",
            trigger: ".o_form_view button[name=action_approve]:visible",
            run: "click",
        },
        {
            content: "It is approved by me",
            trigger: ".o_form_view .o_field_widget[name=leader_approver_id]:contains(Tour Leader)",
        },
    ],
});
