// The Go twin of servemux's `mux_table` example, used by tests/mux_go_differential.rs to check
// our ServeMux against Go's own, request by request.
//
//	go build -o mux_table_go mux_table.go
//	mux_table_go FILE ADDR
//
// Each non-empty line of FILE not starting with '#' (surrounding space trimmed) is a pattern of a
// net/http ServeMux answering 200 with the pattern text, no newline. A table the Rust mux refuses
// exits 2 here too: Go panics on a duplicate (we recover and exit), and a pattern whose part
// before the first '/' is not a possible host, which Go would accept and never match, is refused
// explicitly to mirror the Rust check.
// Prints "listening on http://ADDR" with the bound address, then serves until killed.
package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: mux_table_go FILE ADDR")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	mux := http.NewServeMux()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.TrimSpace(sc.Text())
		if p == "" || strings.HasPrefix(p, "#") {
			continue
		}
		if !startsWithSlashOrHost(p) {
			fmt.Fprintf(os.Stderr, "invalid pattern %q\n", p)
			os.Exit(2)
		}
		register(mux, p)
	}
	ln, err := net.Listen("tcp", os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	fmt.Fprintln(os.Stderr, http.Serve(ln, mux))
	os.Exit(1)
}

// register adds one pattern; Go's panic on a duplicate becomes exit status 2.
func register(mux *http.ServeMux, pattern string) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintln(os.Stderr, r)
			os.Exit(2)
		}
	}()
	body := []byte(pattern)
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		w.Write(body)
	})
}

// startsWithSlashOrHost mirrors the Rust mux's pattern check: the bytes before the first '/' must
// all be ones a valid Host header may carry.
func startsWithSlashOrHost(p string) bool {
	host := p
	if i := strings.IndexByte(p, '/'); i >= 0 {
		host = p[:i]
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!$%&'()*+,-.:;=[]_~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}
