package guance

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPeriodKindsAroundMonthYearAndLeapEdges(t *testing.T) {
	cases := []struct {
		kind, today, start, end string
	}{
		{"today", "2024-02-29", "2024-02-29", "2024-02-29"},
		{"yesterday", "2024-03-01", "2024-02-29", "2024-02-29"},
		{"yesterday", "2023-03-01", "2023-02-28", "2023-02-28"},
		{"yesterday", "2025-01-01", "2024-12-31", "2024-12-31"},
		{"last_7_days", "2024-03-15", "2024-03-08", "2024-03-14"},
		{"last_7_days", "2024-03-03", "2024-02-25", "2024-03-02"},
		{"last_7_days", "2025-01-03", "2024-12-27", "2025-01-02"},
		{"last_30_days", "2024-03-15", "2024-02-14", "2024-03-14"},
		{"last_30_days", "2023-03-15", "2023-02-13", "2023-03-14"},
		{"month_to_date", "2024-03-01", "2024-03-01", "2024-03-01"},
		{"month_to_date", "2024-02-29", "2024-02-01", "2024-02-29"},
		{"month_to_date", "2024-12-31", "2024-12-01", "2024-12-31"},
		{"last_month", "2024-03-31", "2024-02-01", "2024-02-29"},
		{"last_month", "2023-03-01", "2023-02-01", "2023-02-28"},
		{"last_month", "2100-03-10", "2100-02-01", "2100-02-28"}, // 2100 is not a leap year
		{"last_month", "2000-03-10", "2000-02-01", "2000-02-29"}, // 2000 is
		{"last_month", "2024-01-01", "2023-12-01", "2023-12-31"},
		{"last_month", "2024-05-31", "2024-04-01", "2024-04-30"},
		{"last_month", "2024-08-15", "2024-07-01", "2024-07-31"},
		{"quarter_to_date", "2024-01-01", "2024-01-01", "2024-01-01"},
		{"quarter_to_date", "2024-03-31", "2024-01-01", "2024-03-31"},
		{"quarter_to_date", "2024-05-20", "2024-04-01", "2024-05-20"},
		{"quarter_to_date", "2024-09-30", "2024-07-01", "2024-09-30"},
		{"quarter_to_date", "2024-10-01", "2024-10-01", "2024-10-01"},
		{"quarter_to_date", "2024-12-31", "2024-10-01", "2024-12-31"},
		{"last_quarter", "2024-02-29", "2023-10-01", "2023-12-31"},
		{"last_quarter", "2024-04-01", "2024-01-01", "2024-03-31"},
		{"last_quarter", "2024-08-31", "2024-04-01", "2024-06-30"},
		{"last_quarter", "2024-12-31", "2024-07-01", "2024-09-30"},
		{"year_to_date", "2024-01-01", "2024-01-01", "2024-01-01"},
		{"year_to_date", "2024-12-31", "2024-01-01", "2024-12-31"},
		{"last_year", "2024-01-01", "2023-01-01", "2023-12-31"},
		{"last_year", "2025-02-28", "2024-01-01", "2024-12-31"},
		{"month", "2024-02-01", "2024-02-01", "2024-02-29"},
		{"month", "2023-02-15", "2023-02-01", "2023-02-28"},
		{"month", "2024-12-31", "2024-12-01", "2024-12-31"},
		{"quarter", "2024-01-01", "2024-01-01", "2024-03-31"},
		{"quarter", "2024-05-20", "2024-04-01", "2024-06-30"},
		{"quarter", "2024-12-31", "2024-10-01", "2024-12-31"},
		{"year", "2024-01-01", "2024-01-01", "2024-12-31"},
		{"year", "2024-12-31", "2024-01-01", "2024-12-31"},
		{"last_12_months", "2024-01-01", "2023-01-01", "2023-12-31"},
		{"last_12_months", "2024-03-15", "2023-03-01", "2024-02-29"},
		{"last_12_months", "2024-12-31", "2023-12-01", "2024-11-30"},
	}
	for _, tc := range cases {
		kind, err := LookupPeriodKind(tc.kind)
		if err != nil {
			t.Fatal(err)
		}
		got := kind.Around(mustDate(t, tc.today))
		if got.Start.String() != tc.start || got.End.String() != tc.end {
			t.Errorf("%s on %s = %s, want %s to %s", tc.kind, tc.today, got, tc.start, tc.end)
		}
	}
}

// Every kind, on every day of a leap year and the next, gives a real, ordered period of the
// length its definition says.
func TestEveryPeriodKindHoldsItsDefinitionAllYear(t *testing.T) {
	for today := (Date{2024, time.January, 1}); today.Before(Date{2026, time.January, 1}); today = today.AddDays(1) {
		for _, k := range PeriodKinds {
			p := k.Around(today)
			if _, err := NewPeriod(p.Start, p.End); err != nil {
				t.Fatalf("%s on %s: %v", k.Name, today, err)
			}
			for _, d := range []Date{p.Start, p.End} {
				if _, err := ParseDate(d.String()); err != nil {
					t.Fatalf("%s on %s: %v", k.Name, today, err)
				}
			}
			days := int(p.End.Time().Sub(p.Start.Time()).Hours()/24) + 1
			endsToday := p.End == today
			var ok bool
			switch k.Name {
			case "today":
				ok = endsToday && days == 1
			case "yesterday", "last_7_days", "last_30_days":
				want := map[string]int{"yesterday": 1, "last_7_days": 7, "last_30_days": 30}[k.Name]
				ok = p.End == today.AddDays(-1) && days == want
			case "month_to_date":
				ok = endsToday && p.Start.Day == 1 && p.Start.Month == today.Month && p.Start.Year == today.Year
			case "last_month":
				ok = p.Start.Day == 1 && p.End.AddDays(1) == monthStart(today.Year, today.Month)
			case "quarter_to_date":
				ok = endsToday && p.Start.Day == 1 && (p.Start.Month-1)%3 == 0 && days <= 92
			case "last_quarter":
				ok = p.Start.Day == 1 && (p.Start.Month-1)%3 == 0 && p.End.AddDays(1) == monthStart(today.Year, quarterStart(today.Month)) && days >= 90 && days <= 92
			case "year_to_date":
				ok = endsToday && p.Start == Date{today.Year, time.January, 1}
			case "last_year":
				ok = p.Start == Date{today.Year - 1, time.January, 1} && p.End == Date{today.Year - 1, time.December, 31}
			case "month":
				ok = p.Start == monthStart(today.Year, today.Month) && p.End.AddDays(1) == monthStart(today.Year, today.Month+1)
			case "quarter":
				ok = p.Start == monthStart(today.Year, quarterStart(today.Month)) && p.End.AddDays(1) == monthStart(today.Year, quarterStart(today.Month)+3) && p.Contains(today)
			case "year":
				ok = p.Start == Date{today.Year, time.January, 1} && p.End == Date{today.Year, time.December, 31}
			case "last_12_months":
				ok = p.Start.Day == 1 && p.End.AddDays(1) == monthStart(today.Year, today.Month) && p.Start == monthStart(today.Year-1, today.Month) && days >= 365 && days <= 366
			default:
				t.Fatalf("kind %s has no definition check", k.Name)
			}
			if !ok {
				t.Fatalf("%s on %s = %s (%d days) breaks its definition", k.Name, today, p, days)
			}
		}
	}
}

func TestUnknownPeriodKindListsTheValidKinds(t *testing.T) {
	for _, name := range []string{"", "monthly", "Last_Month", "last month", " today"} {
		_, err := LookupPeriodKind(name)
		if err == nil {
			t.Fatalf("%q was taken as a kind", name)
		}
		for _, want := range append([]string{`"` + name + `"`}, PeriodKindNames()...) {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		}
	}
}

// The billing day is the day in the zone; the offset the timestamp was written with only
// fixes the instant.
func TestBillingDayIsTheDayInTheBillingZone(t *testing.T) {
	cases := []struct {
		at, zone, day string
	}{
		{"2024-02-29T20:00:00Z", DefaultBillingZoneName, "2024-03-01"},
		{"2024-02-29T15:59:59Z", DefaultBillingZoneName, "2024-02-29"},
		{"2024-02-29T16:00:00Z", DefaultBillingZoneName, "2024-03-01"},
		{"2024-03-01T07:00:00+08:00", DefaultBillingZoneName, "2024-03-01"},
		{"2024-02-29T23:00:00-01:00", DefaultBillingZoneName, "2024-03-01"},
		{"2023-12-31T16:00:00Z", DefaultBillingZoneName, "2024-01-01"},
		{"2024-02-29T20:00:00Z", "UTC", "2024-02-29"},
		{"2024-03-01T02:00:00Z", "-05:00", "2024-02-29"},
		{"2024-03-01T04:00:00Z", "-04:30", "2024-02-29"},
		{"2024-03-01T04:30:00Z", "-04:30", "2024-03-01"},
		{"2024-03-01T10:00:00.999999Z", "+14:00", "2024-03-02"},
		// Los Angeles leaves summer time on 2024-11-03, a 25-hour day: it starts at 07:00 UTC
		// (PDT, UTC−7) and ends at 08:00 UTC on the 4th (PST, UTC−8).
		{"2024-11-03T06:59:00Z", "America/Los_Angeles", "2024-11-02"},
		{"2024-11-03T07:00:00Z", "America/Los_Angeles", "2024-11-03"},
		{"2024-11-04T07:59:00Z", "America/Los_Angeles", "2024-11-03"},
		{"2024-11-04T08:00:00Z", "America/Los_Angeles", "2024-11-04"},
	}
	for _, tc := range cases {
		zone, err := ParseBillingZone(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		day, err := ParseBillingDay(tc.at, zone)
		if err != nil {
			t.Fatal(err)
		}
		if got := day.String(); got != tc.day {
			t.Errorf("%s in %s is %s, want %s", tc.at, tc.zone, got, tc.day)
		}
	}
}

func TestDefaultBillingZoneIsUTCPlus8(t *testing.T) {
	zone, err := ParseBillingZone(DefaultBillingZoneName)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(1990, time.July, 1, 15, 30, 0, 0, time.UTC) // Shanghai kept summer time then
	for _, z := range []*time.Location{zone, DefaultBillingZone} {
		if _, offset := at.In(z).Zone(); offset != 8*3600 {
			t.Errorf("%s is UTC%+d s", z, offset)
		}
	}
}

// A plain date names the billing day itself: no zone can move it to another day.
func TestParseBillingDayTakesAPlainDateAsThatDayInAnyZone(t *testing.T) {
	for _, in := range []string{"2024-03-01", "20240301"} {
		for _, zoneName := range []string{DefaultBillingZoneName, "UTC", "-14:00", "+14:00", "America/Los_Angeles"} {
			zone, err := ParseBillingZone(zoneName)
			if err != nil {
				t.Fatal(err)
			}
			day, err := ParseBillingDay(in, zone)
			if err != nil {
				t.Fatalf("ParseBillingDay(%q, %s): %v", in, zoneName, err)
			}
			if got := day.String(); got != "2024-03-01" {
				t.Errorf("ParseBillingDay(%q, %s) = %s, want 2024-03-01", in, zoneName, got)
			}
		}
	}
}

func TestParseBillingDayRefusesWhatIsNeitherADateNorRFC3339(t *testing.T) {
	for _, in := range []string{
		"", "2024-3-1", "2024-02-30", "2024-03-01 08:00:00Z", "2024-03-01T08:00:00", "2024-02-30T08:00:00Z",
		"1709280000", "2024-03-01T25:00:00Z", "2024-03-01T08:00:00+0800", "now",
	} {
		_, err := ParseBillingDay(in, DefaultBillingZone)
		if err == nil {
			t.Errorf("ParseBillingDay(%q) succeeded", in)
			continue
		}
		for _, want := range []string{`"` + in + `"`, "2024-03-01", "RFC 3339", "2024-03-01T08:00:00Z", "plantimestamp()"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		}
	}
}

func TestParseBillingZoneRefusesMachineDependentAndMalformedZones(t *testing.T) {
	for _, in := range []string{
		"", "Local", "+8:00", "+0800", "+08", "08:00", "+15:00", "-14:01", "+08:60", "UTC+8", "CST+8",
		"Asia/Nowhere", "../etc/passwd", "+0a:00",
	} {
		_, err := ParseBillingZone(in)
		if err == nil {
			t.Errorf("ParseBillingZone(%q) succeeded", in)
		} else if !strings.Contains(err.Error(), `"`+in+`"`) || !strings.Contains(err.Error(), "+08:00") {
			t.Errorf("error %q does not quote the value and show an example", err)
		}
	}
	for _, in := range []string{"+14:00", "-14:00", "+00:00", "-00:00", "+05:45", "UTC", "Europe/Berlin", "Asia/Shanghai"} {
		if _, err := ParseBillingZone(in); err != nil {
			t.Errorf("ParseBillingZone(%q): %v", in, err)
		}
	}
}

// A period may be as long as a leap year and no longer: every calendar year and billing_period
// kind fits, and a longer one is refused saying how long it is and what to do.
func TestNewPeriodTakesUpToALeapYear(t *testing.T) {
	t.Parallel()
	leap, err := NewPeriod(Date{2024, time.January, 1}, Date{2024, time.December, 31})
	if err != nil || leap.Days() != MaxPeriodDays {
		t.Fatalf("a leap year: %v, %v", leap, err)
	}
	_, err = NewPeriod(Date{2023, time.January, 1}, Date{2024, time.January, 2})
	if want := "2023-01-01 to 2024-01-02 is 367 days, and one read asks for at most 366"; !errors.Is(err, ErrPeriodTooLong) || !strings.Contains(err.Error(), want) {
		t.Errorf("367 days: %v, want %q", err, want)
	}
}
