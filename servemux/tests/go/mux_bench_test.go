// Go 1.19's ServeMux on the table of servemux/benches/mux.rs, for the book's side-by-side figures:
// N/2 exact patterns /pI/item, N/2 subtree patterns /pI/sub/ and "/"; requests exact, subtree and
// fallback, timing mux.Handler(r) alone.
//
//	cd servemux/tests/go && GO111MODULE=off go test -run '^$' -bench Mux -benchtime 1s
package main

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

func BenchmarkMux(b *testing.B) {
	noop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, n := range []int{10, 100, 1000, 10000} {
		mux := http.NewServeMux()
		mux.Handle("/", noop)
		for i := 0; i < n/2; i++ {
			mux.Handle(fmt.Sprintf("/p%d/item", i), noop)
			mux.Handle(fmt.Sprintf("/p%d/sub/", i), noop)
		}
		mid := n / 4
		cases := []struct{ name, path, want string }{
			{"exact", fmt.Sprintf("/p%d/item", mid), fmt.Sprintf("/p%d/item", mid)},
			{"subtree", fmt.Sprintf("/p%d/sub/a/b", mid), fmt.Sprintf("/p%d/sub/", mid)},
			{"fallback", "/zz/a/b/c/d/e/f", "/"},
		}
		for _, c := range cases {
			r := &http.Request{Method: "GET", Host: "example.com", URL: &url.URL{Path: c.path}}
			if _, p := mux.Handler(r); p != c.want {
				b.Fatalf("%s: pattern %q, want %q", c.path, p, c.want)
			}
			b.Run(fmt.Sprintf("%s/%d", c.name, n), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					mux.Handler(r)
				}
			})
		}
	}
}
