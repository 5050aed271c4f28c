// Command guancesim serves the fake Guance OpenAPI of package guancesim on a
// loopback address, for demos, manual testing and recording bills to test a
// guard with. Install and run it with
//
//	go run github.com/guance-finops/terraform-provider-guance/cmd/guancesim@latest
//
// It bills no day after today (UTC+8, the China sites' billing day) unless
// -bill-future is given. It accepts the API key given with -token, by default
// sim-access-token.
//
// It prints the base URL (such as http://127.0.0.1:41234) as the first line
// of standard output, then serves until SIGINT or SIGTERM, logging one line
// per request (method, path, status, duration) to standard error. The API key
// is never logged.
//
// Usage:
//
//	guancesim [-listen 127.0.0.1:0] [-token KEY] [-records-per-day N]
//	          [-latency 50ms] [-rate-limit N] [-rate-window 1m] [-bill-future]
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("guancesim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "loopback `address` to listen on")
	token := fs.String("token", guancesim.DefaultToken, "accepted DF-API-KEY")
	perDay := fs.Int("records-per-day", 0, "billing records per day (0: the 8-product catalogue)")
	latency := fs.Duration("latency", 0, "delay added before every answer")
	rateLimit := fs.Int("rate-limit", 0, "max requests per API key per rate window (0: unlimited)")
	rateWindow := fs.Duration("rate-window", time.Minute, "rate limiting window")
	billFuture := fs.Bool("bill-future", false, "bill the days after today too (by default the simulator, like the API, bills none)")
	fixedRefusal := fs.Duration("fixed-window-refusal", 0, "refuse every request in this first part of each rate window, as a fixed-window limiter (0: off)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "guancesim: unexpected arguments: %v\n", fs.Args())
		return 2
	}
	logger := log.New(stderr, "guancesim: ", log.LstdFlags|log.Lmicroseconds)

	if err := checkLoopback(*listen); err != nil {
		logger.Print(err)
		return 2
	}
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", *listen)
	if err != nil {
		logger.Print(err)
		return 1
	}
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok || !addr.IP.IsLoopback() { // "localhost" resolved elsewhere
		_ = ln.Close()
		logger.Printf("refusing to listen on non-loopback address %s", addr)
		return 2
	}

	sim := guancesim.New(guancesim.Options{
		Token:              *token,
		RecordsPerDay:      *perDay,
		Latency:            *latency,
		RateLimit:          *rateLimit,
		RateWindow:         *rateWindow,
		FixedWindowRefusal: *fixedRefusal,
		BillFuture:         *billFuture,
	})
	srv := &http.Server{
		Handler:           logRequests(sim, logger),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          logger,
	}

	// The first line of stdout is the base URL; os.Stdout is unbuffered.
	if _, err := fmt.Fprintf(stdout, "http://%s\n", addr); err != nil {
		_ = ln.Close()
		return 1
	}
	if f, ok := stdout.(*os.File); ok {
		_ = f.Sync() // fails harmlessly on pipes
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	select {
	case err := <-serveErr:
		logger.Print(err)
		return 1
	case <-ctx.Done():
	}
	logger.Print("shutting down")
	sim.Close() // abort answers held back by latency or faults
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		_ = srv.Close()
	}
	return 0
}

// checkLoopback refuses listen addresses that are not loopback.
func checkLoopback(listen string) error {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("bad -listen %q: %w", listen, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to listen on %q: only loopback addresses (127.0.0.1, ::1, localhost) are allowed", listen)
}

// logRequests logs one line per request: method, path, the period asked for,
// status and duration. Headers (and so the API key) are never logged.
func logRequests(next http.Handler, logger *log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		start := time.Now()
		defer func() {
			status := fmt.Sprint(rec.status)
			switch {
			case rec.hijacked:
				status = "hijacked"
			case rec.status == 0:
				status = "aborted"
			}
			path := r.URL.Path
			if q := r.URL.Query(); q.Has("startDate") || q.Has("endDate") {
				path += fmt.Sprintf(" startDate=%q endDate=%q", q.Get("startDate"), q.Get("endDate"))
			}
			logger.Printf("%s %s %s %s", r.Method, path, status, time.Since(start).Round(time.Microsecond))
		}()
		next.ServeHTTP(rec, r)
	})
}

// recorder remembers the status of an answer and passes Flush and Hijack
// through.
type recorder struct {
	http.ResponseWriter
	status   int
	hijacked bool
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Flush() {
	_ = http.NewResponseController(r.ResponseWriter).Flush()
}

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(r.ResponseWriter).Hijack()
	if err == nil {
		r.hijacked = true
	}
	return conn, brw, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
