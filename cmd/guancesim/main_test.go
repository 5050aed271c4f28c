package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:0": true, "127.0.0.2:8080": true, "[::1]:0": true, "localhost:9000": true,
		":8080": false, "0.0.0.0:0": false, "[::]:0": false, "10.0.0.1:80": false, "example.com:80": false, "127.0.0.1": false,
	} {
		if err := checkLoopback(addr); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v", addr, err)
		}
	}
}

func TestRefusesNonLoopback(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-listen", "0.0.0.0:0"}, &out, &errOut); code == 0 || out.Len() != 0 {
		t.Errorf("exit %d, stdout %q", code, out.String())
	}
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestServeAndStop(t *testing.T) {
	pr, pw := io.Pipe()
	var logs syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"-token", "very-secret-key", "-records-per-day", "10"}, pw, &logs)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "http://127.0.0.1:") {
		t.Fatalf("first line %q: %v", line, err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	base := strings.TrimSpace(line)
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/billing/detail/list?startDate=20240101&endDate=20240101", nil)
	req.Header.Set("DF-API-KEY", "very-secret-key")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || bytes.Count(body, []byte(`"productDetail"`)) != 10 {
		t.Errorf("answer %d %.100s", resp.StatusCode, body)
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop on SIGTERM")
	}
	out := logs.String()
	if !strings.Contains(out, "GET /api/v1/billing/detail/list") || !strings.Contains(out, " 200 ") {
		t.Errorf("log: %s", out)
	}
	if strings.Contains(out, "very-secret-key") {
		t.Error("the API key was logged")
	}
}
