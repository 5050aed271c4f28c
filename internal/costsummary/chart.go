package costsummary

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
)

var sparks = []rune("▁▂▃▄▅▆▇█")

// addChart adds the chart of a read's spending, from start to its last billed day, unless the
// same chart is there already (a details and a forecast read of the same days): then it names
// the read beside the other. A period over maxDailyChartDays is charted by month, from
// byMonth when the read has it, else from the sum of its days.
func addChart(charts []chart, address, start, end string, byDate, byMonth map[string]Amount, num number) []chart {
	if len(byDate) == 0 {
		return charts
	}
	c := buildChart(start, end, byDate, byMonth, num)
	c.Reads = []string{address}
	for i := range charts {
		if charts[i].Unit == c.Unit && charts[i].First == c.First && slices.Equal(charts[i].Values, c.Values) && charts[i].Note == c.Note {
			charts[i].Reads = append(charts[i].Reads, address)
			return charts
		}
	}
	return append(charts, c)
}

func buildChart(start, end string, byDate, byMonth map[string]Amount, num number) chart {
	dates := make([]time.Time, 0, len(byDate))
	for key := range byDate {
		d, err := time.Parse(time.DateOnly, key)
		if err != nil {
			return chart{Unit: "day", Note: fmt.Sprintf("no chart: %q in totals_by_date is not a date", displayName(key))}
		}
		dates = append(dates, d)
	}
	slices.SortFunc(dates, func(a, b time.Time) int { return a.Compare(b) })
	first, last := dates[0], dates[len(dates)-1]
	if s, err := time.Parse(time.DateOnly, start); err == nil && s.Before(first) {
		first = s
	}
	periodEnd := last
	if e, err := time.Parse(time.DateOnly, end); err == nil && e.After(periodEnd) {
		periodEnd = e
	}
	c := chart{Unit: "day", Axis: "Amount"}
	if num.cur != "" {
		c.Axis = string(num.cur)
	}
	var labels []string
	var series []Amount
	zero := Amount{Text: "0", value: new(big.Rat)}
	if int(periodEnd.Sub(first).Hours()/24)+1 > maxDailyChartDays {
		c.Unit = "month"
		months := byMonth
		if len(months) == 0 {
			months = sumByMonth(byDate)
		}
		firstMonth := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC)
		for m := firstMonth; !m.After(last); m = m.AddDate(0, 1, 0) {
			key := m.Format("2006-01")
			a, ok := months[key]
			if !ok {
				a = zero
			}
			labels, series = append(labels, key), append(series, a)
		}
		c.Title = fmt.Sprintf("Spending per month, %s to %s", labels[0], labels[len(labels)-1])
	} else {
		for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
			key := d.Format(time.DateOnly)
			a, ok := byDate[key]
			if !ok {
				a = zero
			}
			labels, series = append(labels, key), append(series, a)
		}
		c.Title = fmt.Sprintf("Spending per day, %s to %s", labels[0], labels[len(labels)-1])
	}
	c.First, c.Labels = labels[0], labels
	low, high := series[0], series[0]
	lowAt, highAt := labels[0], labels[0]
	for i, a := range series {
		c.Values = append(c.Values, fixed(a.value, 2, false))
		if a.value.Cmp(low.value) < 0 {
			low, lowAt = a, labels[i]
		}
		if a.value.Cmp(high.value) > 0 {
			high, highAt = a, labels[i]
		}
	}
	c.Low, c.High = "0", fixed(high.value, 2, false)
	if low.value.Sign() < 0 {
		c.Low = fixed(low.value, 2, false)
	}
	sparkFrom := max(0, len(series)-maxSparkline)
	c.Spark = sparkline(series[sparkFrom:], high.value)
	c.Note = fmt.Sprintf("lowest %s (%s), highest %s (%s)", num.money(low), lowAt, num.money(high), highAt)
	if sparkFrom > 0 {
		c.Note = fmt.Sprintf("the sparkline shows the last %d of %d %ss; ", maxSparkline, len(series), c.Unit) + c.Note
	}
	return c
}

// sumByMonth is the exact sum of each calendar month's days.
func sumByMonth(byDate map[string]Amount) map[string]Amount {
	sums := map[string]*big.Rat{}
	for key, a := range byDate {
		month := key[:7]
		if sums[month] == nil {
			sums[month] = new(big.Rat)
		}
		sums[month].Add(sums[month], a.value)
	}
	out := make(map[string]Amount, len(sums))
	for month, sum := range sums {
		out[month] = Amount{Text: exactText(sum), value: sum}
	}
	return out
}

// sparkline draws each value's height from 0 to highest, rounded to the nearest of 8 levels; a
// value of 0 or below is the lowest.
func sparkline(series []Amount, highest *big.Rat) string {
	var b strings.Builder
	top := int64(len(sparks) - 1)
	for _, a := range series {
		level := int64(0)
		if highest.Sign() > 0 && a.value.Sign() > 0 {
			scaled := new(big.Rat).Quo(a.value, highest)
			scaled.Mul(scaled, big.NewRat(top, 1))
			level = roundHalfAway(scaled, 0).Int64()
		}
		b.WriteRune(sparks[level])
	}
	return b.String()
}

// exactText writes a sum of decimals, which always ends, as a decimal with all its digits.
func exactText(r *big.Rat) string {
	for decimals := 0; decimals < 64; decimals++ {
		scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil))
		if new(big.Rat).Mul(r, scale).IsInt() {
			return r.FloatString(decimals)
		}
	}
	return r.FloatString(64)
}
