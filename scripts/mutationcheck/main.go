// Command mutationcheck breaks, one at a time, lines of production code that a promise of the
// docs or a fix rests on, and fails unless each break is caught by the tests named for it.
// A promise that no test proves passes every test once the line is gone; this keeps such
// promises proved.
//
// It works on a copy of the repository's tracked files, as they are in the work tree, in a
// directory of its own under the user's cache directory (kept between runs, so that Go's build
// cache stays warm); the work tree is never written. First it runs every named test on the
// unbroken copy, which must pass; then, for each mutation, it replaces one exact piece of a
// file, which must occur once, runs the tests named for it, which must each fail by name, and
// puts the file back.
//
//	go run ./scripts/mutationcheck      (make mutation-check)
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// killer is a test expected to fail when a mutation is applied: a Go test, or a command whose
// output names the failed test.
type killer struct {
	test   string   // the test's name
	cmd    []string // the command that runs it, in the repository's root
	failed string   // what the command prints when the test fails
}

// mutation is one break of production code: from, which must occur exactly once in file,
// becomes to.
type mutation struct {
	name     string
	file     string
	from, to string
	killers  []killer
}

// goTest is a top-level Go test of pkg, run uncached.
func goTest(pkg, test string) killer {
	return killer{test: test, cmd: []string{"go", "test", "-count=1", "-run", "^" + test + "$", pkg}, failed: "--- FAIL: " + test + " "}
}

func guanceTest(test string) killer      { return goTest("./internal/guance/", test) }
func providerTest(test string) killer    { return goTest("./internal/provider/", test) }
func costSummaryTest(test string) killer { return goTest("./internal/costsummary/", test) }

// opaTest is a test of the OPA policy of examples/ci, run by opa test (make policy-test).
func opaTest(test string) killer {
	return killer{
		test:   test,
		cmd:    []string{"go", "tool", "-modfile=tools/opa/go.mod", "opa", "test", "examples/ci/policy", "--run", "^data.guance.cost_guard_test." + test + "$"},
		failed: "data.guance.cost_guard_test." + test + ": FAIL",
	}
}

var mutations = []mutation{
	{
		name: "Go's transport-error text is not scrubbed of the token",
		file: "internal/guance/response.go",
		from: "text: c.scrub.String(inner.Error()),", to: "text: inner.Error(),",
		killers: []killer{guanceTest("TestTheTokenEchoedByTheServerIsScrubbedEverywhere")},
	},
	{
		name: "a host name that does not exist is asked twice",
		file: "internal/guance/response.go",
		from: "case errors.As(err, &dns) && dns.IsNotFound:\n\t\treturn NoAnswerUnknownHost, 1",
		to:   "case errors.As(err, &dns) && dns.IsNotFound:\n\t\treturn NoAnswerUnknownHost, 2",
		killers: []killer{
			guanceTest("TestFaultsThatRepeatByNatureEndAfterAtMostTwoAttempts"),
			providerTest("TestUnreachableEndpointsFailAfterAtMostTwoAttempts"),
		},
	},
	{
		name: "the spike ratio is truncated instead of rounded half away from zero",
		file: "internal/guance/forecast.go",
		from: "DivRound(base, DivisionPlaces)", to: "Div(base).Truncate(DivisionPlaces)",
		killers: []killer{guanceTest("TestForecastRoundsTheSpikeRatioHalfAwayFromZero")},
	},
	{
		name: "a refused number's field is named from the decoder's buffer after the next read",
		file: "internal/guance/field_decoder.go",
		from: "badField, badValue = field, bad", to: "badField, badValue = field[:0]+string(name[1:len(name)-1]), bad",
		killers: []killer{guanceTest("TestARefusedNumberNamesItsOwnField")},
	},
	{
		name:    "a success that is not a JSON boolean is let through",
		file:    "internal/guance/client.go",
		from:    `if resp.StatusCode == http.StatusOK && derr == nil && env.SuccessNotBoolean != "" {`,
		to:      `if resp.StatusCode == http.StatusOK && derr == nil && env.SuccessNotBoolean == "never" {`,
		killers: []killer{guanceTest("TestAmbiguousEmptyOrSelfContradictingAnswersAreRefused")},
	},
	{
		name:    "a record whose tag6 and billingKey disagree keeps billingKey silently",
		file:    "internal/guance/field_decoder.go",
		from:    "if !tag6.IsNull() && !billingKey.IsNull() && tag6.Value() != billingKey.Value() {",
		to:      "if !tag6.IsNull() && !billingKey.IsNull() && tag6.Value() != billingKey.Value() && false {",
		killers: []killer{guanceTest("TestARecordWhoseTag6AndBillingKeyDisagreeIsRefused")},
	},
	{
		name: "an as_of past end_date warns of an incomplete day though every day read is complete",
		file: "internal/provider/billing_forecast_data_source.go",
		from: "ok && !read.End.Before(today) {", to: "ok && !spec.AsOf.Before(today) {",
		killers: []killer{providerTest("TestBillingForecastWarnsOnlyWhenADayReadIsNotYetComplete")},
	},
	{
		name: "a fraction passes as a count",
		file: "internal/provider/validators.go",
		from: "if accuracy != big.Exact || whole < v.min", to: "if accuracy == big.Above || whole < v.min",
		killers: []killer{providerTest("TestEveryConfigurableNumberRefusesAFractionInItsOwnWords")},
	},
	{
		name: "the cost summary takes a plan's amount with an exponent, which Terraform never writes",
		file: "internal/costsummary/input.go",
		from: `if strings.ContainsAny(string(n), "eE") {`, to: `if strings.ContainsAny(string(n), "") {`,
		killers: []killer{
			costSummaryTest("TestParseRefusesWhatIsNotShowJSONWithTheReason"),
			costSummaryTest("FuzzSummaryOfPlanJSON"),
		},
	},
	{
		name: "a recorded bill that does not say success crashes the provider",
		file: "internal/guance/client.go",
		from: "if c.base != nil { // a recorded bill has no base URL", to: "if true { // a recorded bill has no base URL",
		killers: []killer{guanceTest("TestARecordingThatDoesNotSaySuccessIsAnErrorNamingIt"), guanceTest("FuzzRecordedBill")},
	},
	{
		name: "the OPA policy lets a budget read deferred to the apply pass undecided",
		file: "examples/ci/policy/cost_guard.rego",
		from: `"read" in change.change.actions`, to: `"never" in change.change.actions`,
		killers: []killer{opaTest("test_a_read_deferred_to_apply_is_denied")},
	},
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mutation-check:", err)
		os.Exit(1)
	}
}

func run(out io.Writer) error {
	start := time.Now()
	root, err := gitOutput("", "rev-parse", "--show-toplevel")
	if err != nil {
		return err
	}
	root = strings.TrimSpace(root)
	copyDir, err := copyTree(root)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "mutation-check: %d mutations, on a copy in %s\n", len(mutations), copyDir)

	// The named tests must pass unbroken, or a failure under a mutation proves nothing.
	for _, m := range mutations {
		for _, k := range m.killers {
			if output, passed := runKiller(copyDir, k); !passed {
				return fmt.Errorf("%s fails without a mutation:\n%s", k.test, output)
			}
		}
	}
	fmt.Fprintf(out, "unbroken: every named test passes (%s)\n", time.Since(start).Round(time.Second))

	survived := 0
	for i, m := range mutations {
		began := time.Now()
		killedBy, err := apply(copyDir, m)
		if err != nil {
			return fmt.Errorf("mutation %d (%s): %w", i+1, m.name, err)
		}
		took := time.Since(began).Round(100 * time.Millisecond)
		if len(killedBy) == len(m.killers) {
			fmt.Fprintf(out, "killed   %d. %s: by %s (%s)\n", i+1, m.name, strings.Join(killedBy, ", "), took)
			continue
		}
		survived++
		fmt.Fprintf(out, "SURVIVED %d. %s (%s:%q → %q): killed only by %v of %v (%s)\n", i+1, m.name, m.file, m.from, m.to, killedBy, m.killers, took)
	}
	fmt.Fprintf(out, "mutation-check: %d of %d mutations killed in %s\n", len(mutations)-survived, len(mutations), time.Since(start).Round(time.Second))
	if survived > 0 {
		return fmt.Errorf("%d mutations survived: a test must fail for each", survived)
	}
	return nil
}

// apply breaks m.file in the copy, runs m's tests and puts the file back; it returns the
// tests that failed by name.
func apply(dir string, m mutation) (killedBy []string, err error) {
	path := filepath.Join(dir, m.file)
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	original, err := os.ReadFile(path) //nolint:gosec // a file of our own copy
	if err != nil {
		return nil, err
	}
	if n := bytes.Count(original, []byte(m.from)); n != 1 {
		return nil, fmt.Errorf("%q occurs %d times in %s, want once: update scripts/mutationcheck with the code", m.from, n, m.file)
	}
	mutated := bytes.Replace(original, []byte(m.from), []byte(m.to), 1)
	if err := os.WriteFile(path, mutated, info.Mode().Perm()); err != nil { //nolint:gosec // a file of our own copy
		return nil, err
	}
	defer func() {
		if restoreErr := os.WriteFile(path, original, info.Mode().Perm()); restoreErr != nil && err == nil { //nolint:gosec // a file of our own copy
			err = restoreErr
		}
	}()
	for _, k := range m.killers {
		output, passed := runKiller(dir, k)
		switch {
		case passed:
		case strings.Contains(output, k.failed):
			killedBy = append(killedBy, k.test)
		case strings.Contains(output, "panic: ") && !strings.Contains(output, "[build failed]"):
			// A panic in another goroutine ends the test binary before it can name the test;
			// the test is the only one run, so it is the one that failed.
			killedBy = append(killedBy, k.test+" (a panic)")
		default:
			// Not a test failure: the mutation does not build, which proves nothing.
			return nil, fmt.Errorf("%s did not run to a failure of its own:\n%s", k.test, output)
		}
	}
	return killedBy, nil
}

// runKiller runs k's command in dir.
func runKiller(dir string, k killer) (output string, passed bool) {
	cmd := exec.CommandContext(context.Background(), k.cmd[0], k.cmd[1:]...) //nolint:gosec // our own table
	cmd.Dir = dir
	b, err := cmd.CombinedOutput()
	return string(b), err == nil
}

// copyTree copies the repository's tracked files, as they are in the work tree, into a
// directory of the user's cache named by the repository's path, emptied first.
func copyTree(root string) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(root))
	dir := filepath.Join(cache, "terraform-provider-guance", "mutation-check", fmt.Sprintf("%x", sum[:6]))
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	files, err := gitOutput(root, "ls-files", "-z")
	if err != nil {
		return "", err
	}
	for _, name := range strings.Split(strings.TrimRight(files, "\x00"), "\x00") {
		if err := copyFile(filepath.Join(root, name), filepath.Join(dir, name)); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// copyFile copies a regular file; a tracked file deleted from the work tree, or one that is not
// regular (a symlink is never followed), is left out.
func copyFile(from, to string) error {
	info, err := os.Lstat(from)
	if errors.Is(err, os.ErrNotExist) || err == nil && !info.Mode().IsRegular() {
		return nil
	}
	if err != nil {
		return err
	}
	data, err := os.ReadFile(from) //nolint:gosec // a tracked file of the repository
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		return err
	}
	return os.WriteFile(to, data, info.Mode().Perm()) //nolint:gosec // into our own copy
}

func gitOutput(dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(context.Background(), "git", args...) //nolint:gosec // our own arguments
	cmd.Dir = dir
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return string(b), nil
}
