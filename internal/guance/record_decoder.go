package guance

import (
	"fmt"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// recordDecoder reads billing records one at a time from a JSON stream. Text values repeat
// from record to record (product, workspace, cycle), so it keeps one copy of each.
type recordDecoder struct {
	interned map[string]string
}

func newRecordDecoder() *recordDecoder {
	return &recordDecoder{interned: make(map[string]string, 256)}
}

// intern returns the one kept copy of text; the lookup itself does not allocate.
func (d *recordDecoder) intern(b []byte) string {
	if s, ok := d.interned[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(d.interned) < 1<<16 {
		d.interned[s] = s
	}
	return s
}

// text turns a raw JSON value into a Text: "None", "" and null are null; a number or
// boolean where text was expected is kept as its JSON text.
func (d *recordDecoder) text(v jsontext.Value) (Text, error) {
	switch v.Kind() {
	case 'n':
		return Text{}, nil
	case '"':
		var s string
		if hasEscape(v) {
			u, err := unquote(v)
			if err != nil {
				return Text{}, err
			}
			s = u
		} else if inner := v[1 : len(v)-1]; utf8.Valid(inner) {
			s = d.intern(inner)
		} else {
			s = validUTF8(inner)
		}
		if isNoneText(s) {
			return Text{}, nil
		}
		return TextOf(s), nil
	}
	return TextOf(d.intern(v)), nil
}

// number turns a raw JSON value into a Decimal: numbers and numeric strings are kept as
// their exact text; "None", "" and null are null. Anything else is returned as bad text for
// the caller to report with the record and field named.
func (d *recordDecoder) number(v jsontext.Value) (dec Decimal, bad string, err error) {
	switch v.Kind() {
	case 'n':
		return Decimal{}, "", nil
	case '0':
		return Decimal{text: string(v)}, "", nil
	case '"':
		t, err := d.text(v)
		if err != nil || t.IsNull() {
			return Decimal{}, "", err
		}
		if dec, perr := ParseDecimal(t.Value()); perr == nil {
			return dec, "", nil
		}
		return Decimal{}, t.Value(), nil
	}
	return Decimal{}, truncate(string(v), 40), nil
}

// record reads one record. index is its position in the answer, counted from 1, for messages.
func (d *recordDecoder) record(dec *jsontext.Decoder, index int) (BillingRecord, error) {
	var r BillingRecord
	if dec.PeekKind() != '{' {
		v, err := dec.ReadValue()
		if err != nil {
			return r, err
		}
		return r, &contentError{fmt.Sprintf("billing record %d is %s, expected an object", index, describeJSON(v))}
	}
	if _, err := dec.ReadToken(); err != nil {
		return r, err
	}
	var day, tag6, billingKey Text
	var badField, badValue string
	for dec.PeekKind() != '}' {
		name, err := dec.ReadValue()
		if err != nil {
			return r, err
		}
		if hasEscape(name) { // names are plain ASCII in practice; normalise any that are not
			unquoted, err := unquote(name)
			if err != nil {
				return r, err
			}
			name = jsontext.Value(`"` + unquoted + `"`)
		}
		text, number := r.fieldFor(name, &day, &tag6, &billingKey)
		v, err := dec.ReadValue()
		if err != nil {
			return r, err
		}
		switch {
		case text != nil:
			if *text, err = d.text(v); err != nil {
				return r, err
			}
		case number != nil:
			dv, bad, err := d.number(v)
			if err != nil {
				return r, err
			}
			*number = dv
			if bad != "" && badField == "" {
				badField, badValue = string(name[1:len(name)-1]), bad
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return r, err
	}
	r.Measurement = billingKey
	if r.Measurement.IsNull() {
		r.Measurement = tag6
	}
	where := fmt.Sprintf("billing record %d (date %q, productDetail %q)", index, day.Value(), r.ProductDetail.Value())
	if badField != "" {
		return r, &contentError{fmt.Sprintf("%s: %s is %q, which is not a number", where, badField, badValue)}
	}
	if day.IsNull() || len(day.Value()) != len("2006-01-02") {
		return r, &contentError{fmt.Sprintf("%s: consumeTimeOfDay %q is not a YYYY-MM-DD date", where, day.Value())}
	}
	parsed, err := ParseDate(day.Value())
	if err != nil {
		return r, &contentError{fmt.Sprintf("%s: consumeTimeOfDay: %v", where, err)}
	}
	r.Date = parsed
	return r, nil
}

// fieldFor says where the API field with this raw JSON name goes; fields the provider does not
// expose (orgName, consumption, …) go nowhere and are skipped.
func (r *BillingRecord) fieldFor(name jsontext.Value, day, tag6, billingKey *Text) (*Text, *Decimal) {
	switch string(name) {
	case `"consumeTimeOfDay"`:
		return day, nil
	case `"productName"`:
		return &r.ProductName, nil
	case `"productDetail"`:
		return &r.ProductDetail, nil
	case `"billingCycle"`:
		return &r.BillingCycle, nil
	case `"billingResult"`:
		return nil, &r.BillingResult
	case `"originAmount"`:
		return nil, &r.OriginAmount
	case `"deductionAmount"`:
		return nil, &r.DeductionAmount
	case `"oweAmount"`:
		return nil, &r.OweAmount
	case `"couponAmount"`:
		return nil, &r.CouponAmount
	case `"storedCardAmount"`:
		return nil, &r.StoredCardAmount
	case `"cashAmount"`:
		return nil, &r.CashAmount
	case `"cashCouldAmount"`:
		return nil, &r.CloudMarketAmount
	case `"commodityCategory"`:
		return &r.CommodityCategory, nil
	case `"consumePlatform"`:
		return &r.ConsumePlatform, nil
	case `"customerIdentifier"`:
		return &r.CustomerIdentifier, nil
	case `"workspaceUuid"`:
		return &r.WorkspaceUUID, nil
	case `"workspaceName"`:
		return &r.WorkspaceName, nil
	case `"consumeTime"`:
		return &r.ConsumeTime, nil
	case `"tag6"`:
		return tag6, nil
	case `"billingKey"`:
		return billingKey, nil
	case `"count"`:
		return nil, &r.Count
	}
	return nil, nil
}
