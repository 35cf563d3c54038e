// The Go twin of servemux's `file_server` example, used by tests/fs_go_differential.rs to check
// our FileServer against Go's own, request by request.
//
//	go build -o file_server_go file_server.go
//	file_server_go DIR ADDR
//
// Serves http.FileServer(http.Dir(DIR)) as the server's whole handler and prints
// "listening on http://ADDR" with the bound address. Built without a go.mod, a program gets the
// GODEBUG defaults of Go 1.20; the directive below asks for today's (httpservecontentmaxranges,
// httpservecontentkeepheaders and the rest at their current values).

//go:debug default=go1.27

package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: file_server_go DIR ADDR")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	fmt.Fprintln(os.Stderr, http.Serve(ln, http.FileServer(http.Dir(os.Args[1]))))
	os.Exit(1)
}
