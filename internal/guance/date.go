package guance

import (
	"fmt"
	"strconv"
	"time"
)

// Date is a calendar day, without time or zone: billing is kept per day of the Guance site.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate accepts YYYYMMDD and YYYY-MM-DD and only real calendar days.
func ParseDate(s string) (Date, error) {
	var layout string
	switch len(s) {
	case len("20060102"):
		layout = "20060102"
	case len("2006-01-02"):
		layout = "2006-01-02"
	default:
		return Date{}, fmt.Errorf("%q is not a date: use YYYY-MM-DD or YYYYMMDD", s)
	}
	if !allDigitsOrDashes(s, layout) {
		return Date{}, fmt.Errorf("%q is not a date: use YYYY-MM-DD or YYYYMMDD", s)
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		// time.Parse already refuses 2023-02-30, 2023-13-01 and the like.
		return Date{}, fmt.Errorf("%q is not a real calendar date", s)
	}
	return DateOf(t), nil
}

// allDigitsOrDashes keeps time.Parse from taking signs or spaces that the layout does not show.
func allDigitsOrDashes(s, layout string) bool {
	for i := 0; i < len(s); i++ {
		if layout[i] == '-' {
			if s[i] != '-' {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// DateOf is the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// Time is midnight UTC of the day, for date arithmetic.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// AddDays moves the date by n days (negative n goes back).
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool { return d.Time().Before(o.Time()) }

// String is the YYYY-MM-DD form, as the API writes consumeTimeOfDay.
func (d Date) String() string { return string(d.appendDigits(make([]byte, 0, 10), '-')) }

// compact is the YYYYMMDD form, as the API takes startDate and endDate.
func (d Date) compact() string { return string(d.appendDigits(make([]byte, 0, 8), 0)) }

// appendDigits writes the date as digits, with sep between the parts unless it is 0. It is
// called once per record when state is written, so it avoids fmt.
func (d Date) appendDigits(b []byte, sep byte) []byte {
	const digits = "0123456789"
	two := func(b []byte, n int) []byte { return append(b, digits[n/10%10], digits[n%10]) }
	if d.Year >= 0 && d.Year <= 9999 {
		b = two(two(b, d.Year/100), d.Year%100)
	} else {
		b = strconv.AppendInt(b, int64(d.Year), 10) // never wrapped into four digits
	}
	if sep != 0 {
		b = append(b, sep)
	}
	b = two(b, int(d.Month))
	if sep != 0 {
		b = append(b, sep)
	}
	return two(b, d.Day)
}
