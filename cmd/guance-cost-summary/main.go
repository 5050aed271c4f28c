// Command guance-cost-summary summarises the Guance billing that a Terraform plan (or state)
// read: each guance_billing_budget decision, each guance_billing_details,
// guance_billing_forecast and guance_billing_balance read in any module, and the conditions that
// failed, as one screen of Markdown (a pull-request comment, a CI step summary) or text.
//
//	guance-cost-summary tfplan >> "$GITHUB_STEP_SUMMARY"      # runs terraform show -json tfplan
//	terraform show -json tfplan | guance-cost-summary -format text
//
// It prints nothing on standard output when the input cannot be summarised, and exits 1 with
// the reason on standard error.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/guance-finops/terraform-provider-guance/internal/costsummary"
)

// version is set by the release build (-X main.version).
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

type config struct {
	format, budgetsPath, currency, terraform, note string
	top, maxChars                                  int
	exact                                          bool
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("guance-cost-summary", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: guance-cost-summary [flags] [FILE]

Reads a saved plan file (running 'terraform show -json' on it, in the current directory), or the
output of 'terraform show -json PLANFILE' (or 'terraform show -json' of a state), from FILE or
from standard input, and prints a summary of its Guance billing reads.

`)
		fs.PrintDefaults()
	}
	var c config
	fs.StringVar(&c.format, "format", "markdown", "`markdown` (for $GITHUB_STEP_SUMMARY or a pull-request comment) or text (for a terminal)")
	fs.StringVar(&c.budgetsPath, "budgets", "", "a budgets `file`, {\"guance_budgets\": {\"monthly\": 100000, \"products\": {\"Log\": 50000}, \"balance_floor\": 5000, \"currency\": \"CNY\"}}, for a plan without a guance_billing_budget read (it is refused with one); without it, the plan's variables monthly_budget, product_budgets and balance_floor, when it has them. Either applies only to reads of one calendar month")
	fs.IntVar(&c.top, "top", 5, "how many products to list per read, the most costly first")
	fs.StringVar(&c.currency, "currency", os.Getenv("GUANCE_CURRENCY"), "the ISO 4217 `code` of the currency the site bills in, such as CNY, printed after every amount; defaults to GUANCE_CURRENCY, as the provider's own currency does; without either, the budgets file's currency or the plan's variable currency, and amounts print bare when none states one (the API reports no currency)")
	fs.BoolVar(&c.exact, "exact", false, "show every amount exactly as Terraform holds it, instead of rounded to 2 decimals")
	fs.IntVar(&c.maxChars, "max-chars", costsummary.GitHubCommentLimit, "the longest Markdown to print, in `characters`: GitHub's comment limit by default; the summary collapses detail to fit (for example 4000 for a short step summary, or another host's limit)")
	fs.StringVar(&c.terraform, "terraform", "", "the Terraform or OpenTofu `binary` that reads a saved plan file: by default terraform, else tofu, on PATH")
	fs.StringVar(&c.note, "note", "", "a line of `text` shown under the headline")
	showVersion := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *showVersion {
		fmt.Fprintf(stdout, "guance-cost-summary %s\n", version)
		return 0
	}
	out, err := summarise(fs.Args(), c, stdin)
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

func summarise(paths []string, c config, stdin io.Reader) (string, error) {
	if c.format != "markdown" && c.format != "text" {
		return "", fmt.Errorf("-format is %q; use markdown or text", c.format)
	}
	if c.top < 1 {
		return "", fmt.Errorf("-top is %d; list at least 1 product", c.top)
	}
	if c.maxChars < 1 {
		return "", fmt.Errorf("-max-chars is %d; give the longest comment the host accepts, such as 65536 for GitHub", c.maxChars)
	}
	cur, err := costsummary.ParseCurrency(c.currency, "-currency")
	if err != nil {
		return "", err
	}
	opts := costsummary.Options{TopProducts: c.top, Currency: cur, Exact: c.exact, MaxChars: c.maxChars, Note: c.note}
	if c.budgetsPath != "" {
		budgets, err := readBudgets(c.budgetsPath)
		if err != nil {
			return "", err
		}
		opts.Budgets = &budgets
	}
	raw, name, err := readInput(paths, stdin, c.terraform)
	if err != nil {
		return "", err
	}
	s, err := costsummary.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	if opts.Budgets != nil && s.HasBudgetReads() {
		return "", fmt.Errorf("-budgets %s: the plan reads guance_billing_budget, whose decisions are its budgets; drop -budgets", c.budgetsPath)
	}
	if c.format == "text" {
		return costsummary.Text(s, opts), nil
	}
	return costsummary.Markdown(s, opts)
}

// readInput reads the input; a saved plan file is turned into JSON by terraform show -json.
func readInput(paths []string, stdin io.Reader, terraform string) ([]byte, string, error) {
	switch len(paths) {
	case 0:
		raw, err := io.ReadAll(stdin)
		if err != nil {
			return nil, "", fmt.Errorf("reading standard input: %w", err)
		}
		return raw, "standard input", nil
	case 1:
	default:
		return nil, "", fmt.Errorf("one input at a time, got %d files", len(paths))
	}
	path := paths[0]
	raw, err := os.ReadFile(path) //nolint:gosec // reading the file the user names is the point
	if err != nil {
		return nil, "", err
	}
	if !costsummary.IsPlanFile(raw) {
		return raw, path, nil
	}
	raw, err = showJSON(terraform, path)
	if err != nil {
		return nil, "", err
	}
	return raw, path + " (through terraform show -json)", nil
}

// showJSON runs `terraform show -json PLANFILE` in the current directory, where the plan's
// configuration was initialised: Terraform needs its providers' schemas to read a plan.
func showJSON(terraform, path string) ([]byte, error) {
	if terraform == "" {
		for _, name := range []string{"terraform", "tofu"} {
			if found, err := exec.LookPath(name); err == nil {
				terraform = found
				break
			}
		}
		if terraform == "" {
			return nil, fmt.Errorf("%s is a saved plan file, and neither terraform nor tofu is on PATH to read it: pass -terraform PATH, or the output of terraform show -json", path)
		}
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(context.Background(), terraform, "show", "-json", "-no-color", path) //nolint:gosec // the binary the user names, or terraform/tofu from PATH
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 2000 {
			msg = msg[:2000] + "…"
		}
		return nil, fmt.Errorf("%s show -json %s: %w; run it in the directory where the plan was made, after terraform init:\n%s", terraform, path, err, costsummary.Clean(msg))
	}
	return stdout.Bytes(), nil
}

func readBudgets(path string) (costsummary.Budgets, error) {
	f, err := os.Open(path) //nolint:gosec // reading the file the user names is the point
	if err != nil {
		return costsummary.Budgets{}, err
	}
	defer f.Close()
	return costsummary.ReadBudgets(f, path)
}
