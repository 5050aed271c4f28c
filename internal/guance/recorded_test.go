package guance

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRecordedBill: whatever a recorded bill's file holds, and whatever period a read asks of
// it, the read gives the recording's records of exactly those days, and only when the
// recording covers them all, or an error that names the file; never a panic, and the same
// answer from a second client. A recording comes from a shared directory as often as not, so
// its bytes are as untrusted as the network's.
func FuzzRecordedBill(f *testing.F) {
	recorded, err := os.ReadFile(filepath.Join("..", "..", "examples", "cost-guard", "tests", "bills", "2024-03.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(recorded, uint8(31), uint8(30))
	f.Add([]byte(`{"code":200,"content":[{"consumeTimeOfDay":"2024-03-01","billingResult":"1"},{"consumeTimeOfDay":"2024-03-03","billingResult":2}],"errorCode":"","success":true}`), uint8(31), uint8(2))
	f.Add([]byte(`{"code":200,"content":[],"errorCode":"","success":true}`), uint8(31), uint8(0))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, bill []byte, startOffset, days uint8) {
		path := filepath.Join(dir, "bill.json")
		if err := os.WriteFile(path, bill, 0o600); err != nil {
			t.Fatal(err)
		}
		start := Date{2024, 3, 1}.AddDays(int(startOffset%62) - 31)
		period := Period{Start: start, End: start.AddDays(int(days % 40))}
		read := func() (*BillingDetails, error) {
			c, err := New(Config{RecordedBill: path})
			if err != nil {
				t.Fatal(err)
			}
			return c.BillingDetails(context.Background(), period)
		}
		got, err := read()
		again, err2 := read()
		if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() || err == nil && len(got.Records) != len(again.Records) {
			t.Fatalf("two reads of one recording differ: %v, %v", err, err2)
		}
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("the error does not name the recording %s: %v", path, err)
			}
			return
		}
		// The whole recording, as the client decodes it, is the oracle of which days it covers.
		c, _ := New(Config{RecordedBill: path})
		all, err := c.recordedBill(context.Background())
		if err != nil || len(all.Records) == 0 {
			t.Fatalf("read %s from a recording that does not decode to a record: %v", period, err)
		}
		first, last, inPeriod := all.Records[0].Date, all.Records[0].Date, 0
		for _, r := range all.Records {
			first, last = minDate(first, r.Date), maxDate(last, r.Date)
			if period.Contains(r.Date) {
				inPeriod++
			}
		}
		if period.Start.Before(first) || last.Before(period.End) {
			t.Fatalf("read %s from a recording of %s to %s: days never recorded counted as 0", period, first, last)
		}
		if len(got.Records) != inPeriod {
			t.Fatalf("read %d records of %s; the recording has %d", len(got.Records), period, inPeriod)
		}
		for _, r := range got.Records {
			if !period.Contains(r.Date) {
				t.Fatalf("a record of %s in a read of %s", r.Date, period)
			}
		}
	})
}

func minDate(a, b Date) Date {
	if b.Before(a) {
		return b
	}
	return a
}

func maxDate(a, b Date) Date {
	if a.Before(b) {
		return b
	}
	return a
}

// A recording whose envelope says the request failed, or does not say it succeeded, is the
// error the API's answer would be, naming the file: a recorded client has no base URL, and
// the error must not need one.
func TestARecordingThatDoesNotSaySuccessIsAnErrorNamingIt(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"success false":   `{"code":200,"content":[],"errorCode":"ft.Failed","message":"no","success":false}`,
		"success missing": `{"code":200,"content":[],"errorCode":""}`,
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".json")
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := New(Config{RecordedBill: path})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.BillingDetails(context.Background(), march)
		if apiErr, ok := AsAPIError(err); !ok || !strings.Contains(err.Error(), "the recorded answer "+path+" answered HTTP 200") || apiErr.BasePath != "" {
			t.Errorf("%s: got %v; want the API's error naming the recording", name, err)
		}
	}
}
