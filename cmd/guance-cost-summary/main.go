// Command guance-cost-summary summarises the Guance billing that a Terraform plan (or state)
// read: each guance_billing_details, guance_billing_forecast and guance_billing_balance read in
// any module, with its total, top products, budget used, daily trend and failed conditions.
//
//	terraform show -json tfplan | guance-cost-summary >> "$GITHUB_STEP_SUMMARY"
//	terraform show -json tfplan | guance-cost-summary -format text
//
// It prints nothing on standard output when the input cannot be summarised, and exits 1 with
// the reason on standard error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/guance-finops/terraform-provider-guance/internal/costsummary"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("guance-cost-summary", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: guance-cost-summary [flags] [FILE]

Reads the output of 'terraform show -json PLANFILE' (or 'terraform show -json' of a state) from
FILE, or from standard input, and prints a summary of its Guance billing reads.

`)
		fs.PrintDefaults()
	}
	format := fs.String("format", "markdown", "`markdown` (for $GITHUB_STEP_SUMMARY or a pull-request comment) or text (for a terminal)")
	budgetsPath := fs.String("budgets", "", "a budgets `file` shaped like examples/ci/policy/budgets.json; without it, the plan's variables monthly_budget, product_budgets and balance_floor are the budgets, when it has them")
	top := fs.Int("top", 5, "how many products to list per read, the most costly first")
	currency := fs.String("currency", "", "the ISO 4217 `code` of the currency the site bills in, such as CNY, printed after every amount; without it, the budgets file's currency or the plan's variable currency, and amounts print bare when neither states one (the API reports no currency)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	out, err := summarise(fs.Args(), *format, *budgetsPath, *currency, *top, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "guance-cost-summary: %v\n", err)
		return 1
	}
	if _, err := io.WriteString(stdout, out); err != nil {
		fmt.Fprintf(stderr, "guance-cost-summary: %v\n", err)
		return 1
	}
	return 0
}

func summarise(paths []string, format, budgetsPath, currency string, top int, stdin io.Reader) (string, error) {
	render := map[string]func(*costsummary.Summary, costsummary.Options) string{
		"markdown": costsummary.Markdown,
		"text":     costsummary.Text,
	}[format]
	if render == nil {
		return "", fmt.Errorf("-format is %q; use markdown or text", format)
	}
	if top < 1 {
		return "", fmt.Errorf("-top is %d; list at least 1 product", top)
	}
	cur, err := costsummary.ParseCurrency(currency, "-currency")
	if err != nil {
		return "", err
	}
	opts := costsummary.Options{TopProducts: top, Currency: cur}
	if budgetsPath != "" {
		budgets, err := readBudgets(budgetsPath)
		if err != nil {
			return "", err
		}
		opts.Budgets = &budgets
	}
	input, name := stdin, "standard input"
	switch len(paths) {
	case 0:
	case 1:
		f, err := os.Open(paths[0]) //nolint:gosec // reading the file the user names is the point
		if err != nil {
			return "", err
		}
		defer f.Close()
		input, name = f, paths[0]
	default:
		return "", fmt.Errorf("one input at a time, got %d files", len(paths))
	}
	s, err := costsummary.Parse(input)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return render(s, opts), nil
}

func readBudgets(path string) (costsummary.Budgets, error) {
	f, err := os.Open(path) //nolint:gosec // reading the file the user names is the point
	if err != nil {
		return costsummary.Budgets{}, err
	}
	defer f.Close()
	return costsummary.ReadBudgets(f, path)
}
