package costsummary

import (
	"cmp"
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
)

// Marker is the hidden first line of the Markdown, by which the CI recipe finds its comment on a
// pull request to update it in place.
const Marker = "<!-- guance-cost-summary -->"

// detail says how much of the summary below the headline a rendering keeps, from all of it to
// the headline alone: the Markdown gives up detail, a whole table or section at a time, until it
// fits its length.
type detail struct {
	top         int
	charts      bool
	products    bool
	sections    bool
	maxRows     int // 0: all
	maxFindings int // 0: all
}

func details(top int) []detail {
	return []detail{
		{top: top, charts: true, products: true, sections: true},
		{top: min(top, 3), products: true, sections: true},
		{top: min(top, 3), products: true, sections: true, maxFindings: 20},
		{top: top, sections: true, maxFindings: 20},
		{top: top, maxRows: 20, maxFindings: 20},
		{top: top, maxRows: 5, maxFindings: 5},
		{top: top, maxRows: 1, maxFindings: 1},
	}
}

// Markdown renders the summary for a CI step summary ($GITHUB_STEP_SUMMARY) or a pull-request
// comment: the headline and its table, one line per finding, and the rest in collapsed
// sections. It fits opts.MaxChars (GitHub's comment limit by default) by collapsing detail; it
// fails only when not even the headline fits.
func Markdown(s *Summary, opts Options) (string, error) {
	limit := opts.MaxChars
	if limit <= 0 {
		limit = GitHubCommentLimit
	}
	var out string
	for _, d := range details(cmp.Or(max(opts.TopProducts, 0), defaultTopProducts)) {
		o := opts
		o.TopProducts = d.top
		out = markdown(buildView(s, o), d)
		if Length(out) <= limit {
			return out, nil
		}
	}
	return "", fmt.Errorf("the summary takes %d characters even with one row and one finding, over the limit of %d: raise -max-chars", Length(out), limit)
}

// Length counts characters as a browser and GitHub's comment limit do: UTF-16 code units.
func Length(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func markdown(v view, d detail) string {
	var b strings.Builder
	b.WriteString(Marker + "\n")
	fmt.Fprintf(&b, "### %s Guance billing: %s\n\n", levelIcon[v.Level], mdText(v.Headline))
	if v.Note != "" {
		fmt.Fprintf(&b, "%s\n\n", mdText(v.Note))
	}
	rows, moreRows := capped(v.Rows, d.maxRows)
	if len(rows) > 0 {
		b.WriteString("| Budget or read | Period | Spent | Forecast | Budget | Used | Change | Status |\n")
		b.WriteString("|---|---|--:|--:|--:|--:|--:|---|\n")
		for _, r := range rows {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s %s |\n", mdText(r.Name), mdText(r.Period),
				r.Spent, r.Forecast, r.Budget, r.Used, r.Change, levelIcon[r.Level], r.Status)
		}
		if moreRows > 0 {
			fmt.Fprintf(&b, "\nand %s.\n", guance.Count(moreRows, "more read"))
		}
		b.WriteString("\n")
	}
	findings, moreFindings := capped(v.Findings, d.maxFindings)
	for _, f := range findings {
		fmt.Fprintf(&b, "- %s %s: %s\n", levelIcon[f.Level], mdCode(f.Address), mdText(f.Message))
	}
	if moreFindings > 0 {
		fmt.Fprintf(&b, "- and %s\n", guance.Count(moreFindings, "more finding"))
	}
	if len(findings) > 0 {
		b.WriteString("\n")
	}
	if d.sections {
		if d.products {
			for _, t := range v.Products {
				mdProducts(&b, t)
			}
		}
		for _, c := range v.Charts {
			mdChart(&b, c, d.charts)
		}
		if len(v.Balances) > 0 {
			b.WriteString("<details><summary>Balance</summary>\n\n")
			for _, bal := range v.Balances {
				fmt.Fprintf(&b, "- %s%s, read by %s\n", mdText(bal.Value), mdText(floorText(bal.Floor)), codeList(bal.Reads))
			}
			b.WriteString("\n</details>\n\n")
		}
		if len(v.Methods) > 0 {
			b.WriteString("<details><summary>How the figures were made</summary>\n\n")
			for _, m := range v.Methods {
				fmt.Fprintf(&b, "- %s: %s\n", mdCode(m.Label), mdText(m.Value))
			}
			b.WriteString("\n</details>\n\n")
		}
	} else if len(v.Products)+len(v.Charts)+len(v.Balances) > 0 {
		b.WriteString("Products, charts and the balance are left out to fit the comment: see the job's summary page, or run guance-cost-summary with a larger -max-chars.\n\n")
	}
	fmt.Fprintf(&b, "<sub>%s</sub>\n", mdText(v.Footer))
	return b.String()
}

func floorText(floor string) string {
	if floor == "" {
		return ""
	}
	return ", " + floor
}

func codeList(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = mdCode(s)
	}
	return strings.Join(out, ", ")
}

func capped[T any](items []T, n int) ([]T, int) {
	if n <= 0 || len(items) <= n {
		return items, 0
	}
	return items[:n], len(items) - n
}

func mdProducts(b *strings.Builder, t productTable) {
	fmt.Fprintf(b, "<details><summary>Products of %s</summary>\n\n", htmlText(t.Address))
	if t.NothingBilled {
		b.WriteString("No product was billed in this period.\n\n</details>\n\n")
		return
	}
	b.WriteString("| Product | " + t.AmountHeading + " | Share |")
	align := "|---|--:|--:|"
	if t.WithBudget {
		b.WriteString(" Budget | Used |")
		align += "--:|--:|"
		if t.Rows[0].Status != "" {
			b.WriteString(" Status |")
			align += "---|"
		}
	}
	b.WriteString("\n" + align + "\n")
	for _, p := range t.Rows {
		fmt.Fprintf(b, "| %s | %s | %s |", mdText(p.Name), p.Amount, p.Share)
		if t.WithBudget {
			fmt.Fprintf(b, " %s | %s |", cmpDash(p.Budget), cmpDash(p.Used))
			if p.Status != "" {
				fmt.Fprintf(b, " %s %s |", levelIcon[p.Level], p.Status)
			}
		}
		b.WriteString("\n")
	}
	if t.More != "" {
		fmt.Fprintf(b, "\n%s.\n", t.More)
	}
	b.WriteString("\n</details>\n\n")
}

func cmpDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func mdChart(b *strings.Builder, c chart, withChart bool) {
	fmt.Fprintf(b, "<details><summary>%s</summary>\n\n", htmlText(c.Title+cmpSuffix(c.Title)))
	if c.Spark == "" {
		fmt.Fprintf(b, "%s\n\n</details>\n\n", mdText(c.Note))
		return
	}
	fmt.Fprintf(b, "%s %s; read by %s.\n", c.Spark, mdText(c.Note), codeList(c.Reads))
	if withChart {
		// Every word in the chart is the summary's own: labels come from parsed dates and values
		// are formatted here, so nothing from the plan reaches Mermaid.
		b.WriteString("\n```mermaid\nxychart-beta\n")
		if c.Unit == "day" {
			// A numeric day axis: Mermaid spaces its ticks, where 31 date labels would overlap.
			fmt.Fprintf(b, "    x-axis \"Day (1 is %s)\" 1 --> %d\n", c.First, max(2, len(c.Values))) // a range of one day does not draw
		} else {
			fmt.Fprintf(b, "    x-axis [\"%s\"]\n", strings.Join(c.Labels, "\", \""))
		}
		if c.High != c.Low {
			fmt.Fprintf(b, "    y-axis \"%s\" %s --> %s\n", c.Axis, c.Low, c.High)
		} else {
			fmt.Fprintf(b, "    y-axis \"%s\"\n", c.Axis)
		}
		fmt.Fprintf(b, "    bar [%s]\n", strings.Join(c.Values, ", "))
		b.WriteString("```\n")
	}
	b.WriteString("\n</details>\n\n")
}

func cmpSuffix(title string) string {
	if title == "" {
		return "Spending"
	}
	return ""
}
