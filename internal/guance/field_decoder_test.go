package guance

import (
	"strings"
	"testing"
)

// decodeBillingBody decodes a whole answer as the client does, without a server, so that a
// test can try many shapes of one body quickly.
func decodeBillingBody(body string) (*BillingDetails, error) {
	d := &BillingDetails{}
	env, err := decodeEnvelope(strings.NewReader(body), d.decodeRecords(newScrubber(testToken)), newScrubber(testToken))
	if err != nil {
		return nil, err
	}
	return d, env.contentErr
}

// The refused value's field is named as the API named it, however far the decoder's buffer
// moved while reading the value: the name is taken before the value is read. A long value, or
// padding before it, moves the buffer.
func TestARefusedNumberNamesItsOwnField(t *testing.T) {
	huge := strings.Repeat("9", 130)
	for _, value := range []string{huge, `"` + huge + `"`, `"12,50 CNY"`, `true`} {
		for padding := 0; padding < 9000; padding += 97 {
			body := `{"code":200,"content":[{"consumeTimeOfDay":"2024-03-01","productDetail":"Log",` +
				strings.Repeat(" ", padding) + `"billingResult":` + strings.Repeat(" ", padding%301) + value +
				`,"workspaceName":"` + strings.Repeat("w", padding%53) + `"}],"errorCode":"","success":true}`
			_, err := decodeBillingBody(body)
			if err == nil || !strings.Contains(err.Error(), `): billingResult is "`) {
				t.Fatalf("%s with %d bytes of padding: got %v; want billingResult named", truncate(value, 20), padding, err)
			}
		}
	}
}

// tag6 and billingKey name one field, the measurement; a record that gives both with different
// values is refused with both named, since a measurements filter on either would be a guess.
// Both equal, or one of them null, is one measurement.
func TestARecordWhoseTag6AndBillingKeyDisagreeIsRefused(t *testing.T) {
	record := func(fields string) string {
		return `{"code":200,"content":[{"consumeTimeOfDay":"2024-03-01","productDetail":"Log","billingResult":"1",` +
			fields + `}],"errorCode":"","success":true}`
	}
	for _, fields := range []string{`"tag6":"logging","billingKey":"metric"`, `"billingKey":"metric","tag6":"logging"`} {
		_, err := decodeBillingBody(record(fields))
		if err == nil || !strings.Contains(err.Error(), `billing record 1 (date "2024-03-01", productDetail "Log"): tag6 is "logging" but billingKey is "metric"`) {
			t.Errorf("%s: got %v; want both values named", fields, err)
		}
	}
	for fields, want := range map[string]string{
		`"tag6":"logging","billingKey":"logging"`: "logging",
		`"tag6":"None","billingKey":"metric"`:     "metric",
		`"tag6":"logging","billingKey":null`:      "logging",
		`"tag6":"logging"`:                        "logging",
	} {
		d, err := decodeBillingBody(record(fields))
		if err != nil || len(d.Records) != 1 || d.Records[0].Measurement.Value() != want {
			t.Errorf("%s: got %+v, %v; want the measurement %q", fields, d, err, want)
		}
	}
}
