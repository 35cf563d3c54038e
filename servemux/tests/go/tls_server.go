// The Go twin of tests/tls_go_differential.rs: Go's ServeTLS, to compare what our TLS listener
// says to plain HTTP, to garbage and, through the session, in a handler's r.TLS.
//
//	go build -o tls_server_go tls_server.go
//	tls_server_go CERT_FILE KEY_FILE ADDR
//
// Routes: /info answers "VERSION SNI ALPN" from r.TLS (VERSION spelt as rustls spells it,
// "none" for an empty SNI or ALPN); every other path answers "hello".
//
// Prints "listening on https://ADDR" with the bound address, then serves until killed.
package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
)

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: tls_server_go CERT_FILE KEY_FILE ADDR")
		os.Exit(2)
	}
	versions := map[uint16]string{tls.VersionTLS12: "TLSv1_2", tls.VersionTLS13: "TLSv1_3"}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/info" {
			w.Write([]byte("hello"))
			return
		}
		if r.TLS == nil {
			w.Write([]byte("plain"))
			return
		}
		fmt.Fprintf(w, "%s %s %s", versions[r.TLS.Version], orNone(r.TLS.ServerName),
			orNone(r.TLS.NegotiatedProtocol))
	})
	ln, err := net.Listen("tcp", os.Args[3])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("listening on https://%s\n", ln.Addr())
	srv := &http.Server{Handler: handler}
	fmt.Fprintln(os.Stderr, srv.ServeTLS(ln, os.Args[1], os.Args[2]))
	os.Exit(1)
}
