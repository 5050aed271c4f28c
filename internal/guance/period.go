package guance

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zone names must resolve on machines without a zoneinfo database (Windows, slim containers)
)

// Period is an inclusive range of days.
type Period struct {
	Start, End Date
}

// MaxPeriodDays is the longest period one read asks for: a leap year, so that every calendar
// year and every billing_period kind fits. The API documents no longest period (its reference
// says nothing of one); a year of a large workspace's records is already most of the body cap
// (DefaultMaxBodyBytes holds about 215,000 records), and a longer read is refused at plan
// time rather than split (DESIGN.md says why).
const MaxPeriodDays = 366

// ErrPeriodTooLong is NewPeriod's error for a period of more than MaxPeriodDays.
var ErrPeriodTooLong = errors.New("the period is too long")

// NewPeriod checks that end is not before start and that the period is at most MaxPeriodDays.
func NewPeriod(start, end Date) (Period, error) {
	if end.Before(start) {
		return Period{}, fmt.Errorf("the period ends (%s) before it starts (%s)", end, start)
	}
	p := Period{Start: start, End: end}
	if p.Days() > MaxPeriodDays {
		return Period{}, fmt.Errorf("%w: %s is %d days, and one read asks for at most %d (a leap year); the API documents "+
			"no longest period, and a longer answer would near the client's cap. Read each year in a data source of its own "+
			"(totals_by_month breaks a year down by month)", ErrPeriodTooLong, p, p.Days(), MaxPeriodDays)
	}
	return p, nil
}

// Contains reports whether day d lies in the period.
func (p Period) Contains(d Date) bool { return !d.Before(p.Start) && !p.End.Before(d) }

// Days is how many days the period holds, both ends included.
func (p Period) Days() int {
	return int(p.End.Time().Sub(p.Start.Time()).Hours()/24) + 1
}

func (p Period) String() string { return p.Start.String() + " to " + p.End.String() }

// DefaultBillingZone is the zone whose calendar day Guance's China sites bill by: China
// Standard Time, UTC+8 all year round. It is a fixed offset rather than Asia/Shanghai, whose
// history holds summer times (1986–1991) that billing never used.
var DefaultBillingZone = time.FixedZone("UTC+08:00", 8*60*60)

// DefaultBillingZoneName is how DefaultBillingZone is written where a zone is taken as text.
const DefaultBillingZoneName = "+08:00"

// PeriodKind is a named billing period relative to a billing day, such as last_month.
type PeriodKind struct {
	Name string
	// Description defines the period in Markdown, for the documentation.
	Description string
	around      func(today Date) Period
}

// PeriodKinds lists every kind, in the order the documentation shows them. Kinds that end
// today include the day in progress; month, quarter and year run to the period's last day,
// which may lie in the future; the others are complete days that are over.
var PeriodKinds = []PeriodKind{
	{Name: "today", Description: "the billing day of `at` alone (still in progress, so its bill may be incomplete)",
		around: func(today Date) Period { return Period{today, today} }},
	{Name: "yesterday", Description: "the day before",
		around: func(today Date) Period { return lastDays(today, 1) }},
	{Name: "last_7_days", Description: "the 7 complete days before today: today−7 to today−1",
		around: func(today Date) Period { return lastDays(today, 7) }},
	{Name: "last_30_days", Description: "the 30 complete days before today: today−30 to today−1",
		around: func(today Date) Period { return lastDays(today, 30) }},
	{Name: "month_to_date", Description: "the first day of the month to today, inclusive",
		around: func(today Date) Period { return Period{monthStart(today.Year, today.Month), today} }},
	{Name: "last_month", Description: "the whole previous calendar month (in January, December of the previous year)",
		around: func(today Date) Period { return months(today.Year, today.Month-1, 1) }},
	{Name: "quarter_to_date", Description: "the first day of the calendar quarter (January, April, July or October) to today, inclusive",
		around: func(today Date) Period { return Period{monthStart(today.Year, quarterStart(today.Month)), today} }},
	{Name: "last_quarter", Description: "the whole previous calendar quarter (in January to March, October to December of the previous year)",
		around: func(today Date) Period { return months(today.Year, quarterStart(today.Month)-3, 3) }},
	{Name: "year_to_date", Description: "1 January to today, inclusive",
		around: func(today Date) Period { return Period{Date{today.Year, time.January, 1}, today} }},
	{Name: "last_year", Description: "the whole previous calendar year",
		around: func(today Date) Period { return months(today.Year-1, time.January, 12) }},
	{Name: "month", Description: "the whole calendar month holding today, its future days included: a budget's or a forecast's period",
		around: func(today Date) Period { return months(today.Year, today.Month, 1) }},
	{Name: "quarter", Description: "the whole calendar quarter holding today, its future days included",
		around: func(today Date) Period { return months(today.Year, quarterStart(today.Month), 3) }},
	{Name: "year", Description: "the whole calendar year holding today, its future days included",
		around: func(today Date) Period { return months(today.Year, time.January, 12) }},
	{Name: "last_12_months", Description: "the 12 complete calendar months before the month holding today",
		around: func(today Date) Period { return months(today.Year, today.Month-12, 12) }},
}

// PeriodKindNames lists the kinds' names, in PeriodKinds order.
func PeriodKindNames() []string {
	names := make([]string, len(PeriodKinds))
	for i, k := range PeriodKinds {
		names[i] = k.Name
	}
	return names
}

// LookupPeriodKind finds a kind by its name, which must match exactly.
func LookupPeriodKind(name string) (PeriodKind, error) {
	for _, k := range PeriodKinds {
		if k.Name == name {
			return k, nil
		}
	}
	return PeriodKind{}, fmt.Errorf("%q is not a billing period kind%s; use one of %s", name,
		didYouMean(name, PeriodKindNames()), strings.Join(PeriodKindNames(), ", "))
}

// Around is the period of this kind for the billing day today.
func (k PeriodKind) Around(today Date) Period { return k.around(today) }

// BillingDay is the calendar day that instant at falls on in the billing zone. The offset at
// was written with does not matter: 2024-03-01T07:00:00+08:00 and 2024-02-29T23:00:00Z are
// the same instant and the same billing day.
func BillingDay(at time.Time, zone *time.Location) Date { return DateOf(at.In(zone)) }

// ParseBillingDay reads at as the billing day it names. A plain date (`YYYY-MM-DD`, or
// `YYYYMMDD` as in a period) is that billing day itself, whatever the zone; an RFC 3339
// timestamp, such as Terraform's plantimestamp() gives, is an instant, whose billing day
// depends on the zone.
func ParseBillingDay(at string, zone *time.Location) (Date, error) {
	if len(at) <= len("2006-01-02") {
		if d, err := ParseDate(at); err == nil {
			return d, nil
		}
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return Date{}, fmt.Errorf("%q is neither a date nor an RFC 3339 timestamp; write a billing day like 2024-03-01, "+
			"or an instant like 2024-03-01T08:00:00Z or 2024-03-01T16:00:00+08:00, or pass plantimestamp()", at)
	}
	return BillingDay(t, zone), nil
}

// ParseBillingZone accepts a UTC offset written ±HH:MM (as in RFC 3339), or an IANA zone
// name such as UTC or Europe/Berlin.
func ParseBillingZone(s string) (*time.Location, error) {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		return parseOffset(s)
	}
	// LoadLocation takes "" and "Local" for UTC and the machine's zone; a plan must not
	// depend on the machine it runs on, so neither is accepted.
	if s != "" && s != "Local" {
		if loc, err := time.LoadLocation(s); err == nil {
			return loc, nil
		}
	}
	hint := offsetHint(s)
	if hint == "" {
		hint = didYouMean(s, zoneNames())
	}
	return nil, fmt.Errorf("%q is not a time zone%s; write a UTC offset such as +08:00 or -05:00, or an IANA zone "+
		"name such as UTC or Europe/Berlin", s, hint)
}

// parseOffset reads ±HH:MM, up to ±14:00, the widest offset in use.
func parseOffset(s string) (*time.Location, error) {
	bad := fmt.Errorf("%q is not a UTC offset%s; write it ±HH:MM, such as +08:00 or -05:30, from -14:00 to +14:00", s, offsetHint(s))
	if len(s) != len("+08:00") || s[3] != ':' || !allDigits(s[1:3]) || !allDigits(s[4:]) {
		return nil, bad
	}
	hours, _ := strconv.Atoi(s[1:3])
	minutes, _ := strconv.Atoi(s[4:])
	seconds := hours*3600 + minutes*60
	if minutes > 59 || seconds > 14*3600 {
		return nil, bad
	}
	if s[0] == '-' {
		seconds = -seconds
	}
	return time.FixedZone("UTC"+s, seconds), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// monthStart is the first day of a month; months outside 1–12 roll into the next or
// previous years, so month 0 is December of year−1.
func monthStart(year int, month time.Month) Date {
	return DateOf(time.Date(year, month, 1, 0, 0, 0, 0, time.UTC))
}

// months is the period of n whole calendar months from the month given (normalised as in
// monthStart).
func months(year int, first time.Month, n int) Period {
	return Period{monthStart(year, first), monthStart(year, first+time.Month(n)).AddDays(-1)}
}

// quarterStart is the first month of the calendar quarter holding m.
func quarterStart(m time.Month) time.Month { return m - (m-1)%3 }

// lastDays is the n complete days before today.
func lastDays(today Date, n int) Period { return Period{today.AddDays(-n), today.AddDays(-1)} }
