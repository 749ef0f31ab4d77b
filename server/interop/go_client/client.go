// Command client is Go's net/http client for the interop tests (standard library only).
//
// It fetches files concurrently from -base (https://127.0.0.1:PORT or http://...) and compares
// each body with the file under -root, requiring -proto as resp.Proto ("HTTP/2.0" over TLS with
// ALPN h2, "HTTP/1.1" with -h1 or over cleartext). With -echo it also POSTs 256 KiB bodies to
// /echo and checks the echoed body and the x-method, x-path and x-protocol headers. It prints
// lines starting with "= " as details and "error: " for each failure, and exits 1 on any.
package main

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

type result struct {
	what string
	err  error
}

func main() {
	base := flag.String("base", "", "server base URL, e.g. https://127.0.0.1:8443")
	root := flag.String("root", "", "document root the server serves")
	cafile := flag.String("cafile", "", "PEM certificate to trust")
	proto := flag.String("proto", "HTTP/2.0", "required resp.Proto")
	h1 := flag.Bool("h1", false, "disable HTTP/2 (no h2 in ALPN)")
	echo := flag.Bool("echo", false, "also POST to /echo")
	rounds := flag.Int("rounds", 8, "times each file is fetched, all concurrently")
	flag.Parse()

	pem, err := os.ReadFile(*cafile)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		fmt.Println("error: no certificate in", *cafile)
		os.Exit(1)
	}
	tr := &http.Transport{
		TLSClientConfig:    &tls.Config{RootCAs: pool, ServerName: "localhost"},
		ForceAttemptHTTP2:  !*h1, // a custom TLSClientConfig turns HTTP/2 off otherwise
		DisableCompression: true,
	}
	if *h1 {
		tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	client := &http.Client{Transport: tr, Timeout: 20 * time.Second}

	var mu sync.Mutex
	conns := map[string]bool{}
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		mu.Lock()
		conns[fmt.Sprintf("%p", info.Conn)] = true
		mu.Unlock()
	}}

	do := func(method, path string, body []byte) (*http.Response, []byte, error) {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequest(method, *base+path, rd)
		if err != nil {
			return nil, nil, err
		}
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
		resp, err := client.Do(req)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		if err != nil {
			return resp, nil, err
		}
		if resp.Proto != *proto {
			return resp, got, fmt.Errorf("resp.Proto %q, want %q", resp.Proto, *proto)
		}
		return resp, got, nil
	}

	wantProtocol := "h2"
	if *proto != "HTTP/2.0" {
		wantProtocol = "http/1.1"
	}
	var jobs []func() result
	for _, path := range []string{"/small.txt", "/medium.bin", "/big.bin", "/nested/deep.txt"} {
		want, err := os.ReadFile(filepath.Join(*root, path))
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		for i := 0; i < *rounds; i++ {
			path := path
			jobs = append(jobs, func() result {
				resp, got, err := do("GET", path, nil)
				if err == nil && resp.StatusCode != 200 {
					err = fmt.Errorf("status %d", resp.StatusCode)
				}
				if err == nil && !bytes.Equal(got, want) {
					err = fmt.Errorf("body of %d bytes differs from the file's %d", len(got), len(want))
				}
				return result{"GET " + path, err}
			})
		}
	}
	jobs = append(jobs, func() result {
		resp, _, err := do("GET", "/does-not-exist.txt", nil)
		if err == nil && resp.StatusCode != 404 {
			err = fmt.Errorf("status %d, want 404", resp.StatusCode)
		}
		return result{"GET /does-not-exist.txt", err}
	})
	if *echo {
		for i := 0; i < 4; i++ {
			jobs = append(jobs, func() result {
				body := make([]byte, 256*1024)
				rand.Read(body)
				resp, got, err := do("POST", "/echo", body)
				if err == nil && resp.StatusCode != 200 {
					err = fmt.Errorf("status %d", resp.StatusCode)
				}
				if err == nil && !bytes.Equal(got, body) {
					err = fmt.Errorf("echoed %d bytes differ from the %d sent", len(got), len(body))
				}
				for _, h := range [][2]string{{"X-Method", "POST"}, {"X-Path", "/echo"}, {"X-Protocol", wantProtocol}} {
					if err == nil && resp.Header.Get(h[0]) != h[1] {
						err = fmt.Errorf("header %s is %q, want %q", h[0], resp.Header.Get(h[0]), h[1])
					}
				}
				return result{"POST /echo", err}
			})
		}
	}

	results := make(chan result, len(jobs))
	for _, job := range jobs {
		go func(job func() result) { results <- job() }(job)
	}
	var failures []string
	for range jobs {
		if r := <-results; r.err != nil {
			failures = append(failures, fmt.Sprintf("%s: %v", r.what, r.err))
		}
	}
	sort.Strings(failures)
	fmt.Printf("= %d concurrent requests over %d connection(s), %s\n", len(jobs), len(conns), *proto)
	for _, f := range failures {
		fmt.Println("error:", f)
	}
	if len(failures) > 0 {
		os.Exit(1)
	}
}
