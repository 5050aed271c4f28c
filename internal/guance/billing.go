package guance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/shopspring/decimal"
)

// BillingDetailsPath is the endpoint for a workspace's billing records over a period.
const BillingDetailsPath = "/api/v1/billing/detail/list"

// BillingRecord is one line of the bill: one billed item on one day.
type BillingRecord struct {
	Date               Date // consumeTimeOfDay
	ProductName        Text
	ProductDetail      Text
	Measurement        Text // tag6 in older answers, billingKey in newer ones
	BillingCycle       Text
	BillingResult      Decimal
	OriginAmount       Decimal
	DeductionAmount    Decimal
	OweAmount          Decimal
	CouponAmount       Decimal
	StoredCardAmount   Decimal
	CashAmount         Decimal
	CloudMarketAmount  Decimal // cashCouldAmount, the API's spelling
	CommodityCategory  Text
	ConsumePlatform    Text
	CustomerIdentifier Text
	WorkspaceUUID      Text
	WorkspaceName      Text
	ConsumeTime        Text
	Count              Decimal
}

// BillingDetails is the whole answer for a period: every record, in the API's order.
type BillingDetails struct {
	Period  Period
	Records []BillingRecord
	TraceID string
	// Warnings are facts worth telling the user that do not make the answer wrong, such as
	// records dated outside the requested period.
	Warnings []string
}

// wireRecord is a record as the API sends it. Fields the provider does not expose are left out
// and skipped by the decoder.
type wireRecord struct {
	ConsumeTimeOfDay   wireText   `json:"consumeTimeOfDay"`
	ProductName        wireText   `json:"productName"`
	ProductDetail      wireText   `json:"productDetail"`
	BillingCycle       wireText   `json:"billingCycle"`
	BillingResult      wireNumber `json:"billingResult"`
	DeductionAmount    wireNumber `json:"deductionAmount"`
	OweAmount          wireNumber `json:"oweAmount"`
	OriginAmount       wireNumber `json:"originAmount"`
	CouponAmount       wireNumber `json:"couponAmount"`
	StoredCardAmount   wireNumber `json:"storedCardAmount"`
	CashAmount         wireNumber `json:"cashAmount"`
	CashCouldAmount    wireNumber `json:"cashCouldAmount"`
	CommodityCategory  wireText   `json:"commodityCategory"`
	ConsumePlatform    wireText   `json:"consumePlatform"`
	CustomerIdentifier wireText   `json:"customerIdentifier"`
	WorkspaceUUID      wireText   `json:"workspaceUuid"`
	WorkspaceName      wireText   `json:"workspaceName"`
	ConsumeTime        wireText   `json:"consumeTime"`
	Tag6               wireText   `json:"tag6"`
	BillingKey         wireText   `json:"billingKey"`
	Count              wireNumber `json:"count"`
}

// record checks a wire record and turns it into a BillingRecord. index is its position in the
// answer, counted from 1, for messages.
func (w *wireRecord) record(index int) (BillingRecord, error) {
	r := BillingRecord{
		ProductName:        w.ProductName.Text,
		ProductDetail:      w.ProductDetail.Text,
		Measurement:        w.BillingKey.Text,
		BillingCycle:       w.BillingCycle.Text,
		CommodityCategory:  w.CommodityCategory.Text,
		ConsumePlatform:    w.ConsumePlatform.Text,
		CustomerIdentifier: w.CustomerIdentifier.Text,
		WorkspaceUUID:      w.WorkspaceUUID.Text,
		WorkspaceName:      w.WorkspaceName.Text,
		ConsumeTime:        w.ConsumeTime.Text,
	}
	if r.Measurement.IsNull() {
		r.Measurement = w.Tag6.Text
	}
	where := func() string {
		return fmt.Sprintf("billing record %d (date %q, productDetail %q)", index, w.ConsumeTimeOfDay.Value(), w.ProductDetail.Value())
	}
	if w.ConsumeTimeOfDay.IsNull() || len(w.ConsumeTimeOfDay.Value()) != len("2006-01-02") {
		return r, &contentError{fmt.Sprintf("%s: consumeTimeOfDay %q is not a YYYY-MM-DD date", where(), w.ConsumeTimeOfDay.Value())}
	}
	day, err := ParseDate(w.ConsumeTimeOfDay.Value())
	if err != nil {
		return r, &contentError{fmt.Sprintf("%s: consumeTimeOfDay: %v", where(), err)}
	}
	r.Date = day
	numbers := []struct {
		name string
		wire wireNumber
		into *Decimal
	}{
		{"billingResult", w.BillingResult, &r.BillingResult},
		{"originAmount", w.OriginAmount, &r.OriginAmount},
		{"deductionAmount", w.DeductionAmount, &r.DeductionAmount},
		{"oweAmount", w.OweAmount, &r.OweAmount},
		{"couponAmount", w.CouponAmount, &r.CouponAmount},
		{"storedCardAmount", w.StoredCardAmount, &r.StoredCardAmount},
		{"cashAmount", w.CashAmount, &r.CashAmount},
		{"cashCouldAmount", w.CashCouldAmount, &r.CloudMarketAmount},
		{"count", w.Count, &r.Count},
	}
	for _, n := range numbers {
		d, err := n.wire.decimal()
		if err != nil {
			return r, &contentError{fmt.Sprintf("%s: %s is %q, which is not a number", where(), n.name, n.wire.text)}
		}
		*n.into = d
	}
	return r, nil
}

// BillingDetails reads every billing record of the period. The answer is complete or an error:
// never a partial list.
func (c *Client) BillingDetails(ctx context.Context, period Period) (*BillingDetails, error) {
	return c.cache.do(period, func() (*BillingDetails, error) {
		return c.fetchBillingDetails(ctx, period)
	})
}

func (c *Client) fetchBillingDetails(ctx context.Context, period Period) (*BillingDetails, error) {
	query := url.Values{}
	query.Set("startDate", period.Start.Compact())
	query.Set("endDate", period.End.Compact())
	var out *BillingDetails
	traceID, err := c.get(ctx, BillingDetailsPath, query, func() contentDecoder {
		out = &BillingDetails{Period: period}
		return func(dec *json.Decoder) error {
			return decodeList(dec, func(dec *json.Decoder) error {
				var w wireRecord
				if err := dec.Decode(&w); err != nil {
					return err
				}
				r, err := w.record(len(out.Records) + 1)
				if err != nil {
					return err
				}
				out.Records = append(out.Records, r)
				return nil
			})
		}
	})
	if err != nil {
		return nil, err
	}
	out.TraceID = traceID
	for i, r := range out.Records {
		if !period.Contains(r.Date) {
			out.Warnings = append(out.Warnings, fmt.Sprintf(
				"billing record %d (productDetail %q) is dated %s, outside the requested period %s; it is included as the API sent it",
				i+1, r.ProductDetail.Value(), r.Date, period))
		}
	}
	return out, nil
}

// Totals are exact sums over a set of records. Null amounts count as zero.
type Totals struct {
	BillingResult decimal.Decimal
	OriginAmount  decimal.Decimal
	// ByProduct sums billingResult per productDetail; records without one are summed under "".
	ByProduct map[string]decimal.Decimal
}

// Totals sums the records exactly.
func (d *BillingDetails) Totals() Totals {
	t := Totals{BillingResult: decimal.Zero, OriginAmount: decimal.Zero, ByProduct: map[string]decimal.Decimal{}}
	for _, r := range d.Records {
		billed := r.BillingResult.Exact()
		t.BillingResult = t.BillingResult.Add(billed)
		t.OriginAmount = t.OriginAmount.Add(r.OriginAmount.Exact())
		key := r.ProductDetail.Value()
		t.ByProduct[key] = t.ByProduct[key].Add(billed)
	}
	return t
}
