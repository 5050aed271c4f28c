package guance

import (
	"fmt"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// fieldDecoder reads the fields of the answers' objects, billing records and the balance, as
// Text and Decimal values from a JSON stream, one record at a time. Text values repeat from
// record to record (product, workspace, cycle), so it keeps one copy of each.
type fieldDecoder struct {
	interned map[string]string
	// numberTexts collects a record's numbers so that they become one string, sliced, rather
	// than one allocation each.
	numberTexts []byte
	pending     []pendingNumber
	// scrub hides the token in every text value; interned values are scrubbed once.
	scrub *scrubber
}

func newFieldDecoder(scrub *scrubber) *fieldDecoder {
	return &fieldDecoder{interned: make(map[string]string, 256), scrub: scrub}
}

// intern returns the one kept copy of text, scrubbed; the lookup itself does not allocate.
func (d *fieldDecoder) intern(b []byte) string {
	if s, ok := d.interned[string(b)]; ok {
		return s
	}
	s := d.scrub.String(string(b))
	if len(d.interned) < 1<<16 {
		d.interned[string(b)] = s
	}
	return s
}

// text turns a raw JSON value into a Text: "None", "" and null are null; a number or
// boolean where text was expected is kept as its JSON text.
func (d *fieldDecoder) text(v jsontext.Value) (Text, error) {
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
			s = d.scrub.String(u)
		} else if inner := v[1 : len(v)-1]; utf8.Valid(inner) {
			s = d.intern(inner)
		} else {
			s = d.scrub.String(validUTF8(inner))
		}
		if isNoneText(s) {
			return Text{}, nil
		}
		return TextOf(s), nil
	}
	return TextOf(d.intern(v)), nil
}

// numberText checks a raw JSON value meant as a number: numbers and numeric strings give
// their exact text; "None", "" and null give nil. Anything else is returned as bad text for
// the caller to report with the record and field named.
func (d *fieldDecoder) numberText(v jsontext.Value) (text []byte, bad string, err error) {
	switch v.Kind() {
	case 'n':
		return nil, "", nil
	case '0':
		if !isAmount(string(v)) {
			return nil, truncate(string(v), 40), nil
		}
		return v, "", nil
	case '"':
		t, err := d.text(v)
		if err != nil || t.IsNull() {
			return nil, "", err
		}
		if isAmount(t.Value()) {
			return []byte(t.Value()), "", nil
		}
		return nil, t.Value(), nil
	}
	return nil, truncate(string(v), 40), nil
}

// number is numberText as a Decimal of its own, for values read one at a time.
func (d *fieldDecoder) number(v jsontext.Value) (Decimal, string, error) {
	text, bad, err := d.numberText(v)
	if text == nil {
		return Decimal{}, bad, err
	}
	return Decimal{text: string(text)}, "", nil
}

// notAnAmount says why a value was refused as an amount.
func notAnAmount(bad string) string {
	if isJSONNumber(bad) {
		return fmt.Sprintf("a number out of the range of amounts (exponent beyond ±%d)", maxAmountExponent)
	}
	return "which is not a number"
}

// pendingNumber is a number of the record being read, at [start, end) of numberTexts.
type pendingNumber struct {
	into       *Decimal
	start, end int
}

// record reads one record into r. index is its position in the answer, counted from 1, for
// messages.
func (d *fieldDecoder) record(dec *jsontext.Decoder, index int, r *BillingRecord) error {
	if dec.PeekKind() != '{' {
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		return &contentError{fmt.Sprintf("billing record %d is %s, expected an object", index, describeJSON(v))}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	var day, tag6, billingKey Text
	var badField, badValue string
	d.numberTexts, d.pending = d.numberTexts[:0], d.pending[:0]
	for dec.PeekKind() != '}' {
		name, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if hasEscape(name) { // names are plain ASCII in practice; normalise any that are not
			unquoted, err := unquote(name)
			if err != nil {
				return err
			}
			name = jsontext.Value(`"` + unquoted + `"`)
		}
		// name is a slice of the decoder's buffer, which the next read may move: the field's
		// name for a message is the slot's own, taken now.
		text, number, field := r.valueSlot(name, &day, &tag6, &billingKey)
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		switch {
		case text != nil:
			if *text, err = d.text(v); err != nil {
				return err
			}
		case number != nil:
			text, bad, err := d.numberText(v)
			if err != nil {
				return err
			}
			// Each field is written once, at the end: the JSON decoder refuses a name given
			// twice, so no earlier value of it can be queued.
			if text != nil {
				start := len(d.numberTexts)
				d.numberTexts = append(d.numberTexts, text...)
				d.pending = append(d.pending, pendingNumber{into: number, start: start, end: len(d.numberTexts)})
			}
			if bad != "" && badField == "" {
				badField, badValue = field, bad
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	numbers := string(d.numberTexts)
	for _, p := range d.pending {
		*p.into = Decimal{text: numbers[p.start:p.end]}
	}
	refuse := func(format string, args ...any) error {
		where := fmt.Sprintf("billing record %d (date %q, productDetail %q): ", index, day.Value(), r.ProductDetail.Value())
		return &contentError{where + fmt.Sprintf(format, args...)}
	}
	if badField != "" {
		return refuse("%s is %q, %s", badField, badValue, notAnAmount(badValue))
	}
	// tag6 and billingKey are one field under two names. Two different values are refused
	// rather than one picked: a measurements filter or budget on the other value would miss
	// the record, and a guard would pass on a total short of it.
	if !tag6.IsNull() && !billingKey.IsNull() && tag6.Value() != billingKey.Value() {
		return refuse("tag6 is %q but billingKey is %q; both name the record's measurement, so which to believe would be a guess",
			tag6.Value(), billingKey.Value())
	}
	r.Measurement = billingKey
	if r.Measurement.IsNull() {
		r.Measurement = tag6
	}
	if day.IsNull() || len(day.Value()) != len("2006-01-02") {
		return refuse("consumeTimeOfDay %q is not a YYYY-MM-DD date", day.Value())
	}
	parsed, err := ParseDate(day.Value())
	if err != nil {
		return refuse("consumeTimeOfDay: %v", err)
	}
	r.Date = parsed
	return nil
}

// valueSlot is where the value of the API field with this raw JSON name goes; a number's slot
// comes with the field's name for messages, a constant, so that it outlives the decoder's
// buffer without a copy. Fields the provider does not expose (orgName, consumption, …) go
// nowhere and are skipped.
func (r *BillingRecord) valueSlot(name jsontext.Value, day, tag6, billingKey *Text) (*Text, *Decimal, string) {
	switch string(name) {
	case `"consumeTimeOfDay"`:
		return day, nil, ""
	case `"productName"`:
		return &r.ProductName, nil, ""
	case `"productDetail"`:
		return &r.ProductDetail, nil, ""
	case `"billingCycle"`:
		return &r.BillingCycle, nil, ""
	case `"billingResult"`:
		return nil, &r.BillingResult, "billingResult"
	case `"originAmount"`:
		return nil, &r.OriginAmount, "originAmount"
	case `"deductionAmount"`:
		return nil, &r.DeductionAmount, "deductionAmount"
	case `"oweAmount"`:
		return nil, &r.OweAmount, "oweAmount"
	case `"couponAmount"`:
		return nil, &r.CouponAmount, "couponAmount"
	case `"storedCardAmount"`:
		return nil, &r.StoredCardAmount, "storedCardAmount"
	case `"cashAmount"`:
		return nil, &r.CashAmount, "cashAmount"
	case `"cashCouldAmount"`:
		return nil, &r.CloudMarketAmount, "cashCouldAmount"
	case `"commodityCategory"`:
		return &r.CommodityCategory, nil, ""
	case `"consumePlatform"`:
		return &r.ConsumePlatform, nil, ""
	case `"customerIdentifier"`:
		return &r.CustomerIdentifier, nil, ""
	case `"workspaceUuid"`:
		return &r.WorkspaceUUID, nil, ""
	case `"workspaceName"`:
		return &r.WorkspaceName, nil, ""
	case `"consumeTime"`:
		return &r.ConsumeTime, nil, ""
	case `"tag6"`:
		return tag6, nil, ""
	case `"billingKey"`:
		return billingKey, nil, ""
	case `"count"`:
		return nil, &r.Count, "count"
	}
	return nil, nil, ""
}
