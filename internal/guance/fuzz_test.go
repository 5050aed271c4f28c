package guance

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"unicode/utf8"
)

// The seed corpora live in testdata/fuzz/<target>/: go test runs them as ordinary tests, and
// make fuzz runs each target for a while to look for more.

// FuzzParseDate: a date is accepted only in its two written forms and only as a real day, and
// then reads back to itself.
func FuzzParseDate(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if s != d.String() && s != d.compact() {
			t.Fatalf("ParseDate(%q) = %s: accepted a form other than YYYY-MM-DD and YYYYMMDD", s, d)
		}
		if DateOf(d.Time()) != d {
			t.Fatalf("ParseDate(%q) = %+v, which is not a calendar day", s, d)
		}
		for _, form := range []string{d.String(), d.compact()} {
			if back, err := ParseDate(form); err != nil || back != d {
				t.Fatalf("ParseDate(%q) = %+v but %q reads back as %+v, %v", s, d, form, back, err)
			}
		}
	})
}

// FuzzCheckEndpoint: an accepted endpoint is https, or http to a loopback host; it carries no
// user information, query or fragment; and checking it again changes nothing.
func FuzzCheckEndpoint(f *testing.F) {
	f.Fuzz(func(t *testing.T, endpoint string) {
		base, err := CheckEndpoint(endpoint)
		if err != nil {
			return
		}
		u, err := url.Parse(base)
		if err != nil {
			t.Fatalf("CheckEndpoint(%q) = %q, which does not parse: %v", endpoint, base, err)
		}
		if u.Scheme != "https" && (u.Scheme != "http" || !isLoopbackHost(u.Hostname())) {
			t.Fatalf("CheckEndpoint(%q) accepted %q: plain http to a host that is not loopback", endpoint, base)
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Host == "" {
			t.Fatalf("CheckEndpoint(%q) accepted %q", endpoint, base)
		}
		if again, err := CheckEndpoint(base); err != nil || again != base {
			t.Fatalf("CheckEndpoint(%q) = %q, but checking that gives %q, %v", endpoint, base, again, err)
		}
	})
}

// FuzzBillingAnswer feeds arbitrary bytes to the client as a whole HTTP 200 answer.
func FuzzBillingAnswer(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		checkBillingAnswer(t, body)
	})
}

// FuzzBillingRecord feeds arbitrary bytes as the content of a well-formed envelope, where
// most of them reach the record decoder.
func FuzzBillingRecord(f *testing.F) {
	f.Fuzz(func(t *testing.T, content []byte) {
		body := make([]byte, 0, len(content)+80)
		body = append(body, `{"code":200,"content":`...)
		body = append(body, content...)
		body = append(body, `,"errorCode":"","message":"","success":true,"traceId":"TRACE-FUZZ"}`...)
		checkBillingAnswer(t, body)
	})
}

// checkBillingAnswer reads body as a billing answer and checks that the client either fails
// or returns exactly the records a plain JSON reading finds, each one valid: real dates,
// decimals in the JSON number grammar, text in UTF-8.
func checkBillingAnswer(t *testing.T, body []byte) {
	t.Helper()
	c, err := New(Config{BaseURL: "https://openapi.example.com", Token: "fuzz", MaxAttempts: 1, Transport: answerTransport(body)})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.BillingDetails(context.Background(), march)
	if err != nil {
		if d != nil {
			t.Fatalf("an error (%v) came with a result", err)
		}
		return
	}
	if !json.Valid(body) {
		t.Fatalf("accepted a body that is not JSON: %q", body)
	}
	// A map, not a struct: encoding/json matches struct fields regardless of case, the API's
	// names are exact.
	var envelope map[string]json.RawMessage
	var content []json.RawMessage
	if err := json.Unmarshal(body, &envelope); err != nil || json.Unmarshal(envelope["content"], &content) != nil {
		t.Fatalf("accepted a body whose content is not a list: %q", body)
	}
	if len(d.Records) != len(content) {
		t.Fatalf("%d records from an answer whose content holds %d values: %q", len(d.Records), len(content), body)
	}
	for i := range d.Records {
		checkRecord(t, i+1, reflect.ValueOf(d.Records[i]))
	}
}

// checkRecord checks every field of a record by its type, so fields added later are covered.
func checkRecord(t *testing.T, index int, r reflect.Value) {
	t.Helper()
	for i := range r.NumField() {
		name := r.Type().Field(i).Name
		switch v := r.Field(i).Interface().(type) {
		case Date:
			if DateOf(v.Time()) != v {
				t.Fatalf("record %d: %s %+v is not a calendar day", index, name, v)
			}
		case Decimal:
			if v.IsNull() {
				continue
			}
			if _, err := ParseDecimal(v.String()); err != nil {
				t.Fatalf("record %d: %s: %v", index, name, err)
			}
			v.exact() // must not panic
		case Text:
			if !utf8.ValidString(v.Value()) {
				t.Fatalf("record %d: %s %q is not UTF-8", index, name, v.Value())
			}
		default:
			t.Fatalf("record %d: field %s has type %T, which this check does not know", index, name, v)
		}
	}
}

// answerTransport answers every request with HTTP 200 and body, without a network.
type answerTransport []byte

func (a answerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(a)),
		ContentLength: int64(len(a)),
		Request:       req,
	}, nil
}
