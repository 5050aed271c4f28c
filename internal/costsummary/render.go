package costsummary

import (
	"fmt"
	"strings"
)

// Markdown renders the summary for a CI step summary ($GITHUB_STEP_SUMMARY) or a pull-request
// comment: GitHub renders its Mermaid block as a chart of each daily trend.
func Markdown(s *Summary, opts Options) string {
	v := buildView(s, opts)
	var b strings.Builder
	b.WriteString("## Guance billing\n\n")
	fmt.Fprintf(&b, "%s **%s**\n", [...]string{"✅", "⚠️", "❌"}[v.Level], mdEscape(v.Headline))
	for _, sec := range v.Sections {
		fmt.Fprintf(&b, "\n### %s · %s\n\n", sec.Title, mdCode(clean(sec.Address)))
		for _, f := range sec.Facts {
			value := mdEscape(f.Value)
			if f.Strong {
				value = "**" + value + "**"
			}
			fmt.Fprintf(&b, "- %s: %s\n", f.Label, value)
		}
		for _, msg := range sec.Failures {
			fmt.Fprintf(&b, "\n> ❌ **Postcondition failed:** %s\n", mdEscape(cleanMessage(msg)))
		}
		if len(sec.Products) > 0 {
			withBudget := hasBudget(sec.Products)
			fmt.Fprintf(&b, "\n| Product | %s | Share |", sec.ProductsHeading)
			if withBudget {
				b.WriteString(" Budget used |")
			}
			b.WriteString("\n|---|--:|--:|")
			if withBudget {
				b.WriteString("--:|")
			}
			b.WriteString("\n")
			for _, p := range sec.Products {
				fmt.Fprintf(&b, "| %s | %s | %s |", mdEscape(p.Name), p.Amount, p.Share)
				if withBudget {
					fmt.Fprintf(&b, " %s |", p.Budget)
				}
				b.WriteString("\n")
			}
			if sec.More != "" {
				fmt.Fprintf(&b, "\n%s\n", sec.More)
			}
		} else if sec.ProductsHeading != "" {
			b.WriteString("\nNo product was billed in this period.\n")
		}
		if t := sec.Trend; t != nil {
			if t.Spark == "" {
				fmt.Fprintf(&b, "\nDaily: %s.\n", mdEscape(t.Note))
				continue
			}
			fmt.Fprintf(&b, "\nDaily: %s %s.\n", t.Spark, mdEscape(t.Note))
			// A numeric day axis: Mermaid spaces its ticks, where 31 date labels would overlap.
			b.WriteString("\n```mermaid\nxychart-beta\n")
			fmt.Fprintf(&b, "    title \"%s per day\"\n", v.Currency.heading("Spending"))
			fmt.Fprintf(&b, "    x-axis \"Day (1 is %s)\" 1 --> %d\n", t.First, max(2, len(t.Values))) // a range of one day does not draw
			if t.High != t.Low {
				fmt.Fprintf(&b, "    y-axis \"%s\" %s --> %s\n", v.Currency.heading("Amount"), t.Low, t.High)
			} else {
				fmt.Fprintf(&b, "    y-axis \"%s\"\n", v.Currency.heading("Amount"))
			}
			fmt.Fprintf(&b, "    bar [%s]\n", strings.Join(t.Values, ", "))
			b.WriteString("```\n")
		}
	}
	if len(v.Warnings) > 0 {
		b.WriteString("\n### Check blocks\n\n")
		for _, w := range v.Warnings {
			for _, msg := range w.Messages {
				fmt.Fprintf(&b, "- ⚠️ %s: %s\n", mdCode(clean(w.Address)), mdEscape(cleanMessage(msg)))
			}
		}
	}
	fmt.Fprintf(&b, "\n<sub>%s</sub>\n", mdEscape(footer(s, v)))
	return b.String()
}

// Text renders the summary for a terminal, with the same content as Markdown and the trend as
// a sparkline.
func Text(s *Summary, opts Options) string {
	v := buildView(s, opts)
	var b strings.Builder
	fmt.Fprintf(&b, "Guance billing: %s\n", v.Headline)
	for _, sec := range v.Sections {
		fmt.Fprintf(&b, "\n%s  %s\n", sec.Title, clean(sec.Address))
		labelWidth := len("Daily")
		for _, f := range sec.Facts {
			labelWidth = max(labelWidth, columns(f.Label))
		}
		for _, f := range sec.Facts {
			fmt.Fprintf(&b, "  %s  %s\n", pad(f.Label, labelWidth, false), f.Value)
		}
		for _, msg := range sec.Failures {
			fmt.Fprintf(&b, "  %s  postcondition: %s\n", pad("FAILED", labelWidth, false), cleanMessage(msg))
		}
		if len(sec.Products) > 0 {
			writeProductTable(&b, sec)
		} else if sec.ProductsHeading != "" {
			b.WriteString("\n  No product was billed in this period.\n")
		}
		if t := sec.Trend; t != nil {
			b.WriteString("\n")
			if t.Spark == "" {
				fmt.Fprintf(&b, "  %s  %s\n", pad("Daily", labelWidth, false), t.Note)
				continue
			}
			fmt.Fprintf(&b, "  %s  %s\n  %s  %s\n", pad("Daily", labelWidth, false), t.Spark, pad("", labelWidth, false), t.Note)
		}
	}
	if len(v.Warnings) > 0 {
		b.WriteString("\nCheck blocks\n")
		for _, w := range v.Warnings {
			for _, msg := range w.Messages {
				fmt.Fprintf(&b, "  WARNING  %s: %s\n", clean(w.Address), cleanMessage(msg))
			}
		}
	}
	fmt.Fprintf(&b, "\n%s\n", footer(s, v))
	return b.String()
}

func writeProductTable(b *strings.Builder, sec section) {
	header := productRow{Name: "Product", Amount: sec.ProductsHeading, Share: "Share", Budget: "Budget used"}
	rows := append([]productRow{header}, sec.Products...)
	withBudget := hasBudget(sec.Products)
	var nameW, amountW, shareW int
	for _, r := range rows {
		nameW = max(nameW, columns(r.Name))
		amountW = max(amountW, columns(r.Amount))
		shareW = max(shareW, columns(r.Share))
	}
	b.WriteString("\n")
	for _, r := range rows {
		line := "  " + pad(r.Name, nameW, false) + "  " + pad(r.Amount, amountW, true) + "  " + pad(r.Share, shareW, true)
		if withBudget {
			line += "  " + r.Budget
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	if sec.More != "" {
		fmt.Fprintf(b, "  %s\n", sec.More)
	}
}

func hasBudget(rows []productRow) bool {
	for _, r := range rows {
		if r.Budget != "" {
			return true
		}
	}
	return false
}

func footer(s *Summary, v view) string {
	f := "From terraform show -json of a " + s.Kind
	if s.TerraformVersion != "" {
		f += " (Terraform " + s.TerraformVersion + ")"
	}
	if v.Currency != "" {
		f += "; amounts in " + string(v.Currency) + " as Terraform holds them"
	} else {
		// The API reports no currency: say where to state it rather than guess one.
		f += "; amounts as Terraform holds them, in no stated currency (pass -currency, or give the plan a currency variable)"
	}
	f += "; shares rounded down to a tenth."
	if v.Budgets != "" {
		f += " " + v.Budgets
	}
	return f
}

// cleanMessage keeps a condition's message on one line and safe to print.
func cleanMessage(s string) string {
	return clean(strings.Join(strings.Fields(s), " "))
}

// mdEscape makes text literal in Markdown, in a paragraph or a table cell.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>|~&#", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCode puts s in a code span whose fence is longer than any run of backticks in it.
func mdCode(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if longest > 0 {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}
