package guance

import (
	"strings"
	"testing"
	"time"
)

func TestParseDateAcceptsBothFormatsOfRealDays(t *testing.T) {
	for in, want := range map[string]string{
		"2024-02-29": "2024-02-29", "20240229": "2024-02-29", "2023-12-31": "2023-12-31", "19991231": "1999-12-31",
	} {
		d, err := ParseDate(in)
		if err != nil {
			t.Fatalf("ParseDate(%q): %v", in, err)
		}
		if d.String() != want || d.compact() != strings.ReplaceAll(want, "-", "") {
			t.Errorf("ParseDate(%q) = %s / %s, want %s", in, d, d.compact(), want)
		}
	}
}

func TestParseDateRefusesWhatIsNotACalendarDay(t *testing.T) {
	for _, in := range []string{
		"", "2023-02-29", "20230230", "2023-13-01", "2023-00-10", "2023-1-01", "2023/01/01",
		" 20230101", "+2023-01-0", "2023-01-01T00:00:00Z", "2023010", "202301011", "abcdefgh", "2023-01-32",
	} {
		if d, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) = %s, want an error", in, d)
		} else if !strings.Contains(err.Error(), "\""+in+"\"") {
			t.Errorf("ParseDate(%q) error %q does not quote the value", in, err)
		}
	}
}

func TestPeriodIsInclusiveAndOrdered(t *testing.T) {
	a, b := Date{2024, time.March, 1}, Date{2024, time.March, 31}
	p, err := NewPeriod(a, b)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []Date{a, b, a.AddDays(10)} {
		if !p.Contains(d) {
			t.Errorf("%s should contain %s", p, d)
		}
	}
	if p.Contains(a.AddDays(-1)) || p.Contains(b.AddDays(1)) {
		t.Errorf("%s contains days outside it", p)
	}
	if _, err := NewPeriod(a, a); err != nil {
		t.Errorf("a one-day period is valid: %v", err)
	}
	if _, err := NewPeriod(b, a); err == nil {
		t.Error("a period that ends before it starts must be refused")
	}
}

func TestDateArithmeticCrossesMonthAndLeapDay(t *testing.T) {
	if got := (Date{2024, time.February, 28}).AddDays(1).String(); got != "2024-02-29" {
		t.Errorf("got %s", got)
	}
	if got := (Date{2024, time.March, 1}).AddDays(-1).compact(); got != "20240229" {
		t.Errorf("got %s", got)
	}
}
