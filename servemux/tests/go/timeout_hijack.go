// The Go twin of the handlers in tests/hijack_go_differential.rs: Go 1.19's TimeoutHandler and
// Hijacker, to compare our timeout_handler and ResponseWriter::hijack with, byte for byte where
// Go defines the bytes.
//
//	go build -o timeout_hijack_go timeout_hijack.go
//	timeout_hijack_go ADDR
//
// Routes:
//
//	/slow          TimeoutHandler(a handler that sleeps 2 s, 30 ms, "too slow")
//	/slow-default  the same with an empty message (Go's default page)
//	/fast          TimeoutHandler(a handler answering 201 with a header and a body, 2 s, "")
//	/hijack        hijacks, reads one line (from the bytes already read, or the socket) and
//	               writes its own response naming the line and how many bytes were buffered
//	               beyond it, then closes
//
// Prints "listening on http://ADDR" with the bound address, then serves until killed.
package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: timeout_hijack_go ADDR")
		os.Exit(2)
	}
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("never sent"))
		time.Sleep(2 * time.Second)
	})
	fast := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Inner", "yes")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte("made in time"))
	})
	mux := http.NewServeMux()
	mux.Handle("/slow", http.TimeoutHandler(slow, 30*time.Millisecond, "too slow"))
	mux.Handle("/slow-default", http.TimeoutHandler(slow, 30*time.Millisecond, ""))
	mux.Handle("/fast", http.TimeoutHandler(fast, 2*time.Second, ""))
	mux.HandleFunc("/hijack", func(w http.ResponseWriter, r *http.Request) {
		conn, rw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		line, err := rw.ReadString('\n')
		if err != nil {
			return
		}
		body := fmt.Sprintf("line=%q", strings.TrimSuffix(line, "\n"))
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	})
	ln, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	http.Serve(ln, mux)
}
