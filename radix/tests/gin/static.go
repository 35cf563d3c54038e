// The gin twin of radix's static routes, used by tests/static_gin_differential.rs.
//
//	static_go DIR ADDR
//
// Registers, on a gin.New() engine:
//
//	Static("/assets", DIR)                      listings hidden (gin's onlyFilesFS)
//	StaticFS("/browse", gin.Dir(DIR, true))     listings shown
//	StaticFile("/one", DIR+"/a.txt")
//	Group("/g").Static("/s", DIR)
//
// and prints "listening on http://ADDR" with the bound address.

//go:debug default=go1.27

package main

import (
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: static_go DIR ADDR")
		os.Exit(2)
	}
	dir := os.Args[1]
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Static("/assets", dir)
	r.StaticFS("/browse", gin.Dir(dir, true))
	r.StaticFile("/one", dir+"/a.txt")
	r.Group("/g").Static("/s", dir)
	ln, err := net.Listen("tcp", os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	fmt.Fprintln(os.Stderr, http.Serve(ln, r))
	os.Exit(1)
}
