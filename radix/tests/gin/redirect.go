// gin 1.8.1's redirects, for tests/redirect_gin_differential.rs: the engine's trailing-slash and
// fixed-path redirects (RedirectFixedPath on) and c.Redirect, with the same routes as the
// engine the test builds. Prints `listening on http://ADDR` once it listens.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o gin_redirect redirect.go
package main

import (
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/gin-gonic/gin"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gin_redirect ADDR")
		os.Exit(2)
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.RedirectFixedPath = true
	ok := func(c *gin.Context) { c.String(200, c.FullPath()) }
	e.GET("/users/", ok)
	e.POST("/users/", ok)
	e.GET("/docs/guide", ok)
	e.GET("/files/:name", ok)
	// c.Redirect with the code and location the query gives.
	e.GET("/go/*rest", func(c *gin.Context) {
		code, _ := strconv.Atoi(c.Query("code"))
		c.Redirect(code, c.Query("to"))
	})
	e.POST("/go/*rest", func(c *gin.Context) {
		c.Redirect(307, c.Query("to"))
	})
	// A Content-Type set before the redirect: http.Redirect then writes no body.
	e.GET("/typed", func(c *gin.Context) {
		c.Header("Content-Type", "text/plain")
		c.Redirect(302, "/elsewhere")
	})
	ln, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	e.RunListener(ln)
}
