import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { FloatField, floatField } from "@web/views/fields/float/float_field";
import { formatFloat, formatMonetary } from "@web/views/fields/formatters";

/**
 * A KPI figure shown by its KPI's unit: money with the currency symbol,
 * counts without decimals, percent and days with their unit.
 */
export function formatKpiValue(value, unit, currencyId) {
    if (value === false || value === undefined) {
        return "";
    }
    switch (unit) {
        case "monetary":
            return formatMonetary(value, { currencyId });
        case "count":
            return formatFloat(value, { digits: [16, 0] });
        case "percent":
            return `${formatFloat(value, { digits: [16, 1] })} %`;
        case "days":
            return _t("%(days)s days", { days: formatFloat(value, { digits: [16, 1] }) });
        default:
            return formatFloat(value, { digits: [16, 2] });
    }
}

export class KpiValueField extends FloatField {
    static props = { ...FloatField.props, unitField: { type: String, optional: true } };

    get formattedValue() {
        const data = this.props.record.data;
        const unit = data[this.props.unitField || "unit"];
        const currency = data.currency_id;
        return formatKpiValue(this.value, unit, Array.isArray(currency) ? currency[0] : currency);
    }
}

export const kpiValueField = {
    ...floatField,
    component: KpiValueField,
    displayName: _t("KPI value"),
    fieldDependencies: [
        { name: "unit", type: "selection" },
        { name: "currency_id", type: "many2one" },
    ],
    extractProps: (params) => ({
        ...floatField.extractProps(params),
        unitField: params.options.unit_field,
    }),
};

registry.category("fields").add("sa_kpi_value", kpiValueField);
