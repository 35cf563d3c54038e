// The Go twin of servemux's `pattern_table` example, used by tests/mux_pattern_go_differential.rs
// to check our PatternMux against Go 1.22+'s ServeMux, request by request.
//
//	go build -o pattern_table_go pattern_table.go   (with a Go >= 1.22 toolchain)
//	pattern_table_go FILE ADDR
//
// Each non-empty line of FILE not starting with '#' (surrounding space trimmed) is a pattern of
// a net/http ServeMux; it answers 200 with the pattern text, then one line "\nNAME=VALUE" per
// wildcard in pattern order. A table the mux refuses (Go panics) prints the panic message and
// exits 2. Prints "listening on http://ADDR" with the bound address, then serves until killed.
//
// Built without a go.mod, a program gets Go 1.20's GODEBUG defaults and with them the 1.21 mux;
// the directive below asks for the 1.22 one.

//go:debug httpmuxgo121=0

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
		fmt.Fprintln(os.Stderr, "usage: pattern_table_go FILE ADDR")
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

// register adds one pattern; Go's panic on a bad or conflicting pattern becomes exit status 2.
func register(mux *http.ServeMux, pattern string) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintln(os.Stderr, r)
			os.Exit(2)
		}
	}()
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		// The pattern as mux.Handler reports it: Request.Pattern only exists from Go 1.23 on.
		_, pat := mux.Handler(r)
		var b strings.Builder
		b.WriteString(pat)
		for _, name := range wildcardNames(pat) {
			if v, ok := pathValue(r, name); ok {
				fmt.Fprintf(&b, "\n%s=%s", name, v)
			}
		}
		w.Write([]byte(b.String()))
	})
}

// pathValue is r.PathValue(name), or false where PathValue panics: an unclean CONNECT path such
// as "//x" lets a wildcard match an empty segment without recording a value (the tree looks the
// empty segment up as the wildcard child's key), so the pattern's last values are missing. The
// Rust mux mirrors the tree and has no value for those names either.
func pathValue(r *http.Request, name string) (v string, ok bool) {
	defer func() {
		if recover() != nil {
			v, ok = "", false
		}
	}()
	return r.PathValue(name), true
}

// wildcardNames lists the names of the {name} and {name...} segments of a pattern, in order
// ({$} and the anonymous trailing-slash wildcard bind no value).
func wildcardNames(pattern string) []string {
	var names []string
	for _, seg := range strings.Split(pattern, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && seg != "{$}" {
			names = append(names, strings.TrimSuffix(seg[1:len(seg)-1], "..."))
		}
	}
	return names
}
