import { Component } from "@odoo/owl";
import { formatDate, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat } from "@web/views/fields/formatters";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { KanbanRenderer } from "@web/views/kanban/kanban_renderer";

function many2oneId(value) {
    return Array.isArray(value) ? value[0] : value?.id || false;
}

function many2oneName(value) {
    return Array.isArray(value) ? value[1] : value?.display_name || "";
}

/**
 * The overall result of one evaluation, above its KPI cards: cycle, score,
 * grade, rank and the pacing summary while the cycle is open ("1 KPI off
 * track"), or "No target yet", and the salesperson's acknowledgement: one
 * button, "Acknowledge targets" while the cycle is open, "Acknowledge
 * result" once it is published, then when it was acknowledged; and, while
 * the cycle is open, "What if…", the estimator, and when its figures were
 * last computed ("updating" while a change waits for the live refresh).
 * Read from the evaluation's first row.
 */
export class MyPerformanceHeader extends Component {
    static template = "sales_assessment_dashboard.MyPerformanceHeader";
    static props = { record: Object };

    setup() {
        this.action = useService("action");
        this.orm = useService("orm");
        this.notification = useService("notification");
    }

    get data() {
        return this.props.record.data;
    }

    get cycleName() {
        return many2oneName(this.data.cycle_id);
    }

    get gradeName() {
        return many2oneName(this.data.grade_id);
    }

    get score() {
        return formatFloat(this.data.total_score || 0, { digits: [16, 2] });
    }

    get pacingClass() {
        return {
            on_track: "text-bg-success",
            at_risk: "text-bg-warning",
            off_track: "text-bg-danger",
        }[this.data.evaluation_pacing] || "text-bg-secondary";
    }

    /** When the figures of the open cycle were computed, and whether they are being updated. */
    get computedLabel() {
        const when = this.data.last_computed;
        if (!this.data.cycle_open || !when) {
            return "";
        }
        const datetime = formatDateTime(when);
        return this.data.is_stale
            ? _t("Figures as of %(datetime)s, updating…", { datetime })
            : _t("Figures as of %(datetime)s", { datetime });
    }

    /** The acknowledgement the salesperson may give now, as the server says. */
    get acknowledgement() {
        if (this.data.can_acknowledge_targets) {
            return {
                method: "action_acknowledge_targets",
                label: _t("Acknowledge targets"),
                done: _t("Targets acknowledged."),
            };
        }
        if (this.data.can_acknowledge_result) {
            return {
                method: "action_acknowledge_result",
                label: _t("Acknowledge result"),
                done: _t("Result acknowledged."),
            };
        }
        return null;
    }

    /** When the result (closed cycle) or the targets were acknowledged, in words. */
    get acknowledgedLabel() {
        const result = this.data.result_acknowledged_date;
        if (this.data.cycle_state === "closed" && result) {
            return _t("Result acknowledged on %(date)s", { date: formatDate(result) });
        }
        const targets = this.data.targets_acknowledged_date;
        if (targets) {
            return _t("Targets acknowledged on %(date)s", { date: formatDate(targets) });
        }
        return "";
    }

    async acknowledge() {
        const { method, done } = this.acknowledgement;
        await this.orm.call("sales.assessment.evaluation", method, [
            [many2oneId(this.data.evaluation_id)],
        ]);
        this.notification.add(done, { type: "success" });
        await this.props.record.model.root.load();
    }

    /** Open the what-if estimator of this evaluation (open cycles only). */
    async openEstimate() {
        const action = await this.orm.call(
            "sales.assessment.evaluation",
            "action_open_estimate",
            [[many2oneId(this.data.evaluation_id)]]
        );
        await this.action.doAction(action);
    }

    openEvaluation() {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "sales.assessment.evaluation",
            res_id: many2oneId(this.data.evaluation_id),
            views: [[false, "form"]],
        });
    }
}

/**
 * "My performance": the KPI cards of each evaluation under one header with
 * the evaluation's overall result, instead of each card repeating it.
 */
export class MyPerformanceKanbanRenderer extends KanbanRenderer {
    static template = "sales_assessment_dashboard.MyPerformanceKanbanRenderer";
    static components = { ...KanbanRenderer.components, MyPerformanceHeader };

    getGroupsOrRecords() {
        const items = super.getGroupsOrRecords();
        if (this.props.list.isGrouped) {
            return items;
        }
        const result = [];
        let evaluationId = null;
        for (const item of items) {
            const id = many2oneId(item.record.data.evaluation_id);
            if (id !== evaluationId) {
                evaluationId = id;
                result.push({ header: true, record: item.record, key: `evaluation_${id}` });
            }
            result.push(item);
        }
        return result;
    }
}

export const myPerformanceKanbanView = {
    ...kanbanView,
    Renderer: MyPerformanceKanbanRenderer,
};

registry.category("views").add("sa_my_performance_kanban", myPerformanceKanbanView);
