package provider

import (
	"math/big"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

// recordField is one attribute of a billing record: its schema and where its value comes
// from. The one table drives the schema, the object type and the values.
type recordField struct {
	name     string
	apiField string
	// olderAPIField names the field where older answers carry the same value.
	olderAPIField string
	description   string
	text          func(*guance.BillingRecord) guance.Text    // set for string attributes
	number        func(*guance.BillingRecord) guance.Decimal // set for number attributes
}

const amountNote = " An exact decimal; null when the API sent none."

var recordFields = []recordField{
	{name: "date", apiField: "consumeTimeOfDay", description: "The day of consumption, `YYYY-MM-DD`.",
		text: func(r *guance.BillingRecord) guance.Text { return guance.TextOf(r.Date.String()) }},
	{name: "product_name", apiField: "productName", description: "The product (Guance sends `dataFlux`).",
		text: func(r *guance.BillingRecord) guance.Text { return r.ProductName }},
	{name: "product_detail", apiField: "productDetail", description: "The billed item, such as `Log` or `Session Replay`.",
		text: func(r *guance.BillingRecord) guance.Text { return r.ProductDetail }},
	{name: "measurement", apiField: "billingKey", olderAPIField: "tag6", description: "The measurement billed.",
		text: func(r *guance.BillingRecord) guance.Text { return r.Measurement }},
	{name: "billing_cycle", apiField: "billingCycle", description: "`Day`, `Month`, `Year` or `Single`.",
		text: func(r *guance.BillingRecord) guance.Text { return r.BillingCycle }},
	{name: "billing_result", apiField: "billingResult", description: "The amount payable." + amountNote,
		number: func(r *guance.BillingRecord) guance.Decimal { return r.BillingResult }},
	{name: "origin_amount", apiField: "originAmount", description: "The original price." + amountNote,
		number: func(r *guance.BillingRecord) guance.Decimal { return r.OriginAmount }},
	{name: "deduction_amount", apiField: "deductionAmount", description: "The deduction." + amountNote,
		number: func(r *guance.BillingRecord) guance.Decimal { return r.DeductionAmount }},
	{name: "owe_amount", apiField: "oweAmount", description: "The unpaid amount." + amountNote,
		number: func(r *guance.BillingRecord) guance.Decimal { return r.OweAmount }},
	{name: "coupon_amount", apiField: "couponAmount", description: "Paid by coupon." + amountNote,
		number: func(r *guance.BillingRecord) guance.Decimal { return r.CouponAmount }},
	{name: "stored_card_amount", apiField: "storedCardAmount", description: "Paid by stored-value card." + amountNote,
		number: func(r *guance.BillingRecord) guance.Decimal { return r.StoredCardAmount }},
	{name: "cash_amount", apiField: "cashAmount", description: "Paid in cash." + amountNote,
		number: func(r *guance.BillingRecord) guance.Decimal { return r.CashAmount }},
	{name: "cloud_market_amount", apiField: "cashCouldAmount", description: "Paid through a cloud marketplace." + amountNote,
		number: func(r *guance.BillingRecord) guance.Decimal { return r.CloudMarketAmount }},
	{name: "commodity_category", apiField: "commodityCategory", description: "Subscription or pay-as-you-go.",
		text: func(r *guance.BillingRecord) guance.Text { return r.CommodityCategory }},
	{name: "consume_platform", apiField: "consumePlatform", description: "The billing method.",
		text: func(r *guance.BillingRecord) guance.Text { return r.ConsumePlatform }},
	{name: "customer_identifier", apiField: "customerIdentifier", description: "The cloud-marketplace account.",
		text: func(r *guance.BillingRecord) guance.Text { return r.CustomerIdentifier }},
	{name: "workspace_uuid", apiField: "workspaceUuid", description: "The workspace's ID.",
		text: func(r *guance.BillingRecord) guance.Text { return r.WorkspaceUUID }},
	{name: "workspace_name", apiField: "workspaceName", description: "The workspace's name, as UTF-8.",
		text: func(r *guance.BillingRecord) guance.Text { return r.WorkspaceName }},
	{name: "consume_time", apiField: "consumeTime", description: "The consumption timestamp, as the API sent it.",
		text: func(r *guance.BillingRecord) guance.Text { return r.ConsumeTime }},
	{name: "count", apiField: "count", description: "The quantity used. An exact decimal; null when the API sent none.",
		number: func(r *guance.BillingRecord) guance.Decimal { return r.Count }},
}

// recordFieldNamed is the row of recordFields with this attribute name.
func recordFieldNamed(name string) recordField {
	i := slices.IndexFunc(recordFields, func(f recordField) bool { return f.name == name })
	if i < 0 || recordFields[i].number == nil {
		panic("provider: no amount field " + name) // the tables below name fields of the table above
	}
	return recordFields[i]
}

// periodTotal is a number attribute: the exact sum of one record amount over the kept records.
type periodTotal struct{ name, field string }

var periodTotals = []periodTotal{
	{name: "total_billing_result", field: "billing_result"},
	{name: "total_origin_amount", field: "origin_amount"},
}

// groupedTotal is a map(number) attribute: the exact sum of billing_result over the kept
// records, per key.
type groupedTotal struct {
	name string
	over string // what the key is, in the attribute's description
	note string // which keys appear
	key  func(*guance.BillingRecord) string
}

// unnamedKey is the note of a grouping by a record field that may be absent.
func unnamedKey(field string) string {
	return " Records without a `" + field + "` are summed under the key `\"\"`."
}

var groupedTotals = []groupedTotal{
	{name: "totals_by_product", over: "product_detail", note: unnamedKey("product_detail"),
		key: func(r *guance.BillingRecord) string { return r.ProductDetail.Value() }},
	{name: "totals_by_date", over: "date", note: " Keys are `YYYY-MM-DD`; days without records are absent.",
		key: func(r *guance.BillingRecord) string { return r.Date.String() }},
	{name: "totals_by_measurement", over: "measurement", note: unnamedKey("measurement"),
		key: func(r *guance.BillingRecord) string { return r.Measurement.Value() }},
	{name: "totals_by_month", over: "month", note: " Keys are `YYYY-MM`, the calendar months of the records' days; months " +
		"without records are absent. A year's trend month by month costs one read.",
		key: func(r *guance.BillingRecord) string { return r.Date.String()[:len("YYYY-MM")] }},
	{name: "totals_by_workspace", over: "workspace_uuid", note: unnamedKey("workspace_uuid"),
		key: func(r *guance.BillingRecord) string { return r.WorkspaceUUID.Value() }},
}

// productTotalsKey is what product_totals groups by; totals_by_product is its billing_result.
func productTotalsKey(r *guance.BillingRecord) string { return r.ProductDetail.Value() }

// productSum is an attribute of each product_totals object: one record amount summed.
type productSum struct{ field, what string }

// productSums is in attribute name order, the order of the wire form.
var productSums = []productSum{
	{field: "billing_result", what: "what the item cost; equal to its entry in `totals_by_product`"},
	{field: "count", what: "the quantity used, in the item's own unit"},
	{field: "deduction_amount", what: "its deductions"},
	{field: "origin_amount", what: "its original (list) price"},
}

// productSumAmounts are productSums' amounts, in their order, for guance.SumBy.
var productSumAmounts = func() []func(*guance.BillingRecord) guance.Decimal {
	amounts := make([]func(*guance.BillingRecord) guance.Decimal, len(productSums))
	for i, s := range productSums {
		amounts[i] = recordFieldNamed(s.field).number
	}
	return amounts
}()

// billedList is a list(string) attribute: every distinct value of a record field billed in the
// period, before the filters.
type billedList struct {
	name, field, filter string
	values              func(guance.Billed) []string
}

var billedLists = []billedList{
	{name: "billed_product_details", field: "product_detail", filter: "product_details",
		values: func(b guance.Billed) []string { return b.ProductDetails }},
	{name: "billed_measurements", field: "measurement", filter: "measurements",
		values: func(b guance.Billed) []string { return b.Measurements }},
}

func (f recordField) schemaAttribute() schema.Attribute {
	desc := f.description + " API field: `" + f.apiField + "`"
	if f.olderAPIField != "" {
		desc += " (`" + f.olderAPIField + "` in older answers)"
	}
	desc += "."
	if f.number != nil {
		return schema.NumberAttribute{MarkdownDescription: desc, Computed: true}
	}
	return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
}

// decimalValue is an exact decimal as a Terraform number, null when the API sent none.
func decimalValue(d guance.Decimal) types.Number {
	if d.IsNull() {
		return types.NumberNull()
	}
	return types.NumberValue(exactNumber(d.String()))
}

// terraformPrecision is the precision Terraform itself gives numbers, so that a number made
// from decimal text is the value Terraform would parse from the same text.
const terraformPrecision = 512

// exactNumber turns checked decimal text into a Terraform number, at Terraform's own
// precision.
func exactNumber(text string) *big.Float {
	f, _, err := big.ParseFloat(text, 10, terraformPrecision, big.ToNearestEven)
	if err != nil {
		// Callers pass text that guance.ParseDecimal or the client's sums produced.
		panic("provider: not a decimal: " + text)
	}
	return f
}
